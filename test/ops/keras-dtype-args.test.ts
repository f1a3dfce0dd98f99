/**
 * Keras's `dtype` arguments of `cumsum` / `prod` (the values cast before accumulating, as NumPy)
 * and `topK`'s `isStable` (Keras 3.16), which a positional call must not silently drop.
 * References by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { ops } = st;

describe("dtype and isStable arguments", () => {
  it("cumsum(x, axis, dtype) casts first: 0.6 + 0.6 summed as int32 is 0", () => {
    const x = st.tensor([0.6, 0.6, 1.7]);
    const asInt = ops.cumsum(x, null, "int32");
    assert.equal(asInt.dtype, "int32");
    assert.deepEqual(Array.from(asInt.dataSync()), [0, 0, 1]);
    assert.deepEqual(
      Array.from(
        ops
          .cumsum(
            st.tensor([
              [1, 2],
              [3, 4],
            ]),
            0,
            "float32",
          )
          .dataSync(),
      ),
      [1, 2, 4, 6],
    );
    assert.equal(ops.cumsum(x).dtype, "float32");
  });

  it("prod(x, axis, keepdims, dtype) casts first", () => {
    const x = st.tensor([
      [1.5, 2.5],
      [3.5, 2],
    ]);
    const p = ops.prod(x, 1, true, "int32");
    assert.equal(p.dtype, "int32");
    assert.deepEqual(p.toArray(), [[2], [6]]);
    assert.ok(Math.abs(Number(ops.prod(x).item()) - 26.25) < 1e-5);
  });

  it("topK(x, k, sorted, isStable): ties keep the lower index first either way", () => {
    const x = st.tensor([1, 3, 3, 2]);
    for (const stable of [true, false]) {
      const [values, indices] = ops.topK(x, 3, true, stable);
      assert.deepEqual(Array.from(values.dataSync()), [3, 3, 2]);
      assert.deepEqual(Array.from(indices.dataSync()), [1, 2, 3]);
    }
    const call = ops.topK as (...a: unknown[]) => unknown;
    assert.throws(() => call(x, 1, true, "yes"), /isStable must be a boolean/);
  });
});

describe("oneHot's sparse argument", () => {
  it("false is the dense result; true is refused by name instead of silently dense", () => {
    assert.deepEqual(
      st.ops.oneHot(st.tensor([1, 0], undefined, "int32"), 2, -1, "float32", false).toArray(),
      [
        [0, 1],
        [1, 0],
      ],
    );
    assert.throws(
      () => st.ops.oneHot([1], 2, -1, "float32", true),
      /sparse outputs are not supported/,
    );
  });
});
