import type { BinaryOp, StridedPlan, UnaryOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { sizeOf, stridedOffset } from "./movement.js";

/*
 * Every element is computed in float64 and rounded once, by the store into the output: float32
 * rounds to nearest, int32 and bool (uint8) truncate and wrap. Semantics are NumPy's. Integer
 * outputs of integer inputs wrap modulo 2^32 as NumPy's int32 loops do: a double is exact before
 * the store for every op but squares, × and powers, which use int32 arithmetic (INT32_*).
 */

const UNARY: { [Op in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x), // sign(±0) = +0, sign(NaN) = NaN
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  exp: (x) => Math.exp(x),
  expm1: (x) => Math.expm1(x),
  log: (x) => Math.log(x),
  log1p: (x) => Math.log1p(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tan: (x) => Math.tan(x),
  tanh: (x) => Math.tanh(x),
  // σ(x) = 1 / (1 + e^-x) = e^x / (1 + e^x), the form whose exponential cannot overflow
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  erf,
  relu: (x) => (x <= 0 ? 0 : x), // relu(−0) = +0, relu(NaN) = NaN
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), free of overflow
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  round: roundHalfEven,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  asin: (x) => Math.asin(x),
  acos: (x) => Math.acos(x),
  atan: (x) => Math.atan(x),
  sinh: (x) => Math.sinh(x),
  cosh: (x) => Math.cosh(x),
  asinh: (x) => Math.asinh(x),
  acosh: (x) => Math.acosh(x),
  atanh: (x) => Math.atanh(x),
};

const BINARY: { [Op in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's and NumPy's pow: 1^y = 1 for every y and (−1)^±∞ = 1, where JavaScript says NaN
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  max: (a, b) => Math.max(a, b), // NaN wins; +0 > −0
  min: (a, b) => Math.min(a, b),
  mod,
  floorDiv,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
  atan2: (a, b) => Math.atan2(a, b),
};

const INT32_UNARY: Partial<typeof UNARY> = { square: (x) => Math.imul(x, x) };
const INT32_BINARY: Partial<typeof BINARY> = { mul: (a, b) => Math.imul(a, b), pow: intPow };

/** NumPy rounds half to even: round(2.5) = 2, round(−0.5) = −0. */
function roundHalfEven(x: number): number {
  const a = Math.abs(x);
  let r = Math.floor(a);
  const frac = a - r; // exact
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/** copysign(0, s) */
const zeroWithSignOf = (s: number): number => (s < 0 || Object.is(s, -0) ? -0 : 0);

/**
 * Python's and NumPy's remainder: r = fmod(a, b) (JavaScript's %, exact) moved by b when its
 * sign differs from b's; a zero remainder takes b's sign (−4 % 2 = +0, 4 % −2 = −0).
 */
function mod(a: number, b: number): number {
  const r = a % b;
  if (b === 0) return r; // NaN (an int32 output stores 0, as NumPy gives)
  if (r === 0) return zeroWithSignOf(b);
  return r < 0 !== b < 0 ? r + b : r;
}

/**
 * Python's and NumPy's floor division, consistent with mod: q = (a − fmod(a, b)) / b, one less
 * when the remainder was moved, snapped to the nearest integer; a zero quotient takes the sign
 * of a / b. So 1 // 0.1 = 9 (a − 9·0.1 leaves a remainder just under 0.1, where ⌊1 / 0.1⌋ = 10),
 * −1 // ∞ = −1 and ∞ // 2 = NaN. Division by zero gives a / b (int32 outputs store 0).
 */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const r = a % b;
  let q = (a - r) / b;
  if (r !== 0 && r < 0 !== b < 0) q -= 1;
  if (q === 0) return zeroWithSignOf(a / b);
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

/**
 * x^y by squaring in wrapping int32 arithmetic, as NumPy's int32 power. A negative y gives
 * 1 / x^|y| truncated toward zero (NumPy refuses those; a kernel cannot).
 */
function intPow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : 0;
  let result = 1;
  for (let base = x, e = y; e > 0; e = Math.floor(e / 2), base = Math.imul(base, base)) {
    if (e % 2 === 1) result = Math.imul(result, base);
  }
  return result;
}

/**
 * erf x = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) for |x| < 2: positive terms, so no
 * cancellation (summed innermost first); beyond, 1 − erfc x with Laplace's continued fraction
 * erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). Both within ~3 ulp.
 */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x); // erfc 6 < 2^-54
  if (a < 2) {
    let s = 1;
    for (let n = 40; n >= 1; n--) s = 1 + ((2 * a * a) / (2 * n + 1)) * s;
    return 1.1283791670955126 * expMinusSquare(a) * x * s;
  }
  let f = 0;
  for (let n = 100; n >= 1; n--) f = n / 2 / (a + f);
  return Math.sign(x) * (1 - expMinusSquare(a) / (a + f) / 1.7724538509055159);
}

/**
 * e^(−a²) with a² split as h² + (a − h)(a + h), h = fround(a), so h² is exact: the rounding error
 * of a² itself would be multiplied by a² in the result.
 */
function expMinusSquare(a: number): number {
  const h = Math.fround(a);
  return Math.exp(-h * h) * Math.exp(-(a - h) * (a + h));
}

const isInteger = (a: TypedArray): boolean =>
  !(a instanceof Float32Array || a instanceof Float64Array);

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const int32 = out instanceof Int32Array && isInteger(x) ? INT32_UNARY[op] : undefined;
  const f = int32 ?? UNARY[op];
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  const int32 =
    out instanceof Int32Array && isInteger(a) && isInteger(b) ? INT32_BINARY[op] : undefined;
  const f = int32 ?? BINARY[op];
  const { shape, strides } = plan;
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    out[i] = f(a[stridedOffset(shape, strides[0]!, i)]!, b[stridedOffset(shape, strides[1]!, i)]!);
  }
}

export function where(
  cond: Uint8Array,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  const { shape, strides } = plan;
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    out[i] = cond[stridedOffset(shape, strides[0]!, i)]
      ? a[stridedOffset(shape, strides[1]!, i)]!
      : b[stridedOffset(shape, strides[2]!, i)]!;
  }
}

/**
 * NumPy's conversions: to bool is x ≠ 0 (NaN is true); to int32 truncates (and wraps). To uint8
 * (a Uint8ClampedArray), an integer wraps modulo 256 and a float truncates toward zero and
 * saturates at 0 and 255, as XLA converts.
 */
export function cast(x: TypedArray, out: TypedArray): void {
  const integer = isInteger(x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (out instanceof Uint8Array) out[i] = Number(v !== 0);
    else if (out instanceof Uint8ClampedArray)
      out[i] = integer ? ((v % 256) + 256) % 256 : Math.trunc(v);
    else out[i] = v;
  }
}
