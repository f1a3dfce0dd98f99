// st.utils.timeseriesDatasetFromArray against the examples of Keras's docstring and hand-made cases.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { timeseriesDatasetFromArray } = st.utils;

const arange = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of ds) out.push(e);
  return out;
}

describe("timeseriesDatasetFromArray", () => {
  it("Keras example 1: indices 0..98, length 10, rate 2, stride 3", async () => {
    const data = st.tensor(arange(99));
    const ds = timeseriesDatasetFromArray(data, null, 10, {
      samplingRate: 2,
      sequenceStride: 3,
      batchSize: 100,
    });
    const [batch, ...rest] = await collect(ds);
    assert.equal(rest.length, 0);
    const rows = batch!.toArray() as number[][];
    assert.deepEqual(rows[0], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.deepEqual(rows[1], [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    assert.deepEqual(rows[2], [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    assert.deepEqual(rows.at(-1), [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]);
    assert.equal(rows.length, 27);
  });

  it("Keras example 2: the past 10 steps predict the next", async () => {
    const data = arange(50).map((i) => i * 1.5);
    const ds = timeseriesDatasetFromArray(data.slice(0, -10), data.slice(10), 10);
    assert.equal(ds.cardinality(), 1);
    const [[inputs, targets]] = (await collect(ds)) as [[st.Tensor, st.Tensor]];
    assert.deepEqual(inputs.shape, [31, 10]);
    assert.deepEqual((inputs.toArray() as number[][])[0], data.slice(0, 10));
    assert.equal((targets.toArray() as number[])[0], data[10]);
    assert.equal((targets.toArray() as number[])[30], data[40]);
  });

  it("Keras example 3: non-overlapping windows of X and Y zipped", async () => {
    const X = arange(100);
    const Y = X.map((v) => v * 2);
    const opts = { sequenceStride: 20 };
    const xs = timeseriesDatasetFromArray(X, null, 20, opts);
    const ys = timeseriesDatasetFromArray(Y, null, 20, opts);
    const [[inputs, targets]] = (await collect(xs.zip(ys))) as [[st.Tensor, st.Tensor]];
    assert.deepEqual((inputs.toArray() as number[][])[0], X.slice(0, 20));
    assert.deepEqual((targets.toArray() as number[][])[1], Y.slice(20, 40));
    assert.deepEqual(inputs.shape, [5, 20]);
  });

  it("batches of 4 over multivariate data, start and end indices", async () => {
    const data = st.tensor(arange(40).map((i) => [i, -i]));
    const targets = arange(40).map((i) => i * 10);
    const ds = timeseriesDatasetFromArray(data, targets, 3, {
      batchSize: 4,
      startIndex: 5,
      endIndex: 20,
    });
    const batches = (await collect(ds)) as [st.Tensor, st.Tensor][];
    // steps 5..19: 15 steps, windows of 3 → 13 windows (4 + 4 + 4 + 1).
    assert.deepEqual(
      batches.map(([x]) => x.shape),
      [
        [4, 3, 2],
        [4, 3, 2],
        [4, 3, 2],
        [1, 3, 2],
      ],
    );
    assert.equal(ds.cardinality(), 4);
    const last = batches[3]!;
    assert.deepEqual(last[0].toArray(), [
      [
        [17, -17],
        [18, -18],
        [19, -19],
      ],
    ]);
    assert.deepEqual(last[1].toArray(), [170]);
    assert.deepEqual(batches[0]![1].toArray(), [50, 60, 70, 80]);
  });

  it("batchSize null yields single windows", async () => {
    const ds = timeseriesDatasetFromArray(arange(6), null, 4, { batchSize: null });
    const all = (await collect(ds)).map((t) => t.toArray());
    assert.deepEqual(all, [
      [0, 1, 2, 3],
      [1, 2, 3, 4],
      [2, 3, 4, 5],
    ]);
  });

  it("shuffle: same windows in another order, deterministic for a seed, targets follow", async () => {
    const data = arange(30);
    const targets = arange(30).map((i) => i + 100);
    const make = (): st.data.Dataset<[st.Tensor, st.Tensor]> =>
      timeseriesDatasetFromArray(data, targets, 5, { shuffle: true, seed: 7, batchSize: 4 });
    const rows = async (ds: st.data.Dataset<[st.Tensor, st.Tensor]>): Promise<number[][]> =>
      (await collect(ds)).flatMap(([x, y]) =>
        (x.toArray() as number[][]).map((w, i) => [...w, (y.toArray() as number[])[i]!]),
      );
    const a = await rows(make());
    const b = await rows(make());
    assert.deepEqual(a, b);
    assert.equal(a.length, 26);
    for (const r of a) {
      assert.deepEqual(
        r.slice(0, 5),
        arange(5).map((k) => r[0]! + k),
      );
      assert.equal(r[5], r[0]! + 100);
    }
    const starts = a.map((r) => r[0]!).sort((p, q) => p - q);
    assert.deepEqual(starts, arange(26));
    assert.notDeepEqual(
      a.map((r) => r[0]),
      arange(26),
    );
  });

  it("argument errors as Keras's", () => {
    const data = arange(10);
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { startIndex: 10 }),
      /startIndex must be lower than the length of the data/,
    );
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { startIndex: 5, endIndex: 4 }),
      /endIndex must be higher than startIndex/,
    );
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { endIndex: 10 }),
      /endIndex must be lower than the length/,
    );
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { samplingRate: 0 }),
      /samplingRate must be higher than 0/,
    );
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { sequenceStride: 10 }),
      /sequenceStride must be lower than the length/,
    );
    assert.throws(
      () => timeseriesDatasetFromArray(data, null, 3, { stride: 2 } as never),
      st.ValueError,
    );
  });
});
