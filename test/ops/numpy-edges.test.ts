import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import { eachBackend } from "../helpers.js";

// Edge values where NumPy's semantics differ from the obvious JavaScript expression (signed
// zeros, floor division, powers of ±1, int32 wrapping). Expected values are NumPy 2's.

/** Element by element with Object.is (so −0 ≠ +0), NaN equal to NaN. */
function assertSame(actual: st.Tensor, expected: number[]): void {
  const got = ops.reshape(actual, [-1]).toArray() as number[];
  assert.equal(got.length, expected.length);
  got.forEach((g, i) => {
    const w = expected[i]!;
    assert.ok(Object.is(g, w), `element ${i}: got ${Object.is(g, -0) ? "-0" : g}, expected ${w}`);
  });
}

const f64 = (values: number[]) => st.tensor(Float64Array.from(values));
const i32 = (values: number[]) => st.tensor(Int32Array.from(values));

eachBackend("NumPy's edge values", () => {
  it("floor division and remainder follow Python's divmod, signed zeros included", () => {
    const a = f64([1, -1, 1, -7, -4, 4, 0, Infinity, 5]);
    const b = f64([0.1, Infinity, -Infinity, 2, 2, -2, -3, 2, 0]);
    // 1 // 0.1 is 9: 1 − 9·0.1 leaves a remainder just under 0.1 (⌊1 / 0.1⌋ would say 10)
    assertSame(ops.floorDivide(a, b), [9, -1, -1, -4, -2, -2, -0, NaN, Infinity]);
    assertSame(ops.mod(a, b), [0.09999999999999995, Infinity, -Infinity, 1, 0, -0, -0, NaN, NaN]);
    assertSame(ops.floorDivide(ops.cast(a, "float32"), ops.cast(b, "float32")), [
      9,
      -1,
      -1,
      -4,
      -2,
      -2,
      -0,
      NaN,
      Infinity,
    ]);
  });

  it("int32 floor division and remainder by zero give 0, and INT_MIN // −1 wraps", () => {
    const a = i32([7, -7, -(2 ** 31), 7]);
    const b = i32([0, 2, -1, -2]);
    assertSame(ops.floorDivide(a, b), [0, -4, -(2 ** 31), -4]);
    assertSame(ops.mod(a, b), [0, 1, 0, -1]);
  });

  it("powers of ±1 are 1 whatever the exponent, as in C", () => {
    const x = f64([1, -1, -1, 1, NaN, 2]);
    const y = f64([NaN, Infinity, -Infinity, Infinity, 0, 0.5]);
    assertSame(ops.power(x, y), [1, 1, 1, 1, 1, Math.SQRT2]);
  });

  it("sign and relu of −0 are +0", () => {
    assertSame(ops.sign(f64([-0, 0, NaN, -2, 3])), [0, 0, NaN, -1, 1]);
    assertSame(ops.sign(st.tensor(Float32Array.from([-0]))), [0]);
    assertSame(ops.relu(f64([-0, -1, NaN])), [0, 0, NaN]);
  });

  it("int32 squares and products wrap exactly, past 2^53", () => {
    assertSame(
      ops.square(i32([2 ** 30 + 1, 46341, -94906267])),
      [-2147483647, -2147479015, 261134297],
    );
    assertSame(ops.prod(i32(Array.from({ length: 40 }, () => 3))), [689956897]);
    assertSame(ops.prod(i32([-7, 99999, 12345, 31, 77777])), [-70908287]);
  });

  it("cumsum starts from the first element (a leading −0 stays −0)", () => {
    assertSame(ops.cumsum(f64([-0, -0, 1])), [-0, -0, 1]);
  });
});
