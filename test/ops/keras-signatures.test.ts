// Arguments Keras's ops take that Strata refused or ignored (issue 17): each against NumPy's
// documented behaviour, with the expected values worked out by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { ops } = st;

describe("keras.ops signatures", () => {
  it("max / min with initial: it takes part in every reduction and fills an empty one", () => {
    const x = st.tensor([
      [1, 5],
      [-2, 3],
    ]);
    assert.deepEqual(ops.max(x, 1, false, 4).toArray(), [5, 4]); // np.max(x, axis=1, initial=4)
    assert.deepEqual(ops.min(x, 0, true, 0).toArray(), [[-2, 0]]);
    assert.deepEqual(ops.max(st.zeros([0, 3]), 0, false, -1).toArray(), [-1, -1, -1]);
    assert.deepEqual(ops.max(x).toArray(), 5);
  });

  it("round with decimals, half to even as NumPy", () => {
    const r = ops.round(st.tensor([1.25, 2.675, -0.125, 1234.5678], undefined, "float64"), 2);
    // NumPy 2.4: np.round([1.25, 2.675, -0.125, 1234.5678], 2) (2.675 · 100 rounds to 267.5 first)
    assert.deepEqual(r.toArray(), [1.25, 2.68, -0.12, 1234.57]);
    assert.deepEqual(
      ops.round(st.tensor([1250, 1350, -1551], undefined, "int32"), -2).toArray(),
      [1200, 1400, -1600],
    );
    assert.deepEqual(ops.round(st.tensor([0.5, 1.5, 2.5])).toArray(), [0, 2, 2]);
    assert.throws(() => ops.round(st.tensor([1]), 0.5), /decimals must be an integer/);
  });

  it("sort / argsort with axis null flatten first; reshape takes a number", () => {
    const x = st.tensor([
      [3, 1],
      [2, 0],
    ]);
    assert.deepEqual(ops.sort(x, null).toArray(), [0, 1, 2, 3]);
    assert.deepEqual(ops.argsort(x, null).toArray(), [3, 1, 2, 0]);
    assert.deepEqual(ops.reshape(x, -1).toArray(), [3, 1, 2, 0]);
    assert.deepEqual(x.reshape([-1]).shape, [4]);
  });

  it("full with a tensor fill value broadcasts it", () => {
    assert.deepEqual(ops.full([2, 2], st.tensor([1, 2])).toArray(), [
      [1, 2],
      [1, 2],
    ]);
    const f = ops.full([2], st.tensor(7), "int32");
    assert.equal(f.dtype, "int32");
    assert.deepEqual(f.toArray(), [7, 7]);
    assert.deepEqual(ops.full([1, 2], 3).toArray(), [[3, 3]]);
  });

  it("where with the condition alone gives the indices per axis (np.nonzero)", () => {
    const c = st.tensor([
      [true, false, true],
      [false, true, false],
    ]);
    const [rows, cols] = ops.where(c);
    assert.deepEqual(rows!.toArray(), [0, 0, 1]);
    assert.deepEqual(cols!.toArray(), [0, 2, 1]);
    assert.equal(rows!.dtype, "int32");
    assert.deepEqual(
      ops.where(st.tensor([0, 3, 0, 4])).map((t) => t.toArray()),
      [[1, 3]],
    );
    assert.deepEqual(ops.where(c, 1, 0).toArray(), [
      [1, 0, 1],
      [0, 1, 0],
    ]);
    assert.throws(() => ops.where(c, 1, undefined as never), /both x1 and x2, or neither/);
  });
});
