import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import { assertClose, eachBackend, gradcheck, randn, randu } from "../helpers.js";

eachBackend("elementwise", () => {
  it("adds with NumPy broadcasting", () => {
    const a = st.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = st.tensor([10, 20, 30]);
    assertClose(ops.add(a, b), [
      [11, 22, 33],
      [14, 25, 36],
    ]);
    assertClose(ops.add(st.tensor([[1], [2]]), b), [
      [11, 21, 31],
      [12, 22, 32],
    ]);
    assert.deepEqual(ops.add(a, 1).shape, [2, 3]);
  });

  it("names the op and both shapes when shapes do not broadcast", () => {
    assert.throws(() => ops.add(st.zeros([2, 3]), st.zeros([4])), {
      name: "ShapeError",
      message: "add: shapes [2,3] and [4] cannot be broadcast",
    });
  });

  it("checks unary gradients against finite differences", () => {
    const x = randu([3, 4], 1, 0.2, 2);
    for (const f of [
      ops.exp,
      ops.log,
      ops.sqrt,
      ops.rsqrt,
      ops.tanh,
      ops.sigmoid,
      ops.square,
      ops.abs,
      ops.log1p,
      ops.expm1,
      ops.sin,
      ops.cos,
      ops.tan,
      ops.erf,
      ops.softplus,
      ops.reciprocal,
      ops.negative,
    ]) {
      gradcheck(f, [x]);
    }
    gradcheck(ops.relu, [randn([5, 3], 2)]);
  });

  it("checks binary gradients, broadcast cases included", () => {
    const shapes: [number[], number[]][] = [
      [
        [3, 4],
        [3, 4],
      ],
      [[3, 4], [4]],
      [
        [2, 1, 4],
        [3, 1],
      ],
      [[], [2, 3]],
    ];
    shapes.forEach(([sa, sb], i) => {
      const a = randu(sa, 10 + i, 0.5, 2);
      const b = randu(sb, 20 + i, 0.5, 2);
      for (const f of [
        ops.add,
        ops.subtract,
        ops.multiply,
        ops.divide,
        ops.power,
        ops.maximum,
        ops.minimum,
      ]) {
        gradcheck(f, [a, b]);
      }
    });
  });

  it("keeps int32 for integer arithmetic and wraps like NumPy", () => {
    const a = st.tensor(new Int32Array([2147483647, 7, -7]));
    assert.deepEqual(ops.add(a, 1).toArray(), [-2147483648, 8, -6]);
    assert.equal(ops.add(a, 1).dtype, "int32");
    assert.equal(ops.add(a, 0.5).dtype, "float32");
    assert.deepEqual(ops.multiply(a, 65536).toArray(), [-65536, 458752, -458752]);
    assert.equal(ops.divide(a, 2).dtype, "float32");
    assert.deepEqual(ops.mod(st.tensor(new Int32Array([7, -7])), 3).toArray(), [1, 2]);
    assert.deepEqual(ops.floorDivide(st.tensor(new Int32Array([7, -7])), 2).toArray(), [3, -4]);
  });

  it("tan: float32 and float64, ints computed in float", () => {
    const v = [0, 0.5, -1, 1.5, 3, Math.PI / 4];
    assertClose(ops.tan(st.tensor(v, undefined, "float64")), v.map(Math.tan), { rtol: 1e-15 });
    assertClose(ops.tan(st.tensor(v)), v.map(Math.tan), { rtol: 1e-6 });
    assert.equal(ops.tan(st.tensor(new Int32Array([1, 2]))).dtype, "float32");
  });

  it("propagates NaN and handles empty tensors", () => {
    const x = st.tensor([NaN, 1, -2]);
    assert.ok(Number.isNaN(ops.maximum(x, 0).dataSync()[0]!));
    assert.ok(Number.isNaN(ops.relu(x).dataSync()[0]!));
    assert.deepEqual(ops.add(st.zeros([0, 3]), st.ones([3])).shape, [0, 3]);
  });

  it("rounds half to even and compares into bool", () => {
    assert.deepEqual(
      ops.round(st.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.6])).toArray(),
      [0, 2, 2, -0, -2, 3],
    );
    const c = ops.greater(st.tensor([1, 2, 3]), 2);
    assert.equal(c.dtype, "bool");
    assert.deepEqual(c.toArray(), [false, false, true]);
    assert.deepEqual(ops.where(c, st.tensor([1, 2, 3]), -1).toArray(), [-1, -1, 3]);
  });

  it("computes erf accurately", () => {
    // Reference values of erf (Abramowitz & Stegun table 7.1).
    assertClose(
      ops.erf(st.tensor([0, 0.5, 1, 2, 3, -1], undefined, "float64")),
      [
        0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014,
        -0.8427007929497149,
      ],
      { rtol: 1e-12, atol: 1e-15 },
    );
  });
});
