import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeFileAtomic } from "../../src/io/atomic-write.js";
import {
  type WeightEntry,
  checkWeightsMatch,
  loadWeightsFile,
  saveWeightsFile,
} from "../../src/io/weights-json.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-io-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entries = (): WeightEntry[] => [
  {
    name: "dense/kernel",
    shape: [2, 3],
    dtype: "float32",
    data: new Float32Array([1, -2.5, 3e-8, 4, 5, Math.PI]),
  },
  { name: "dense/bias", shape: [3], dtype: "float64", data: new Float64Array([0.1, 1e300, -0]) },
  { name: "step", shape: [], dtype: "int32", data: new Int32Array([-7]) },
  { name: "mask", shape: [2], dtype: "bool", data: new Uint8Array([1, 0]) },
  { name: "empty", shape: [0, 4], dtype: "float32", data: new Float32Array(0) },
];

/** Files other than the expected ones: leftovers of a failed atomic write. */
async function strayFiles(expected: string[]): Promise<string[]> {
  return (await readdir(dir)).filter((f) => !expected.includes(f));
}

describe("weights-json", () => {
  it("round-trips every dtype bit for bit, with the optimizer section", async () => {
    const path = join(dir, "a.weights.json");
    const opt: WeightEntry[] = [
      { name: "sgd/iteration", shape: [], dtype: "int32", data: new Int32Array([12]) },
    ];
    await saveWeightsFile(path, entries(), { optimizer: opt });
    const file = await loadWeightsFile(path);
    assert.equal(file.weights.length, 5);
    file.weights.forEach((e, i) => {
      const want = entries()[i]!;
      assert.equal(e.name, want.name);
      assert.deepEqual(e.shape, want.shape);
      assert.equal(e.dtype, want.dtype);
      assert.equal(e.data.constructor, want.data.constructor);
      assert.deepEqual(Array.from(e.data), Array.from(want.data));
    });
    assert.ok(Object.is(file.weights[1]!.data[2], -0), "negative zero survives");
    assert.deepEqual(Array.from(file.optimizer![0]!.data), [12]);
    const doc = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    assert.equal(doc.format, "strata.weights");
    assert.equal(doc.version, 1);
  });

  it("has no optimizer section unless one is given", async () => {
    const path = join(dir, "b.weights.json");
    await saveWeightsFile(path, entries().slice(0, 1));
    assert.equal((await loadWeightsFile(path)).optimizer, null);
  });

  it("reports a missing file, bad JSON, a foreign file and truncated data clearly", async () => {
    await assert.rejects(loadWeightsFile(join(dir, "nope.weights.json")), {
      message: /No weights file found at ".*nope\.weights\.json"/,
    });
    const bad = join(dir, "bad.weights.json");
    await writeFile(bad, "{not json");
    await assert.rejects(loadWeightsFile(bad), {
      message: /bad\.weights\.json" is not a valid Strata weights file/,
    });
    await writeFile(bad, JSON.stringify({ hello: 1 }));
    await assert.rejects(loadWeightsFile(bad), {
      message: /is not a Strata weights file \(expected "format": "strata.weights"\)/,
    });
    await writeFile(
      bad,
      JSON.stringify({
        format: "strata.weights",
        version: 1,
        weights: [
          { name: "k", shape: [2, 2], dtype: "float32", data: Buffer.alloc(12).toString("base64") },
        ],
      }),
    );
    await assert.rejects(loadWeightsFile(bad), {
      message: /weight "k" of shape \[2,2\] and dtype float32 needs 16 bytes of data; found 12/,
    });
    await writeFile(bad, JSON.stringify({ format: "strata.weights", version: 9, weights: [] }));
    await assert.rejects(loadWeightsFile(bad), { message: /version 9/ });
    await rm(bad);
  });

  it("checks count and shapes against the model, naming the file, the weight and both shapes", () => {
    const loaded = entries().slice(0, 2);
    assert.throws(
      () =>
        checkWeightsMatch("m.weights.json", 'model "m"', [{ name: "k", shape: [2, 3] }], loaded),
      {
        message: /"m\.weights\.json" into model "m": the file has 2 weights, the model has 1/,
      },
    );
    assert.throws(
      () =>
        checkWeightsMatch(
          "m.weights.json",
          'model "m"',
          [
            { name: "dense_1/kernel", shape: [3, 2] },
            { name: "b", shape: [3] },
          ],
          loaded,
        ),
      {
        message:
          /weight 0 "dense_1\/kernel" has shape \[3,2\], the file's "dense\/kernel" has shape \[2,3\]/,
      },
    );
    checkWeightsMatch(
      "m.weights.json",
      'model "m"',
      [
        { name: "x", shape: [2, 3] },
        { name: "y", shape: [3] },
      ],
      loaded,
    );
  });

  it("refuses to save an entry whose data does not fit its shape, keeping the old file", async () => {
    const path = join(dir, "keep.weights.json");
    await saveWeightsFile(path, entries());
    const before = await readFile(path, "utf8");
    const broken: WeightEntry[] = [
      { name: "k", shape: [4], dtype: "float32", data: new Float32Array(3) },
    ];
    await assert.rejects(saveWeightsFile(path, broken), {
      message: /weight "k" has shape \[4\] \(4 elements\) but 3 values/,
    });
    assert.equal(await readFile(path, "utf8"), before);
    assert.deepEqual(
      await strayFiles(["a.weights.json", "b.weights.json", "keep.weights.json"]),
      [],
    );
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file whole", async () => {
    const path = join(dir, "atomic.txt");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    assert.equal(await readFile(path, "utf8"), "hi");
  });

  it("leaves no temporary file and the old content when the write fails midway", async () => {
    const sub = join(dir, "fail");
    await mkdir(sub);
    const path = join(sub, "target.txt");
    await writeFileAtomic(path, "old");
    // Fails inside the write, after the temporary file was created.
    await assert.rejects(writeFileAtomic(path, 42 as unknown as string));
    assert.equal(await readFile(path, "utf8"), "old");
    assert.deepEqual(await readdir(sub), ["target.txt"]);
  });

  it("refuses a directory as target and a missing parent directory", async () => {
    const target = join(dir, "is-a-dir");
    await mkdir(join(target, "inner"), { recursive: true });
    await assert.rejects(writeFileAtomic(target, "x"), {
      message: /is-a-dir": it is an existing directory/,
    });
    await assert.rejects(writeFileAtomic(join(dir, "missing", "f.txt"), "x"), {
      message: /the directory ".*missing" does not exist/,
    });
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });
});
