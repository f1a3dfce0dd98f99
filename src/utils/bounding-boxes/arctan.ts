/**
 * arctan composed of elementwise ops (the op table has no arctan yet), for CIoU's aspect-ratio
 * term: odd symmetry, atan(x) = π/2 − atan(1/x) above 1, two half-angle steps
 * atan(x) = 2·atan(x / (1 + √(1 + x²))) down to |x| ≤ tan(π/16), then the Taylor series to x¹⁵
 * (error below 1e-12 there, so float32-exact). Differentiable through its ops.
 */
import {
  abs,
  add,
  divide,
  greater,
  multiply,
  sign,
  sqrt,
  subtract,
  where,
} from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";

export function arctan(x: Tensor): Tensor {
  const ax = abs(x);
  const big = greater(ax, 1);
  // |x| > 1 → 1/|x| (1/|x| where |x| ≤ 1 is never used; add 1 keeps it finite at 0)
  let r = where(big, divide(1, add(ax, where(big, 0, 1))), ax);
  for (let i = 0; i < 2; i++) r = divide(r, add(1, sqrt(add(1, multiply(r, r)))));
  const r2 = multiply(r, r);
  // Taylor: r − r³/3 + r⁵/5 − … , Horner form in r²
  let poly = multiply(r2, -1 / 15);
  for (let k = 13; k >= 3; k -= 2) poly = multiply(r2, add(poly, (k % 4 === 1 ? 1 : -1) / k));
  const small = multiply(multiply(r, add(poly, 1)), 4);
  const atanAbs = where(big, subtract(Math.PI / 2, small), small);
  return multiply(sign(x), atanAbs);
}
