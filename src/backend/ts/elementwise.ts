import type { BinaryOp, StridedPlan, UnaryOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { type StridedLoop, compileStrided } from "./strided.js";

/**
 * erf to ~3 ulp: for |x| < 2 the series (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose
 * terms are all positive (no cancellation), summed innermost first; beyond, 1 − erfc x from the
 * continued fraction erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 * e^(−x²) is taken as e^(−h²) · e^(−(x − h)(x + h)), h = fround(x), so that h² is exact: the
 * rounding error of x² would otherwise be multiplied by x².
 */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x); // erfc 6 < 2^-54
  const h = Math.fround(a);
  const expMinusSquare = Math.exp(-h * h) * Math.exp(-(a - h) * (a + h));
  if (a < 2) {
    let s = 1;
    for (let n = 40; n >= 1; n--) s = 1 + ((2 * a * a) / (2 * n + 1)) * s;
    return 1.1283791670955126 * expMinusSquare * x * s;
  }
  let f = 0;
  for (let n = 100; n >= 1; n--) f = n / 2 / (a + f);
  return Math.sign(x) * (1 - expMinusSquare / (a + f) / 1.7724538509055159);
}

/** NumPy rounds half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** copysign(0, s) */
const zeroWithSignOf = (s: number): number => (s < 0 || Object.is(s, -0) ? -0 : 0);

/**
 * Python's and NumPy's modulo: fmod's result (JavaScript's %) moved by y when its sign differs
 * from y's; a zero result takes y's sign (−4 % 2 = +0, 4 % −2 = −0).
 */
function mod(x: number, y: number): number {
  const r = x % y;
  if (y === 0) return r;
  if (r === 0) return zeroWithSignOf(y);
  return r < 0 !== y < 0 ? r + y : r;
}

/**
 * Python's and NumPy's floor division, consistent with mod: (x − fmod(x, y)) / y, one less when
 * the remainder is moved, snapped to an integer; a zero quotient takes the sign of x / y. Not
 * ⌊x / y⌋: 1 // 0.1 = 9 (⌊1 / 0.1⌋ = 10), −1 // ∞ = −1, ∞ // 2 = NaN.
 */
function floorDiv(x: number, y: number): number {
  if (y === 0) return x / y;
  const r = x % y;
  let q = (x - r) / y;
  if (r !== 0 && r < 0 !== y < 0) q -= 1;
  if (q === 0) return zeroWithSignOf(x / y);
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

/** C's and NumPy's pow: 1^y = 1 for every y and (−1)^±∞ = 1, where Math.pow gives NaN. */
function pow(x: number, y: number): number {
  return x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y);
}

/**
 * eˣ to float32 accuracy, 3–4× faster than Math.exp (which V8 calls out of line, while this
 * inlines into the loop). With m = round(32x / ln2) and r = x - m·ln2/32 (|r| ≤ ln2/64),
 * eˣ = 2^(m >> 5) · 2^((m & 31)/32) · e^r: two table lookups and a cubic, whose truncation error
 * r⁴/4! < 6e-10 keeps the float32 result within 1 ulp of the correctly rounded value. (In double
 * precision m·ln2/32 needs no Cody–Waite split at float32 accuracy.) Clamping x to ±120 keeps the
 * tables in range; the float32 store then rounds overflow to Infinity and underflow to 0, as it
 * would the exact value. NaN stays NaN. Constants are literals and the tables parameters: a
 * module-level `const` would cost a hole check on every read.
 */
export const exp32 = (
  (pow2: Float64Array, frac: Float64Array) =>
  (x: number): number => {
    const c = x > 120 ? 120 : x < -120 ? -120 : x;
    // Adding and subtracting 1.5·2^52 rounds to the nearest integer without a branch.
    const m = c * 46.16624130844683 + 6755399441055744 - 6755399441055744;
    const r = c - m * 0.02166084939249829;
    const mi = m | 0;
    const p = 1 + r * (1 + r * (0.5 + r * 0.16666666666666666));
    return p * frac[mi & 31]! * pow2[(mi >> 5) + 256]!;
  }
)(
  Float64Array.from({ length: 512 }, (_, i) => 2 ** (i - 256)), // 2^i at index i + 256
  Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32)), // 2^(j/32)
);

const HELPERS = { erf, roundHalfEven, sigmoid, softplus, mod, floorDiv, pow, exp32 };

const UNARY: Record<UnaryOp, string> = {
  neg: "-v0",
  abs: "Math.abs(v0)",
  sign: "v0 > 0 ? 1 : v0 < 0 ? -1 : v0 === 0 ? 0 : v0", // NumPy: sign(±0) = +0
  square: "v0 * v0",
  sqrt: "Math.sqrt(v0)",
  rsqrt: "1 / Math.sqrt(v0)",
  reciprocal: "1 / v0",
  exp: "Math.exp(v0)",
  expm1: "Math.expm1(v0)",
  log: "Math.log(v0)",
  log1p: "Math.log1p(v0)",
  sin: "Math.sin(v0)",
  cos: "Math.cos(v0)",
  tan: "Math.tan(v0)",
  tanh: "Math.tanh(v0)",
  sigmoid: "sigmoid(v0)",
  erf: "erf(v0)",
  relu: "v0 <= 0 ? 0 : v0", // relu(−0) = +0, NaN kept
  softplus: "softplus(v0)",
  floor: "Math.floor(v0)",
  ceil: "Math.ceil(v0)",
  round: "roundHalfEven(v0)",
  logicalNot: "v0 === 0 ? 1 : 0",
  isnan: "v0 !== v0 ? 1 : 0",
  isfinite: "Number.isFinite(v0) ? 1 : 0",
  asin: "Math.asin(v0)",
  acos: "Math.acos(v0)",
  atan: "Math.atan(v0)",
  sinh: "Math.sinh(v0)",
  cosh: "Math.cosh(v0)",
  asinh: "Math.asinh(v0)",
  acosh: "Math.acosh(v0)",
  atanh: "Math.atanh(v0)",
};

const BINARY: Record<BinaryOp, string> = {
  add: "v0 + v1",
  sub: "v0 - v1",
  mul: "v0 * v1",
  div: "v0 / v1",
  pow: "pow(v0, v1)",
  max: "Math.max(v0, v1)",
  min: "Math.min(v0, v1)",
  mod: "mod(v0, v1)",
  floorDiv: "floorDiv(v0, v1)",
  eq: "v0 === v1 ? 1 : 0",
  ne: "v0 !== v1 ? 1 : 0",
  lt: "v0 < v1 ? 1 : 0",
  le: "v0 <= v1 ? 1 : 0",
  gt: "v0 > v1 ? 1 : 0",
  ge: "v0 >= v1 ? 1 : 0",
  logicalAnd: "v0 !== 0 && v1 !== 0 ? 1 : 0",
  logicalOr: "v0 !== 0 || v1 !== 0 ? 1 : 0",
  logicalXor: "(v0 !== 0) !== (v1 !== 0) ? 1 : 0",
  atan2: "Math.atan2(v0, v1)",
};

/**
 * Float32 results need only float32 accuracy: these replace Math.exp (an out-of-line call) by the
 * inlinable `exp32`. Float64 results keep the expressions above (gradient checks rely on them).
 */
const FLOAT32_UNARY: Partial<Record<UnaryOp, string>> = {
  exp: "exp32(v0)",
  sigmoid: "1 / (1 + exp32(-v0))",
};

/** Integer results that a double would get wrong before the int32 store wraps them. */
const INT_UNARY: Partial<Record<UnaryOp, string>> = { square: "Math.imul(v0, v0)" };
const INT_BINARY: Partial<Record<BinaryOp, string>> = {
  mul: "Math.imul(v0, v1)",
  pow: "ipow(v0, v1)",
};

/** Integer power by squaring in wrapping int32 arithmetic, as NumPy computes it. */
function ipow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 ? -1 : 1) : 0;
  let r = 1;
  let b = x | 0;
  for (let e = y; e > 0; e >>= 1) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
  }
  return r;
}

const isInteger = (a: TypedArray): boolean =>
  !(a instanceof Float32Array || a instanceof Float64Array);

function tag(a: TypedArray): string {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Uint8ClampedArray) return "c8";
  return a instanceof Int32Array ? "i32" : "u8";
}

/**
 * One compiled loop per op *and per array types*: once a loop has seen Float32Array, Float64Array
 * and Int32Array operands, every element access in it is polymorphic, which costs V8 about a third
 * of the throughput of a loop that only ever sees one kind.
 */
const loops = new Map<string, StridedLoop>();
function loopFor(
  key: string,
  arrays: readonly TypedArray[],
  arity: number,
  expr: string,
): StridedLoop {
  const typed = `${key}:${arrays.map(tag).join(",")}`;
  let loop = loops.get(typed);
  if (!loop) {
    loop = compileStrided(arity, expr, { ...HELPERS, ipow });
    loops.set(typed, loop);
  }
  return loop;
}

/**
 * relu on float32 bit patterns, with no data-dependent branch (on random signs a branch
 * mispredicts half the time): a word with the sign bit set becomes +0 unless it is a NaN
 * (magnitude above 0x7f800000), which passes through.
 */
function relu32(x: Float32Array, out: Float32Array): void {
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < xi.length; i++) {
    const b = xi[i]!;
    oi[i] = b & (~(b >> 31) | ((0x7f800000 - (b & 0x7fffffff)) >> 31));
  }
}

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  if (out instanceof Float32Array) {
    if (op === "relu" && x instanceof Float32Array) return relu32(x, out);
    const fast = FLOAT32_UNARY[op];
    if (fast) return loopFor(`u32:${op}`, [out, x], 1, fast)(out, [x], [x.length], [[1]]);
  }
  const intExpr = out instanceof Int32Array && isInteger(x) ? INT_UNARY[op] : undefined;
  if (intExpr) return loopFor(`ui:${op}`, [out, x], 1, intExpr)(out, [x], [x.length], [[1]]);
  loopFor(`u:${op}`, [out, x], 1, UNARY[op])(out, [x], [x.length], [[1]]);
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  const intExpr = out instanceof Int32Array ? INT_BINARY[op] : undefined;
  const loop = intExpr
    ? loopFor(`bi:${op}`, [out, a, b], 2, intExpr)
    : loopFor(`b:${op}`, [out, a, b], 2, BINARY[op]);
  loop(out, [a, b], plan.shape, plan.strides);
}

export function where(
  cond: Uint8Array,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  loopFor("where", [out, cond, a, b], 3, "v0 !== 0 ? v1 : v2")(
    out,
    [cond, a, b],
    plan.shape,
    plan.strides,
  );
}

export function cast(x: TypedArray, out: TypedArray): void {
  if (out instanceof Uint8Array) {
    // NumPy: bool(x) is x != 0, and bool(nan) is true.
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else if (out instanceof Uint8ClampedArray) {
    // To uint8, integers wrap modulo 256 (as NumPy and JAX convert them); floats truncate toward
    // zero and saturate at 0 and 255 (XLA's conversion; the clamped store does the saturating).
    if (isInteger(x)) for (let i = 0; i < x.length; i++) out[i] = x[i]! & 255;
    else for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]!);
  } else {
    // Typed-array stores truncate toward zero and wrap to int32, as NumPy's C casts do.
    out.set(x);
  }
}
