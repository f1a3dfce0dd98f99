/**
 * keras.ops.numpy's elementwise math beyond the kernel table's unary and binary ops, composed of
 * existing ops (so every backend runs them and their gradients come from the parts), or, for the
 * inverse trigonometric functions that no kernel computes, evaluated on the host in float64 with
 * a gradient written from ops. Dtypes follow Keras's NumPy backend: float math on int or bool
 * input gives float32 (Keras's floatx), float64 stays float64.
 */
import { noGrad, record } from "../autodiff/tape.js";
import { type DType, isFloat, promoteTypes } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { UnaryOp } from "../backend/backend.js";
import { type TensorLike, asTensor, asTensorPair, castTo, kernels, unfilled } from "./core.js";
import { floatInput, floatPair, hostMap } from "./host-map.js";
import {
  abs,
  broadcastPlan,
  add,
  ceil,
  divide,
  equal,
  exp,
  floor,
  greater,
  isfinite,
  isnan,
  less,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  maximum,
  minimum,
  mod,
  multiply,
  negative,
  notEqual,
  reciprocal,
  sigmoid,
  sin,
  sqrt,
  square,
  subtract,
  where,
} from "./elementwise.js";
import { all } from "./reduce.js";

// ---------------------------------------------------------------- aliases

/** keras.ops.absolute: abs. */
export function absolute(x: TensorLike): Tensor {
  return abs(x);
}
/** keras.ops.fabs: abs, int and bool computed in float32 (as Keras). */
export function fabs(x: TensorLike): Tensor {
  return abs(floatInput(x));
}
/** keras.ops.true_divide: divide (ints give float32). */
export function trueDivide(x1: TensorLike, x2: TensorLike): Tensor {
  return divide(x1, x2);
}

// ---------------------------------------------------------------- logs, powers, angles

/** Base-2 logarithm. */
export function log2(x: TensorLike): Tensor {
  return divide(log(floatInput(x)), Math.LN2);
}
/** Base-10 logarithm. */
export function log10(x: TensorLike): Tensor {
  return divide(log(floatInput(x)), Math.LN10);
}
/** 2^x. */
export function exp2(x: TensorLike): Tensor {
  return exp(multiply(floatInput(x), Math.LN2));
}
/** Real cube root (negative for negative x); d∛x = dx / (3 ∛x²). */
export function cbrt(x: TensorLike): Tensor {
  const t = floatInput(x);
  const y = noGrad(() => hostMap(t, Math.cbrt));
  return record(y, [t], (dy) => [divide(dy, multiply(square(y), 3))]);
}
/** Degrees to radians; ints give float32. */
export function deg2rad(x: TensorLike): Tensor {
  return multiply(floatInput(x), Math.PI / 180);
}
/** Radians to degrees; ints give float32. */
export function rad2deg(x: TensorLike): Tensor {
  return multiply(floatInput(x), 180 / Math.PI);
}

/** √(x1² + x2²) without overflow (scaled by the larger magnitude); ±Inf anywhere gives +Inf. */
export function hypot(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = floatPair(x1, x2);
  const big = maximum(abs(a), abs(b));
  const small = minimum(abs(a), abs(b));
  const safe = where(equal(big, 0), 1, big);
  const r = multiply(big, sqrt(add(1, square(divide(small, safe)))));
  const anyInf = logicalOr(isinf(a), isinf(b));
  return where(anyInf, Infinity, r);
}

/** log(e^x1 + e^x2) without overflow; d/dx1 = σ(x1 − x2). Equal infinities give themselves. */
export function logaddexp(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = floatPair(x1, x2);
  const y = noGrad(() => {
    const m = maximum(a, b);
    const d = abs(subtract(a, b));
    return where(equal(a, b), add(a, Math.LN2), add(m, log1p(exp(negative(d)))));
  });
  return record(y, [a, b], (dy) => [
    multiply(dy, sigmoid(subtract(a, b))),
    multiply(dy, sigmoid(subtract(b, a))),
  ]);
}
/** log2(2^x1 + 2^x2). */
export function logaddexp2(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = floatPair(x1, x2);
  return divide(logaddexp(multiply(a, Math.LN2), multiply(b, Math.LN2)), Math.LN2);
}

/** 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0, NaN where x1 is NaN; ints give float32. */
export function heaviside(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = asTensorPair(x1, x2);
  const t = promoteTypes(a.dtype, b.dtype);
  const dtype: DType = t === "int32" || t === "uint8" ? "float32" : t;
  const [x, h] = [castTo(a, dtype), castTo(b, dtype)];
  return where(less(x, 0), 0, where(greater(x, 0), 1, where(isnan(x), x, h)));
}

/** True where the sign bit is set: negative numbers and −0 (a NaN's sign is not read). */
export function signbit(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return less(t, 0);
  return logicalOr(less(t, 0), logicalAnd(equal(t, 0), less(reciprocal(t), 0)));
}

/** Rounds toward zero; integers stay integers. */
export function trunc(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return t.dtype === "bool" ? castTo(t, "int32") : t;
  return where(less(t, 0), ceil(t), floor(t));
}

/**
 * C's fmod: the remainder has the dividend's sign (mod has the divisor's). Integer division by 0
 * gives 0, float gives NaN, as NumPy.
 */
export function fmod(x1: TensorLike, x2: TensorLike): Tensor {
  const [a0, b0] = asTensorPair(x1, x2);
  const dtype =
    promoteTypes(a0.dtype, b0.dtype) === "bool" ? "int32" : promoteTypes(a0.dtype, b0.dtype);
  const [a, b] = [castTo(a0, dtype), castTo(b0, dtype)];
  const r = mod(a, b);
  const fix = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(a, 0)));
  const out = where(fix, subtract(r, b), r);
  // A zero remainder keeps the dividend's sign (−4 fmod 2 is −0).
  return isFloat(dtype) ? where(equal(out, 0), multiply(abs(out), a), out) : out;
}

/** x1 / x2, and 0 where x2 is 0; ints give float32. */
export function divideNoNan(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = floatPair(x1, x2);
  const zero = equal(b, 0);
  return where(zero, 0, divide(a, where(zero, 1, b)));
}

// ---------------------------------------------------------------- classification

/** True at ±Inf (never for ints). */
export function isinf(x: TensorLike): Tensor {
  const t = asTensor(x);
  return logicalAnd(logicalNot(isfinite(t)), logicalNot(isnan(t)));
}
/** True at +Inf. */
export function isposinf(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? equal(t, Infinity) : equal(t, Number.NaN);
}
/** True at −Inf. */
export function isneginf(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? equal(t, -Infinity) : equal(t, Number.NaN);
}

/**
 * NumPy's isclose: |x1 − x2| ≤ atol + rtol·|x2| (not symmetric), equal infinities close, NaN
 * close to NaN only with `equalNan`.
 */
export function isclose(
  x1: TensorLike,
  x2: TensorLike,
  rtol = 1e-5,
  atol = 1e-8,
  equalNan = false,
): Tensor {
  const [a, b] = floatPair(x1, x2);
  const within = logicalAnd(
    lessEqualT(abs(subtract(a, b)), add(atol, multiply(abs(b), rtol))),
    isfinite(b),
  );
  const close = logicalOr(within, equal(a, b));
  return equalNan ? logicalOr(close, logicalAnd(isnan(a), isnan(b))) : close;
}
function lessEqualT(a: Tensor, b: Tensor): Tensor {
  return logicalNot(greater(a, b));
}
/** All elements isclose: a scalar bool tensor. */
export function allclose(
  x1: TensorLike,
  x2: TensorLike,
  rtol = 1e-5,
  atol = 1e-8,
  equalNan = false,
): Tensor {
  return all(isclose(x1, x2, rtol, atol, equalNan));
}

/** NaN → `nan`, +Inf → `posinf` (the dtype's largest by default), −Inf → `neginf`. */
export function nanToNum(
  x: TensorLike,
  nan = 0,
  posinf: number | null = null,
  neginf: number | null = null,
): Tensor {
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return t;
  const big = t.dtype === "float64" ? Number.MAX_VALUE : 3.4028234663852886e38;
  const hi = posinf ?? big;
  const lo = neginf ?? -big;
  return where(isnan(t), nan, where(equal(t, Infinity), hi, where(equal(t, -Infinity), lo, t)));
}

// ---------------------------------------------------------------- hyperbolic and inverse trig

/** A float unary kernel of the table (computed on the backend), with its derivative `d(x, y)`. */
function kernelUnary(op: UnaryOp, d: (x: Tensor, y: Tensor) => Tensor) {
  return (x: TensorLike): Tensor => {
    const t = floatInput(x);
    const y = unfilled(t.shape, t.dtype);
    kernels().unary(op, t.storage, y.storage);
    return record(y, [t], (dy) => [multiply(dy, d(t, y))]);
  };
}
const oneMinusSq = (x: Tensor): Tensor => subtract(1, square(x));

/** Hyperbolic sine; d = cosh x. */
export const sinh = kernelUnary("sinh", (x) => cosh(x));
/** Hyperbolic cosine; d = sinh x. */
export const cosh: (x: TensorLike) => Tensor = kernelUnary("cosh", (x) => sinh(x));
/** Inverse hyperbolic sine; d = 1/√(1+x²). */
export const arcsinh = kernelUnary("asinh", (x) => reciprocal(sqrt(add(1, square(x)))));
/** Inverse hyperbolic cosine (NaN below 1); d = 1/√(x²−1). */
export const arccosh = kernelUnary("acosh", (x) => reciprocal(sqrt(subtract(square(x), 1))));
/** Inverse hyperbolic tangent (±Inf at ±1); d = 1/(1−x²). */
export const arctanh = kernelUnary("atanh", (x) => reciprocal(oneMinusSq(x)));
/** Inverse sine (NaN outside [−1, 1]); d = 1/√(1−x²). */
export const arcsin = kernelUnary("asin", (x) => reciprocal(sqrt(oneMinusSq(x))));
/** Inverse cosine; d = −1/√(1−x²). */
export const arccos = kernelUnary("acos", (x) => negative(reciprocal(sqrt(oneMinusSq(x)))));
/** Inverse tangent; d = 1/(1+x²). */
export const arctan = kernelUnary("atan", (x) => reciprocal(add(1, square(x))));

/** The angle of (x2, x1) in (−π, π], signed zeros and infinities as C's atan2. */
export function arctan2(x1: TensorLike, x2: TensorLike): Tensor {
  const [y0, x0] = floatPair(x1, x2);
  const { shape, plan } = broadcastPlan([y0.shape, x0.shape], "arctan2");
  const out = unfilled(shape, y0.dtype);
  kernels().binary("atan2", y0.storage, x0.storage, out.storage, plan);
  // d atan2(y, x) = (x dy − y dx) / (x² + y²)
  return record(out, [y0, x0], (dy) => {
    const r2 = add(square(x0), square(y0));
    return [multiply(dy, divide(x0, r2)), negative(multiply(dy, divide(y0, r2)))];
  });
}

/** sin(πx)/(πx), 1 at 0 (NumPy's formula: x = 0 replaced by 1e-20 before dividing). */
export function sinc(x: TensorLike): Tensor {
  const t = floatInput(x);
  const y = multiply(where(equal(t, 0), 1e-20, t), Math.PI);
  return divide(sin(y), y);
}
