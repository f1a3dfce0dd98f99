// Dataset.paddedBatch with tf.data's padded_batch semantics: values, shapes, options and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { Dataset } = st.data;

async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

function plain(x: unknown): unknown {
  if (x instanceof st.Tensor) return x.toArray();
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

/** tf.data's docs example: range(1, 5) mapped to x copies of x. */
const ragged = () =>
  Dataset.range(1, 5).map((x) => st.full([x.item() as number], x.item() as number, "int32"));

describe("Dataset.paddedBatch", () => {
  it("pads each batch to its longest element with 0 by default", async () => {
    const ds = ragged().paddedBatch(2);
    assert.deepEqual(await values(ds), [
      [
        [1, 0],
        [2, 2],
      ],
      [
        [3, 3, 3, 0],
        [4, 4, 4, 4],
      ],
    ]);
    assert.equal(ds.cardinality(), 2);
  });

  it("pads to a fixed paddedShapes, with a padding value, dropping the remainder", async () => {
    const ds = ragged().paddedBatch(3, {
      paddedShapes: [5],
      paddingValues: -1,
      dropRemainder: true,
    });
    assert.deepEqual(await values(ds), [
      [
        [1, -1, -1, -1, -1],
        [2, 2, -1, -1, -1],
        [3, 3, 3, -1, -1],
      ],
    ]);
    assert.equal(ds.cardinality(), 1);
    const rest = await values(ragged().paddedBatch(3, { paddedShapes: [-1] }));
    assert.deepEqual(rest[1], [[4, 4, 4, 4]]);
  });

  it("pads every component by its own shape and value; null axes take the longest", async () => {
    const ds = Dataset.fromGenerator(function* () {
      yield { img: st.ones([1, 2]), label: [7] };
      yield { img: st.ones([2, 1]), label: [8, 9] };
    }).paddedBatch(2, {
      paddedShapes: { img: [null, 3], label: [null] },
      paddingValues: { img: 0, label: -1 },
    });
    assert.deepEqual(await values(ds), [
      {
        img: [
          [
            [1, 1, 0],
            [0, 0, 0],
          ],
          [
            [1, 0, 0],
            [1, 0, 0],
          ],
        ],
        label: [
          [7, -1],
          [8, 9],
        ],
      },
    ]);
    // Tuples too; elements of equal shapes are simply stacked.
    const pairs = Dataset.fromTensorSlices([st.ones([2, 2]), st.tensor([1, 2])]).paddedBatch(2, {
      paddingValues: [5, 0],
    });
    assert.deepEqual(await values(pairs), [
      [
        [
          [1, 1],
          [1, 1],
        ],
        [1, 2],
      ],
    ]);
  });

  it("errors name the shapes: too long for the padded shape, rank mismatch, bad options", async () => {
    await assert.rejects(values(ragged().paddedBatch(4, { paddedShapes: [3] })), {
      name: "ValueError",
      message: /element of shape \[4\] is larger than its padded shape \[3\]/,
    });
    await assert.rejects(values(ragged().paddedBatch(2, { paddedShapes: [3, 3] })), {
      name: "ValueError",
      message: /paddedShapes \[3,3\] does not match the rank of a component of shape \[1\]/,
    });
    const mixed = Dataset.fromGenerator([
      [1, 2],
      [[1], [2]],
    ]);
    await assert.rejects(values(mixed.paddedBatch(2)), {
      name: "ValueError",
      message: /same rank; received shapes \[2\] and \[2, 1\]/,
    });
    const pairs = Dataset.fromTensorSlices([st.ones([2, 2]), st.ones([2])]);
    await assert.rejects(values(pairs.paddedBatch(2, { paddedShapes: { a: [2] } as never })), {
      name: "ValueError",
      message: /paddedShapes must follow the element's structure/,
    });
    assert.throws(() => ragged().paddedBatch(0), /batchSize must be an integer ≥ 1/);
    assert.throws(
      () => ragged().paddedBatch(2, { paddedShape: [3] } as never),
      /unknown option paddedShape/,
    );
  });
});
