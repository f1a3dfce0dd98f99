/**
 * More of keras.ops.numpy: NaN-ignoring fmax / fmin, ldexp, trapezoid, vander, append, corrcoef,
 * the real-only complex helpers (real, imag, conj, angle, isreal: Strata has no complex dtype, so
 * they act on real tensors as NumPy does on real arrays), and the integer ops that no kernel
 * computes (gcd, lcm, the bitwise family, unravelIndex, nextafter), evaluated on the host.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { isFloat, promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, asTensorPair, castTo } from "./core.js";
import {
  add,
  divide,
  isnan,
  maximum,
  minimum,
  multiply,
  power,
  sqrt,
  subtract,
  where,
} from "./elementwise.js";
import { concatenate, slice as sliceT } from "./join.js";
import { broadcastTo, expandDims, reshape } from "./movement.js";
import { mean, sum } from "./reduce.js";
import { floatInput, intInput } from "./host-map.js";
import { signbit } from "./numpy-math.js";
import { diff } from "./numpy-stats.js";

/** Maximum that ignores NaN (NaN only where both are NaN). */
export function fmax(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = asTensorPair(x1, x2);
  return where(isnan(a), b, where(isnan(b), a, maximum(a, b)));
}
/** Minimum that ignores NaN. */
export function fmin(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b] = asTensorPair(x1, x2);
  return where(isnan(a), b, where(isnan(b), a, minimum(a, b)));
}

/** x1 · 2^x2 (x2 integers); ints give float32. */
export function ldexp(x1: TensorLike, x2: TensorLike): Tensor {
  const e = intInput(x2, "ldexp", "x2");
  if (isFloat(e.dtype)) throw new DTypeError(`ldexp: x2 must be integers; received ${e.dtype}`);
  const m = floatInput(x1);
  return multiply(m, power(castTo(asTensor(2), m.dtype), castTo(e, m.dtype)));
}

/** ∫ y dx by the trapezoidal rule along `axis`, with sample points `x` or spacing `dx`. */
export function trapezoid(y: TensorLike, x: TensorLike | null = null, dx = 1, axis = -1): Tensor {
  const t = floatInput(y);
  if (t.rank === 0)
    throw new ShapeError("trapezoid: y must have at least one axis; received a scalar");
  const a = normalizeAxis(axis, t.rank, "trapezoid");
  const n = t.shape[a]!;
  const pick = (from: number, len: number): Tensor => {
    const start = t.shape.map((_, i) => (i === a ? from : 0));
    const size = t.shape.map((d, i) => (i === a ? len : d));
    return sliceT(t, start, size);
  };
  const mids = divide(add(pick(1, Math.max(n - 1, 0)), pick(0, Math.max(n - 1, 0))), 2);
  let widths: Tensor | number = dx;
  if (x !== null) {
    let xs = castTo(asTensor(x), t.dtype);
    if (xs.rank === 1)
      xs = reshape(
        xs,
        t.shape.map((d, i) => (i === a ? xs.size : 1)),
      );
    widths = diff(xs, 1, xs.rank === 1 ? 0 : a);
  }
  return sum(multiply(mids, widths), a);
}

/** Vandermonde matrix: columns x^(N−1) … x^0 (ascending with `increasing`). */
export function vander(x: TensorLike, N: number | null = null, increasing = false): Tensor {
  const t = asTensor(x);
  if (t.rank !== 1)
    throw new ShapeError(`vander: x must be 1-D; received shape ${fmtShape(t.shape)}`);
  const n = N ?? t.size;
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`vander: N must be a non-negative integer; received ${n}`);
  const exps = Array.from({ length: n }, (_, i) => (increasing ? i : n - 1 - i));
  const dt = t.dtype === "bool" ? "int32" : t.dtype;
  const e = castTo(tensor(Float64Array.from(exps), [1, n]), dt);
  return power(expandDims(castTo(t, dt), -1), e);
}

/** x2 appended to x1: both flattened (axis null) or joined along `axis`. */
export function append(x1: TensorLike, x2: TensorLike, axis: number | null = null): Tensor {
  const [a, b] = asTensorPair(x1, x2);
  if (axis === null) return concatenate([reshape(a, [-1]), reshape(b, [-1])], 0);
  return concatenate([a, b], axis);
}

/** Pearson correlation coefficients of the rows of x (variables in rows, observations in columns). */
export function corrcoef(x: TensorLike): Tensor {
  let t = floatInput(x);
  if (t.rank > 2)
    throw new ShapeError(`corrcoef: x must be 1-D or 2-D; received shape ${fmtShape(t.shape)}`);
  if (t.rank === 1) t = reshape(t, [1, -1]);
  const c = subtract(t, mean(t, 1, true));
  const cv = sum(multiply(expandDims(c, 1), expandDims(c, 0)), -1);
  const d = sqrt(sum(multiply(c, c), 1));
  const r = divide(cv, multiply(expandDims(d, 1), expandDims(d, 0)));
  const clipped = minimum(maximum(r, -1), 1);
  return t.shape[0] === 1 ? reshape(clipped, []) : clipped;
}

// ---------------------------------------------------------------- real-only complex helpers

/** The real part: x itself (Strata's tensors are real). */
export function real(x: TensorLike): Tensor {
  return asTensor(x);
}
/** The imaginary part: zeros of x's shape and dtype. */
export function imag(x: TensorLike): Tensor {
  const t = asTensor(x);
  return multiply(t, castTo(asTensor(0), t.dtype === "bool" ? "int32" : t.dtype));
}
/** The complex conjugate: x itself. */
export function conj(x: TensorLike): Tensor {
  return asTensor(x);
}
/** The complex conjugate: x itself. */
export function conjugate(x: TensorLike): Tensor {
  return asTensor(x);
}
/** True everywhere (every element of a real tensor is real). */
export function isreal(x: TensorLike): Tensor {
  const t = asTensor(x);
  return broadcastTo(tensor(Uint8Array.from([1]), [], "bool"), t.shape);
}
/** The argument of real numbers: π where the sign bit is set (negatives, −0), 0 elsewhere, NaN kept. */
export function angle(x: TensorLike): Tensor {
  const t = floatInput(x);
  return where(isnan(t), t, multiply(castTo(signbit(t), t.dtype), Math.PI));
}

// ---------------------------------------------------------------- integer ops on the host

function intPair(
  x1: TensorLike,
  x2: TensorLike,
  op: string,
): { a: Float64Array; b: Float64Array; shape: number[]; dtype: "int32" | "uint8" | "bool" } {
  const [ta, tb] = asTensorPair(x1, x2);
  const dtype = promoteTypes(ta.dtype, tb.dtype);
  if (dtype !== "int32" && dtype !== "uint8" && dtype !== "bool") {
    throw new DTypeError(
      `${op}: expected integer or bool tensors; received ${ta.dtype} and ${tb.dtype}`,
    );
  }
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const a = Float64Array.from(broadcastTo(ta, shape).dataSync(), Number);
  const b = Float64Array.from(broadcastTo(tb, shape).dataSync(), Number);
  return { a, b, shape, dtype };
}
function intBinary(
  op: string,
  fn: (a: number, b: number) => number,
  boolFn?: (a: boolean, b: boolean) => boolean,
) {
  return (x1: TensorLike, x2: TensorLike): Tensor => {
    const { a, b, shape, dtype } = intPair(x1, x2, op);
    if (dtype === "bool") {
      if (!boolFn) throw new DTypeError(`${op}: expected integer tensors; received bool`);
      return tensor(
        Uint8Array.from(a, (v, i) => (boolFn(v !== 0, b[i] !== 0) ? 1 : 0)),
        shape,
        "bool",
      );
    }
    const out = Int32Array.from(a, (v, i) => fn(v, b[i]!));
    return castTo(tensor(out, shape), dtype);
  };
}
const gcdOf = (a: number, b: number): number => {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
};
/** Greatest common divisor (integers). */
export const gcd = intBinary("gcd", gcdOf);
/** Least common multiple (integers; 0 when either is 0). */
export const lcm = intBinary("lcm", (a, b) =>
  a === 0 || b === 0 ? 0 : Math.abs((a / gcdOf(a, b)) * b) | 0,
);
/** Bitwise AND (logical for bool). */
export const bitwiseAnd = intBinary(
  "bitwiseAnd",
  (a, b) => a & b,
  (a, b) => a && b,
);
/** Bitwise OR (logical for bool). */
export const bitwiseOr = intBinary(
  "bitwiseOr",
  (a, b) => a | b,
  (a, b) => a || b,
);
/** Bitwise XOR (logical for bool). */
export const bitwiseXor = intBinary(
  "bitwiseXor",
  (a, b) => a ^ b,
  (a, b) => a !== b,
);
/** x << y in int32 (shifts of 32 or more give 0, as NumPy). */
export const bitwiseLeftShift = intBinary("bitwiseLeftShift", (a, b) =>
  b >= 32 || b < 0 ? 0 : a << b,
);
/** x >> y, arithmetic (sign-filling) in int32 (shifts of 32 or more give 0 or −1). */
export const bitwiseRightShift = intBinary("bitwiseRightShift", (a, b) =>
  b >= 32 || b < 0 ? (a < 0 ? -1 : 0) : a >> b,
);
/** Alias of bitwiseLeftShift. */
export const leftShift = bitwiseLeftShift;
/** Alias of bitwiseRightShift. */
export const rightShift = bitwiseRightShift;

/** Bitwise NOT (logical NOT for bool; uint8 stays in 0…255). */
export function bitwiseInvert(x: TensorLike): Tensor {
  const t = asTensor(x);
  const v = t.dataSync();
  if (t.dtype === "bool")
    return tensor(
      Uint8Array.from(v, (e) => (e ? 0 : 1)),
      [...t.shape],
      "bool",
    );
  if (t.dtype === "uint8")
    return tensor(
      Uint8Array.from(v, (e) => 255 - Number(e)),
      [...t.shape],
      "uint8",
    );
  if (t.dtype !== "int32")
    throw new DTypeError(`bitwiseInvert: expected integer or bool; received ${t.dtype}`);
  return tensor(
    Int32Array.from(v, (e) => ~Number(e)),
    [...t.shape],
  );
}
/** Alias of bitwiseInvert. */
export const bitwiseNot = bitwiseInvert;

/** The coordinates in `shape` of each flat index: one int32 tensor per axis (C order). */
export function unravelIndex(indices: TensorLike, shape: readonly number[]): Tensor[] {
  const t = intInput(indices, "unravelIndex", "indices");
  if (isFloat(t.dtype))
    throw new DTypeError(`unravelIndex: indices must be integers; received ${t.dtype}`);
  const size = shape.reduce((p, d) => p * d, 1);
  const v = Array.from(t.dataSync(), Number);
  v.forEach((i) => {
    if (i < 0 || i >= size)
      throw new ValueError(
        `unravelIndex: index ${i} is out of bounds for shape ${fmtShape(shape)}`,
      );
  });
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((p, d) => p * d, 1));
  return shape.map((d, k) =>
    tensor(
      Int32Array.from(v, (i) => Math.floor(i / strides[k]!) % d),
      [...t.shape],
    ),
  );
}

/** The next representable value after x1 towards x2, in x1's float dtype. */
export function nextafter(x1: TensorLike, x2: TensorLike): Tensor {
  const [a0, b0] = asTensorPair(x1, x2);
  const dt = isFloat(promoteTypes(a0.dtype, b0.dtype))
    ? promoteTypes(a0.dtype, b0.dtype)
    : "float32";
  const shape = broadcastShapes(a0.shape, b0.shape, "nextafter");
  const a = broadcastTo(castTo(a0, dt), shape).dataSync();
  const b = broadcastTo(castTo(b0, dt), shape).dataSync();
  const f32 = dt === "float32";
  const out = f32 ? new Float32Array(a.length) : new Float64Array(a.length);
  const buf = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) || Number.isNaN(y)) out[i] = NaN;
    else if (x === y) out[i] = y;
    else if (x === 0) out[i] = (y > 0 ? 1 : -1) * (f32 ? 1.401298464324817e-45 : Number.MIN_VALUE);
    else if (f32) {
      buf.setFloat32(0, x);
      const bits = buf.getInt32(0);
      buf.setInt32(0, bits + (y > x === x > 0 ? 1 : -1));
      out[i] = buf.getFloat32(0);
    } else {
      buf.setFloat64(0, x);
      const bits = buf.getBigInt64(0);
      buf.setBigInt64(0, bits + (y > x === x > 0 ? 1n : -1n));
      out[i] = buf.getFloat64(0);
    }
  }
  return tensor(out, shape);
}
