import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Batcher } from "../../../src/tools/serve/batcher.js";
import type { Column } from "../../../src/tools/serve/columns.js";
import type { NamedColumn } from "../../../src/tools/serve/predict-response.js";

/** A column of `rows` rows of width `width`, row r holding the values base + r. */
function column(rows: number, width: number, base: number): Column {
  const values = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) values.fill(base + r, r * width, (r + 1) * width);
  return { dtype: "float32", values, shape: [rows, width] };
}

/** A fake model: each output row is the first value of the input row, times 2; records its calls. */
function fakeModel() {
  const calls: number[][] = [];
  const run = (inputs: readonly Column[]): NamedColumn[] => {
    const c = inputs[0]!;
    const rows = c.shape[0]!;
    const width = c.values.length / rows;
    calls.push([rows, width]);
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) out[r] = (c.values[r * width] as number) * 2;
    return [{ name: "y", dtype: "float32", values: out, shape: [rows] }];
  };
  return { calls, run };
}

const answer = (s: { outputs: readonly NamedColumn[]; start: number; end: number }) =>
  Array.from(s.outputs[0]!.values.slice(s.start, s.end) as Float32Array);

describe("Batcher", () => {
  it("runs requests queued together as one call and splits the outputs back", async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, { maxBatchSize: 100, batchTimeoutMs: 0 });
    const got = await Promise.all([
      b.submit([column(2, 3, 10)]),
      b.submit([column(1, 3, 20)]),
      b.submit([column(3, 3, 30)]),
    ]);
    assert.deepEqual(m.calls, [[6, 3]]);
    assert.deepEqual(got.map(answer), [[20, 22], [40], [60, 62, 64]]);
  });

  it("keeps batches within maxBatchSize, chunks an oversized request, and never mixes row shapes", async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, { maxBatchSize: 4, batchTimeoutMs: 5 });
    const got = await Promise.all([
      b.submit([column(3, 2, 0)]),
      b.submit([column(2, 5, 100)]), // other row shape: its own batch
      b.submit([column(1, 2, 10)]), // fills the first batch to 4
      b.submit([column(2, 2, 20)]), // next batch
      b.submit([column(9, 2, 40)]), // alone, in chunks of 4, 4, 1
    ]);
    assert.deepEqual(got.map(answer), [
      [0, 2, 4],
      [200, 202],
      [20],
      [40, 42],
      [80, 82, 84, 86, 88, 90, 92, 94, 96],
    ]);
    assert.ok(
      m.calls.every(([rows]) => rows! <= 4),
      JSON.stringify(m.calls),
    );
    assert.deepEqual(
      m.calls.map(([, w]) => w),
      [2, 5, 2, 2, 2, 2],
    );
    assert.equal(
      m.calls.reduce((n, [rows]) => n + rows!, 0),
      17,
    );
    assert.equal(b.pendingRows, 0);
  });

  it("a model error rejects every request of its batch, and later batches still run", async () => {
    let fail = true;
    const m = fakeModel();
    const b = new Batcher(
      (inputs) => {
        if (fail) throw new Error("boom");
        return m.run(inputs);
      },
      { maxBatchSize: 8, batchTimeoutMs: 0 },
    );
    const results = await Promise.allSettled([
      b.submit([column(1, 1, 1)]),
      b.submit([column(1, 1, 2)]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    fail = false;
    assert.deepEqual(answer(await b.submit([column(1, 1, 5)])), [10]);
  });

  it("drain resolves once everything queued is answered", async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, { maxBatchSize: 8, batchTimeoutMs: 30 });
    const pending = b.submit([column(1, 1, 1)]);
    let answered = false;
    void pending.then(() => (answered = true));
    await b.drain();
    assert.equal(answered, true);
    await b.drain(); // idle: resolves at once
  });
});
