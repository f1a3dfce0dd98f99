// `st.ops` on the symbolic tensors of a functional model (Keras's `x + 3` between layers): the op
// nodes compute what the ops compute eagerly, train, show in summaries, and are written and read
// as Keras writes them (test/fixtures/keras-ops/make_ops_model.py saved the fixture with Keras).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ZipReader } from "../../src/io/zip.js";
import { SymbolicOp } from "../../src/layers/symbolic/symbolic-op.js";
import { assertClose } from "../helpers.js";

const FIXTURE = new URL("../fixtures/keras-ops/", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "strata-symbolic-ops-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const values = (t: st.Tensor) => Array.from(t.dataSync() as Float32Array);

function configLayers(archive: Uint8Array): Json[] {
  const text = new TextDecoder().decode(new ZipReader(archive, "test").read("config.json"));
  return (JSON.parse(text) as { config: { layers: Json[] } }).config.layers;
}

describe("ops on symbolic tensors", () => {
  it("build a model that computes what the ops compute on tensors", () => {
    const x = st.layers.Input({ shape: [4] });
    const y = st.ops.add(x, 3);
    const z = st.ops.sum(st.ops.multiply(y, x), -1, true);
    const w = st.ops.reshape(st.ops.concatenate([z, st.ops.subtract(1, z)], -1), [-1, 1, 2]);
    const model = new st.Model({ inputs: x, outputs: [w, st.ops.argmax(x, -1)] });
    assert.deepEqual(w.shape, [null, 1, 2]);
    assert.equal(model.outputs[1]!.dtype, "int32");

    const rows = [
      [1, 2, 3, 4],
      [0, -1, 0.5, 1],
    ];
    const xs = st.tensor(rows);
    const [out, arg] = model.predictOnBatch(xs) as st.Tensor[];
    // Row by row in float64: z = Σ (x + 3) x, then [z, 1 - z].
    const expected = rows.flatMap((r) => {
      const z = r.reduce((s, v) => s + (v + 3) * v, 0);
      return [z, 1 - z];
    });
    assertClose(values(out!), expected, { atol: 1e-5, rtol: 1e-5 });
    assert.deepEqual(out!.shape, [2, 1, 2]);
    assert.deepEqual(Array.from(arg!.dataSync()), [3, 3]);
  });

  it("are graph operations, not layers: model.layers leaves them out, summaries show them", () => {
    const x = st.layers.Input({ shape: [3] });
    const h = new st.layers.Dense(2, { name: "d" }).apply(x);
    const model = new st.Model(x, st.ops.expandDims(st.ops.relu(h), -1));
    assert.deepEqual(
      model.layers.map((l) => l.className),
      ["InputLayer", "Dense"],
    );
    assert.deepEqual(
      model.operations.slice(2).map((l) => l.className),
      ["Relu", "ExpandDims"],
    );
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    assert.ok(
      lines.some((l) => /relu(_\d+)? \(Relu\)/.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.some((l) => /expand_dims(_\d+)? \(ExpandDims\)\s+│ \(None, 2, 1\)/.test(l)));
  });

  it("train: gradients flow through the op nodes to the layers before them", async () => {
    st.utils.setRandomSeed(5);
    const x = st.layers.Input({ shape: [2] });
    const dense = new st.layers.Dense(1);
    // y = relu6(d(x) + 3) / 6, MobileNetV3's hard-sigmoid written with ops.
    const h = dense.apply(x);
    const y = st.ops.multiply(new st.layers.ReLU({ maxValue: 6 }).apply(st.ops.add(h, 3)), 1 / 6);
    const model = new st.Model(x, y);
    model.compile({ optimizer: new st.optimizers.SGD(0.5), loss: "mse" });
    const xs = st.random.normal([64, 2], { seed: 1 });
    const ys = st.ops.cast(st.ops.greater(st.ops.sum(xs, -1, true), 0), "float32");
    const before = values(dense.getWeights()[0]!);
    const history = await model.fit(xs, ys, { epochs: 20, batchSize: 16, verbose: 0 });
    const losses = history.history.loss!;
    assert.notDeepEqual(values(dense.getWeights()[0]!), before);
    assert.ok(losses.at(-1)! < losses[0]! * 0.7, `loss ${losses[0]} → ${losses.at(-1)}`);
  });

  it("give several outputs where the op does", () => {
    const x = st.layers.Input({ shape: [6] });
    const parts = st.ops.split(x, 3, -1);
    assert.equal(parts.length, 3);
    assert.deepEqual(parts[2]!.shape, [null, 2]);
    const model = new st.Model(x, st.ops.subtract(parts[2]!, parts[0]!));
    const out = model.predictOnBatch(st.tensor([[1, 2, 3, 4, 5, 6]])) as st.Tensor;
    assert.deepEqual(values(out), [4, 4]);
  });
});

describe("op nodes in Keras files", () => {
  const io = JSON.parse(readFileSync(new URL("ops_model.io.json", FIXTURE), "utf8")) as {
    input: number[][];
    outputs: number[][][];
  };

  it("a model Keras saved with ops between its layers predicts what Keras predicted", async () => {
    const model = await st.models.loadModel(new URL("ops_model.keras", FIXTURE).pathname);
    assert.deepEqual(
      model.layers.map((l) => l.className),
      ["InputLayer", "Dense", "ReLU", "Dense"],
    );
    const [out, idx] = model.predictOnBatch(st.tensor(io.input)) as st.Tensor[];
    assertClose(values(out!), io.outputs[0]!.flat(), { atol: 1e-5, rtol: 1e-5 });
    assert.deepEqual(values(idx!), io.outputs[1]!.flat());
  });

  it("writes the op nodes as Keras wrote them, and reads its own files back", async () => {
    const path = new URL("ops_model.keras", FIXTURE).pathname;
    const model = await st.models.loadModel(path);
    const saved = join(dir, "resaved.keras");
    await model.save(saved);
    const ours = configLayers(readFileSync(saved));
    const keras = configLayers(readFileSync(path));
    const ops = (layers: Json[]) =>
      layers
        .filter((l) => String(l.module).startsWith("keras.src.ops."))
        .map(({ build_config: _, ...l }) => l);
    assert.equal(ops(keras).length, 21);
    assert.deepEqual(ops(ours), ops(keras));
    const again = await st.models.loadModel(saved);
    const [out] = again.predictOnBatch(st.tensor(io.input)) as st.Tensor[];
    assertClose(values(out!), io.outputs[0]!.flat(), { atol: 1e-5, rtol: 1e-5 });
  });

  it("refuses to save what Keras's format cannot hold, naming the op", async () => {
    const x = st.layers.Input({ shape: [3] });
    const withTensor = new st.Model(x, st.ops.add(x, st.tensor([1, 2, 3])));
    await assert.rejects(withTensor.save(join(dir, "t.keras")), {
      message: /Layer "add(_\d+)?" \(SymbolicOp\): ops.add was called with a tensor constant/,
    });
    const noKeras = new SymbolicOp("notAnOp", (t: st.Tensor) => t);
    assert.throws(() => noKeras.getConfig(), {
      message:
        /ops.notAnOp has no Keras Operation, so a model that calls it on symbolic tensors cannot be saved/,
    });
  });
});
