// map(fn).batch(n) fused (data/dataset/map-batch.ts): fn runs once per batch when it can, element by
// element when it cannot, and the batches are those of mapping every element and stacking, which
// the references here compute with plain loops (or with a prefetch between map and batch, which
// keeps them apart).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { Dataset } = st.data;
const { ops } = st;

async function arrays(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  const plain = (x: unknown): unknown =>
    x instanceof st.Tensor
      ? x.dtype === "string"
        ? x.stringValues()
        : x.toArray()
      : Array.isArray(x)
        ? x.map(plain)
        : x;
  for await (const e of ds) out.push(plain(e));
  return out;
}

function counting<T, U>(fn: (x: T) => U): { fn: (x: T) => U; calls: () => number } {
  let calls = 0;
  return {
    fn: (x: T) => {
      calls++;
      return fn(x);
    },
    calls: () => calls,
  };
}

const images = Array.from({ length: 10 }, (_, i) => [i, 2 * i, 255 - i]);
const labels = Array.from({ length: 10 }, (_, i) => i % 3);

describe("Dataset map then batch, fused", () => {
  it("runs a function of its element once per batch, with the batches of mapping each element", async () => {
    for (const dropRemainder of [false, true]) {
      const f = counting(([x, y]: [st.Tensor, st.Tensor]) => [
        x.cast("float32").div(255),
        y.add(1),
      ]);
      const ds = Dataset.fromTensorSlices([
        st.tensor(images, undefined, "uint8"),
        st.tensor(labels, undefined, "int32"),
      ])
        .map(f.fn)
        .batch(4, { dropRemainder });
      const got = await arrays(ds);
      const starts = dropRemainder ? [0, 4] : [0, 4, 8];
      assert.deepEqual(
        got,
        starts.map((s) => [
          images.slice(s, s + 4).map((r) => r.map((v) => Math.fround(v / 255))),
          labels.slice(s, s + 4).map((v) => v + 1),
        ]),
      );
      assert.equal(f.calls(), starts.length);
    }
  });

  it("after shuffle: the same batches as with map and batch kept apart", async () => {
    const base = () =>
      Dataset.fromTensorSlices(st.tensor(images)).shuffle(10, {
        seed: 7,
        reshuffleEachIteration: false,
      });
    const f = (x: st.Tensor) => ops.sqrt(x.add(1)).mul(st.tensor([1, -1, 2]));
    const fused = base().map(f).batch(3);
    const apart = base().map(f).prefetch(1).batch(3);
    assert.deepEqual(await arrays(fused), await arrays(apart));
  });

  it("from a generator, and with string components passed through", async () => {
    const f = counting(([s, n]: [st.Tensor, st.Tensor]) => [s, n.mul(2)]);
    const ds = Dataset.fromGenerator<[st.Tensor, st.Tensor]>(function* () {
      for (const [i, word] of ["a", "bb", "ccc"].entries()) yield [st.tensor(word), st.tensor(i)];
    })
      .map(f.fn)
      .batch(2);
    assert.deepEqual(await arrays(ds), [
      [
        ["a", "bb"],
        [0, 2],
      ],
      [["ccc"], [4]],
    ]);
    assert.equal(f.calls(), 2);
  });

  it("a function that draws random numbers runs per element: every element its own draw", async () => {
    st.random.setSeed(1);
    const f = counting((x: st.Tensor) => x.add(st.random.uniform([])));
    const got = (
      await arrays(
        Dataset.fromTensorSlices(st.zeros([6]))
          .map(f.fn)
          .batch(3),
      )
    ).flat() as number[];
    assert.equal(new Set(got).size, 6);
    assert.equal(f.calls(), 1 + 6); // one refused try on the first batch, then never again
  });

  it("a function that reads values, or calls a layer, runs per element and gives its results", async () => {
    const readsValues = (x: st.Tensor) => ((x.sum().item() as number) > 300 ? x.mul(0) : x);
    assert.deepEqual(
      await arrays(Dataset.fromTensorSlices(st.tensor(images)).map(readsValues).batch(5)),
      [
        images.slice(0, 5).map((r) => (r[0]! + r[1]! + r[2]! > 300 ? r.map(() => 0) : r)),
        images.slice(5).map((r) => (r[0]! + r[1]! + r[2]! > 300 ? r.map(() => 0) : r)),
      ],
    );
    const rescale = new st.layers.Rescaling(0.5);
    const got = await arrays(
      Dataset.fromTensorSlices(st.tensor(images))
        .map((x) => rescale.apply(x))
        .batch(10),
    );
    assert.deepEqual(got, [images.map((r) => r.map((v) => v / 2))]);
  });

  it("async functions and functions that return promises keep working, in order", async () => {
    const later = <T>(v: T, ms: number) => new Promise<T>((r) => setTimeout(() => r(v), ms));
    const asyncFn = async (x: st.Tensor) => later(x.mul(10), 5 - (x.item() as number));
    const promising = (x: st.Tensor) => later(x.add(1), 5 - (x.item() as number));
    const range = Dataset.range(5);
    assert.deepEqual(await arrays(range.map(asyncFn, { numParallelCalls: 3 }).batch(2)), [
      [0, 10],
      [20, 30],
      [40],
    ]);
    assert.deepEqual(await arrays(range.map(promising).batch(2)), [[1, 2], [3, 4], [5]]);
  });

  it("elements of different shapes are still an error of batch", async () => {
    const ds = Dataset.fromTensorSlices(st.tensor([1, 2, 3]))
      .map((x) => ((x.item() as number) === 2 ? st.ops.zeros([2]) : st.ops.zeros([1])))
      .batch(3);
    await assert.rejects(arrays(ds), /different shapes/);
  });
});
