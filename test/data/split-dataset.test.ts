// st.utils.splitDataset as Keras's keras.utils.split_dataset: sizes, defaults, inputs, errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { Dataset } = st.data;
const { splitDataset } = st.utils;

async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

function plain(x: unknown): unknown {
  if (x instanceof st.Tensor) return x.toArray();
  if (Array.isArray(x)) return x.map(plain);
  return x;
}

describe("splitDataset", () => {
  it("splits a batched dataset by elements and batches both sides again, as Keras", async () => {
    const [l, r] = await splitDataset(Dataset.range(10).batch(4), { leftSize: 0.7 });
    assert.equal(l.batchSize, 4);
    assert.deepEqual(await values(l), [
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(await values(r), [[7, 8, 9]]);
    // As Keras (tf.data's _batch_size), a step after the batch hides it: batches are elements.
    const [bl, br] = await splitDataset(Dataset.range(10).batch(4).prefetch(2), { leftSize: 2 });
    assert.equal(bl.batchSize, null);
    assert.deepEqual(await values(bl), [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    assert.deepEqual(await values(br), [[8, 9]]);
  });

  it("a fraction of a tensor, as Keras's docs example (800 / 200)", async () => {
    const data = st.random.uniform([1000, 4], { seed: 1 });
    const [left, right] = await splitDataset(data, { leftSize: 0.8 });
    assert.equal(left.cardinality(), 800);
    assert.equal(right.cardinality(), 200);
    const all = [...(await values(left)), ...(await values(right))];
    assert.deepEqual(all, data.toArray());
  });

  it("defaults to halves; counts and the complement; the right side is the tail", async () => {
    const ds = Dataset.range(10);
    let [l, r] = await splitDataset(ds);
    assert.deepEqual(await values(l), [0, 1, 2, 3, 4]);
    assert.deepEqual(await values(r), [5, 6, 7, 8, 9]);
    [l, r] = await splitDataset(ds, { rightSize: 3 });
    assert.deepEqual(await values(l), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await values(r), [7, 8, 9]);
    [l, r] = await splitDataset(ds, { leftSize: 2, rightSize: 0.3 });
    assert.deepEqual(await values(l), [0, 1]);
    assert.deepEqual(await values(r), [7, 8, 9]);
    // Python's round: 0.25 * 10 = 2.5 rounds to 2.
    [l] = await splitDataset(ds, { leftSize: 0.25 });
    assert.equal(l.cardinality(), 2);
  });

  it("splits tuples of arrays and keeps pairs together when shuffled, reproducibly", async () => {
    const x = st.tensor([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]);
    const y = st.tensor([0, 10, 20, 30, 40, 50, 60, 70], [8], "int32");
    const [l, r] = await splitDataset([x, y], { leftSize: 6, shuffle: true, seed: 3 });
    const rows = [...(await values(l)), ...(await values(r))] as [number[], number][];
    assert.equal(rows.length, 8);
    for (const [xi, yi] of rows) assert.equal(yi, xi[0]! * 10);
    assert.deepEqual(rows.map(([xi]) => xi[0]).sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.notDeepEqual(
      rows.map(([xi]) => xi[0]),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    const [l2] = await splitDataset([x, y], { leftSize: 6, shuffle: true, seed: 3 });
    assert.deepEqual(await values(l2), await values(l));
  });

  it("errors name the sizes received", async () => {
    const ds = Dataset.range(10);
    await assert.rejects(splitDataset(ds, { leftSize: 1.5 }), {
      name: "ValueError",
      message: /fractional leftSize must be in \(0, 1\); received leftSize=1.5/,
    });
    await assert.rejects(splitDataset(ds, { rightSize: -2 }), /received rightSize=-2/);
    await assert.rejects(
      splitDataset(ds, { leftSize: 11 }),
      /leftSize=11 is larger than the dataset \(10 elements\)/,
    );
    await assert.rejects(
      splitDataset(ds, { leftSize: 6, rightSize: 5 }),
      /at most the dataset's 10 elements; received 6 \+ 5/,
    );
    await assert.rejects(splitDataset(ds, { leftSize: 0.01 }), /leave the left side empty/);
    await assert.rejects(splitDataset(ds.repeat()), /cannot split an infinite dataset/);
    await assert.rejects(splitDataset(ds, { left: 3 } as never), /unknown option left/);
  });
});
