import type { BinaryOp, StridedPlan, UnaryOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { type StridedLoop, compileStrided } from "./strided.js";

/** erf to ~1e-15 relative error: series near 0, continued-fraction-free erfc bound (W. J. Cody style). */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)); converges fast for |x| < 2.5.
    let term = a;
    let sum = a;
    const x2 = a * a;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * 1.1283791670955126;
  }
  if (a >= 6) return Math.sign(x);
  // Asymptotic continued fraction for erfc, evaluated bottom-up (Lentz would also do).
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  const erfc = Math.exp(-a * a) / (a + f) / 1.7724538509055159;
  return Math.sign(x) * (1 - erfc);
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

/** Python's modulo: the result takes the divisor's sign. */
function mod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

const HELPERS = { erf, roundHalfEven, sigmoid, softplus, mod };

const UNARY: Record<UnaryOp, string> = {
  neg: "-v0",
  abs: "Math.abs(v0)",
  sign: "Math.sign(v0)",
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
  tanh: "Math.tanh(v0)",
  sigmoid: "sigmoid(v0)",
  erf: "erf(v0)",
  relu: "v0 < 0 ? 0 : v0",
  softplus: "softplus(v0)",
  floor: "Math.floor(v0)",
  ceil: "Math.ceil(v0)",
  round: "roundHalfEven(v0)",
  logicalNot: "v0 === 0 ? 1 : 0",
  isnan: "v0 !== v0 ? 1 : 0",
  isfinite: "Number.isFinite(v0) ? 1 : 0",
};

const BINARY: Record<BinaryOp, string> = {
  add: "v0 + v1",
  sub: "v0 - v1",
  mul: "v0 * v1",
  div: "v0 / v1",
  pow: "Math.pow(v0, v1)",
  max: "Math.max(v0, v1)",
  min: "Math.min(v0, v1)",
  mod: "mod(v0, v1)",
  floorDiv: "Math.floor(v0 / v1)",
  eq: "v0 === v1 ? 1 : 0",
  ne: "v0 !== v1 ? 1 : 0",
  lt: "v0 < v1 ? 1 : 0",
  le: "v0 <= v1 ? 1 : 0",
  gt: "v0 > v1 ? 1 : 0",
  ge: "v0 >= v1 ? 1 : 0",
  logicalAnd: "v0 !== 0 && v1 !== 0 ? 1 : 0",
  logicalOr: "v0 !== 0 || v1 !== 0 ? 1 : 0",
  logicalXor: "(v0 !== 0) !== (v1 !== 0) ? 1 : 0",
};

/** Integer results that a double would get wrong before the int32 store wraps them. */
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

const loops = new Map<string, StridedLoop>();
function loopFor(key: string, arity: number, expr: string): StridedLoop {
  let loop = loops.get(key);
  if (!loop) {
    loop = compileStrided(arity, expr, { ...HELPERS, ipow });
    loops.set(key, loop);
  }
  return loop;
}

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  loopFor(`u:${op}`, 1, UNARY[op])(out, [x], [x.length], [[1]]);
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  const intExpr = out instanceof Int32Array ? INT_BINARY[op] : undefined;
  const loop = intExpr ? loopFor(`bi:${op}`, 2, intExpr) : loopFor(`b:${op}`, 2, BINARY[op]);
  loop(out, [a, b], plan.shape, plan.strides);
}

export function where(
  cond: Uint8Array,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: StridedPlan,
): void {
  loopFor("where", 3, "v0 !== 0 ? v1 : v2")(out, [cond, a, b], plan.shape, plan.strides);
}

export function cast(x: TypedArray, out: TypedArray): void {
  if (out instanceof Uint8Array) {
    // NumPy: bool(x) is x != 0, and bool(nan) is true.
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else {
    // Typed-array stores truncate toward zero and wrap to int32, as NumPy's C casts do.
    out.set(x);
  }
}
