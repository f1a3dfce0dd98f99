import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import sharp from "sharp";
import * as st from "../../../src/index.js";
import { createProgram, main } from "../../../src/tools/cli/main.js";
import { assertClose } from "../serve/http.js";
import { runCli } from "./run-cli.js";

const FIXTURES = new URL("../../fixtures/keras/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "strata-cli-predict-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Keras's own inputs and predictions for the shipped seq model (written by Keras 3.16). */
const seqIo = JSON.parse(readFileSync(join(FIXTURES, "seq.io.json"), "utf8")) as {
  inputs: { input: { shape: number[]; data: number[] } };
  outputs: Array<{ shape: number[]; data: number[] }>;
};
const seqRows = (() => {
  const { shape, data } = seqIo.inputs.input;
  return Array.from({ length: shape[0]! }, (_, r) =>
    data.slice(r * shape[1]!, (r + 1) * shape[1]!),
  );
})();
const seqPredictions = seqIo.outputs[0]!.data.map((v) => [v]);

/** Runs the CLI in this process (as the child-process tests do, without a node start each). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await main(args);
    return { code: Number(process.exitCode ?? 0), stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = before;
  }
}

/** A NumPy .npy file (format 1.0) of float32 values, written by hand. */
function npy(values: number[], shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, ...Buffer.from("NUMPY"), 1, 0, header.length & 0xff, header.length >> 8]);
  head.set(Buffer.from(header, "latin1"), 10);
  const body = new Uint8Array(new Float32Array(values).buffer);
  return Buffer.concat([head, body]);
}

describe("strata predict", () => {
  it("--help describes the inputs it takes", () => {
    const help = createProgram()
      .commands.find((c) => c.name() === "predict")!
      .helpInformation();
    for (const word of [".json", ".npy", "image", "--rescale", "--batch-size"])
      assert.ok(help.includes(word), word);
  });

  it("prints Keras's predictions for a JSON request to a legacy .h5 model (child process)", () => {
    const req = join(dir, "seq.json");
    writeFileSync(req, JSON.stringify({ instances: seqRows }));
    const { status, stdout, stderr } = runCli(["predict", join(FIXTURES, "seq.legacy.h5"), req]);
    assert.equal(status, 0, stderr);
    const body = JSON.parse(stdout) as { predictions: unknown };
    assertClose(body.predictions, seqPredictions, 1e-5);
  });

  it("takes a bare list of instances, a columnar request, and an .npy batch", async () => {
    const dense = new st.layers.Dense(1, { name: "y" });
    const model = new st.Sequential([st.Input({ shape: [3] }), dense]);
    dense.setWeights([st.tensor([[1], [2], [3]]), st.tensor([1])]);
    const file = join(dir, "lin.keras");
    await model.save(file);
    const list = join(dir, "list.json");
    writeFileSync(list, "[[1, 1, 1], [0, 0, 2]]");
    const a = await cli(["predict", file, list]);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(JSON.parse(a.stdout), { predictions: [[7], [7]] });
    const columnar = join(dir, "columnar.json");
    writeFileSync(columnar, '{"inputs": [[1, 0, 0]]}');
    assert.deepEqual(JSON.parse((await cli(["predict", file, columnar])).stdout), {
      outputs: [[2]],
    });
    const arr = join(dir, "x.npy");
    writeFileSync(arr, npy([1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 2, 2], [4, 3]));
    const n = await cli(["predict", file, arr, "--batch-size", "3"]);
    assert.equal(n.code, 0, n.stderr);
    assert.deepEqual(JSON.parse(n.stdout), { predictions: [[2], [3], [4], [13]] });
    const wrong = join(dir, "wrong.npy");
    writeFileSync(wrong, npy([1, 2], [1, 2]));
    const w = await cli(["predict", file, wrong]);
    assert.equal(w.code, 1);
    assert.match(w.stderr, /expected shape \[-1,3\].*received \[1,2\]/);
  });

  it("decodes images, resized to the model's input size, with --rescale", async () => {
    // The model sums a 4×4 grayscale image's pixels.
    const dense = new st.layers.Dense(1, { name: "total", kernelInitializer: "ones" });
    const model = new st.Sequential([
      st.Input({ shape: [4, 4, 1] }),
      new st.layers.Flatten(),
      dense,
    ]);
    const file = join(dir, "sum.keras");
    await model.save(file);
    const gray = async (value: number, name: string) => {
      const path = join(dir, name);
      await sharp(Buffer.alloc(8 * 8 * 3, value), { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toFile(path);
      return path;
    };
    const images = [await gray(100, "a.png"), await gray(51, "b.png")];
    const r = await cli(["predict", file, ...images, "--rescale", "1/255"]);
    assert.equal(r.code, 0, r.stderr);
    assertClose(
      (JSON.parse(r.stdout) as { predictions: unknown }).predictions,
      [[(16 * 100) / 255], [(16 * 51) / 255]],
      1e-5,
    );
    const bad = await cli(["predict", file, images[0]!, join(dir, "list.json")]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /expected one \.json, \.npy or \.npz file, or image files/);
  });
});

describe("strata convert", () => {
  it("--help names the formats", () => {
    const help = createProgram()
      .commands.find((c) => c.name() === "convert")!
      .helpInformation();
    for (const word of [".keras", ".weights.h5", "legacy .h5", "--architecture"])
      assert.ok(help.includes(word), word);
  });

  it("legacy .h5 → .keras keeps Keras's predictions (child process)", async () => {
    const out = join(dir, "seq.keras");
    const { status, stdout, stderr } = runCli(["convert", join(FIXTURES, "seq.legacy.h5"), out]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /wrote .*seq\.keras \(model\)/);
    const model = await st.models.loadModel(out);
    const y = (await model.predict(st.tensor(seqRows, undefined, "int32"), {
      verbose: 0,
    })) as st.Tensor;
    assertClose(y.toArray(), seqPredictions, 1e-5);
    assert.ok(model.compiled, "the training configuration became the compile config");
  });

  it(".keras → .weights.h5, and back into a model with --architecture", async () => {
    const weights = join(dir, "seq.weights.h5");
    const a = await cli(["convert", join(FIXTURES, "seq.keras"), weights]);
    assert.equal(a.code, 0, a.stderr);
    const missing = await cli(["convert", weights, join(dir, "x.keras")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /holds weights only.*--architecture/);
    // The architecture alone, as Keras's to_json() writes it, plus the weights, is the model again.
    const arch = join(dir, "seq.json");
    writeFileSync(arch, (await st.models.loadModel(join(FIXTURES, "seq.keras"))).toJson());
    const back = join(dir, "back.keras");
    const b = await cli(["convert", weights, back, "--architecture", arch]);
    assert.equal(b.code, 0, b.stderr);
    const model = await st.models.loadModel(back);
    const y = (await model.predict(st.tensor(seqRows, undefined, "int32"), {
      verbose: 0,
    })) as st.Tensor;
    assertClose(y.toArray(), seqPredictions, 1e-5);
  });

  it(".keras → legacy .h5 keeps Keras's predictions and compile, warning once (child process)", async () => {
    const out = join(dir, "seq.out.h5");
    const { status, stdout, stderr } = runCli(["convert", join(FIXTURES, "seq.keras"), out]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /wrote .*seq\.out\.h5 \(model, legacy HDF5\)/);
    assert.equal(stderr.match(/This file format is considered legacy/g)?.length, 1, stderr);
    const model = await st.models.loadModel(out);
    const y = (await model.predict(st.tensor(seqRows, undefined, "int32"), {
      verbose: 0,
    })) as st.Tensor;
    assertClose(y.toArray(), seqPredictions, 1e-5);
    assert.ok(model.compiled, "the compile config became the training configuration");
    // And back: the legacy file converts to a .keras archive with the same predictions.
    const back = join(dir, "seq.back.keras");
    const b = await cli(["convert", out, back]);
    assert.equal(b.code, 0, b.stderr);
    const again = (await (
      await st.models.loadModel(back)
    ).predict(st.tensor(seqRows, undefined, "int32"), { verbose: 0 })) as st.Tensor;
    assertClose(again.toArray(), seqPredictions, 1e-5);
  });

  it("refuses an output name it cannot read, naming the formats it writes", async () => {
    const other = await cli(["convert", join(FIXTURES, "seq.keras"), join(dir, "out.onnx")]);
    assert.equal(other.code, 1);
    assert.match(
      other.stderr,
      /expected a name ending in "\.keras".*"\.weights\.h5".*"\.h5" \/ "\.hdf5"/,
    );
  });
});
