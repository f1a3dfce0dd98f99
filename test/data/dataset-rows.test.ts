// fromTensorSlices followed by steps that only reorder (shuffle, take, skip, repeat) and a batch
// gathers each batch at once (data/dataset/rows.ts): the batches must be exactly those of cutting
// every row and stacking them, which an async identity map in front of the batch forces (an async
// function is never run on a whole batch, map-batch.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { Dataset } = st.data;

function plain(x: unknown): unknown {
  if (x instanceof st.Tensor)
    return {
      dtype: x.dtype,
      shape: x.shape,
      values: x.dtype === "string" ? x.stringValues() : x.toArray(),
    };
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

async function all(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

describe("Dataset: batches gathered from unsliced rows", () => {
  const images = st.tensor(
    Uint8Array.from({ length: 23 * 6 }, (_, i) => (i * 7) % 256),
    [23, 2, 3],
  );
  const labels = st.arange(23).cast("int32");
  const names = st.tensor(Array.from({ length: 23 }, (_, i) => `row ${i}`));
  const data = { image: images, tags: [labels, names] };

  const pipelines: [string, (d: st.data.Dataset<unknown>) => st.data.Dataset<unknown>][] = [
    ["batch", (d) => d],
    ["shuffle", (d) => d.shuffle(7, { seed: 3 })],
    ["shuffle, take, skip, repeat", (d) => d.shuffle(100, { seed: 1 }).take(20).skip(3).repeat(2)],
  ];
  for (const [name, steps] of pipelines) {
    it(`${name}: the same batches as cutting and stacking every row`, async () => {
      for (const dropRemainder of [false, true]) {
        const fast = steps(Dataset.fromTensorSlices(data) as st.data.Dataset<unknown>).batch(5, {
          dropRemainder,
        });
        const slow = steps(Dataset.fromTensorSlices(data) as st.data.Dataset<unknown>)
          .map(async (e) => e)
          .batch(5, { dropRemainder });
        const got = await all(fast);
        assert.ok(got.length > 0);
        assert.deepEqual(got, await all(slow));
        assert.equal(fast.cardinality(), slow.cardinality());
      }
    });
  }

  it("unbatched elements are the rows; a new shuffle order each pass unless asked not to", async () => {
    const fixed = Dataset.fromTensorSlices(data).shuffle(23, {
      seed: 5,
      reshuffleEachIteration: false,
    });
    const first = await all(fixed);
    assert.equal(first.length, 23);
    assert.deepEqual(first, await all(fixed.map((e) => e)));
    assert.deepEqual(await all(fixed.batch(23)), await all(fixed.batch(23)));
    const reshuffled = Dataset.fromTensorSlices(data).shuffle(23, { seed: 5 }).batch(23);
    assert.notDeepEqual(await all(reshuffled), await all(reshuffled));
  });
});
