import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

eachBackend("movement", () => {
  it("reshapes with an inferred axis and rejects bad sizes", () => {
    const x = st.arange(12);
    assert.deepEqual(ops.reshape(x, [3, -1]).shape, [3, 4]);
    assert.throws(() => ops.reshape(x, [5, -1]), {
      name: "ShapeError",
      message: "reshape: cannot reshape [12] (12 values) into [5,-1]",
    });
    assert.throws(() => ops.reshape(x, [-1, -1]), { name: "ShapeError" });
  });

  it("transposes against a naive index loop", () => {
    const x = randn([2, 3, 4], 1);
    const y = ops.transpose(x, [2, 0, 1]);
    assert.deepEqual(y.shape, [4, 2, 3]);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 3; k++)
          assert.equal(valuesOf(y)[(i * 2 + j) * 3 + k], valuesOf(x)[(j * 3 + k) * 4 + i]);
    assert.deepEqual(ops.transpose(st.zeros([2, 5])).shape, [5, 2]);
    assert.throws(() => ops.transpose(x, [0, 0, 1]), { name: "ValueError" });
  });

  it("broadcasts, expands and squeezes", () => {
    assertClose(ops.broadcastTo(st.tensor([1, 2]), [2, 2]), [
      [1, 2],
      [1, 2],
    ]);
    assert.throws(() => ops.broadcastTo(st.tensor([1, 2]), [3]), { name: "ShapeError" });
    assert.deepEqual(ops.expandDims(st.zeros([2, 3]), -1).shape, [2, 3, 1]);
    assert.deepEqual(ops.expandDims(st.zeros([2, 3]), [0, 2]).shape, [1, 2, 1, 3]);
    assert.deepEqual(ops.squeeze(st.zeros([1, 2, 1])).shape, [2]);
    assert.throws(() => ops.squeeze(st.zeros([1, 2]), 1), { name: "ShapeError" });
  });

  it("checks gradients", () => {
    const x = randn([2, 3, 4], 2);
    gradcheck((t) => ops.transpose(t, [1, 2, 0]), [x]);
    gradcheck((t) => ops.reshape(t, [4, 6]), [x]);
    gradcheck((t) => ops.broadcastTo(t, [5, 2, 3, 4]), [x]);
    gradcheck((t) => ops.squeeze(ops.expandDims(t, 1), 1), [x]);
  });
});
