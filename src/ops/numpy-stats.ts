/**
 * keras.ops.numpy's statistics: aliases of the reductions (amax, var …), ptp, average, counts,
 * cumulative products, differences, quantiles (sort then gather, so gradients reach the picked
 * values), the NaN-ignoring reductions, and the host-side searches (searchsorted, digitize,
 * bincount, isin, unique) whose results are integer indices or data-dependent shapes.
 */
import { noGrad } from "../autodiff/tape.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { type DTypeName, isFloat, promoteTypes } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Axis, argmax, argmin, max, min, prod, sum, variance } from "./reduce.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  add,
  divide,
  equal,
  isnan,
  logicalNot,
  multiply,
  notEqual,
  sqrt,
  square,
  subtract,
  where,
} from "./elementwise.js";
import { takeAlongAxis } from "./gather.js";
import { concatenate, slice } from "./join.js";
import { reshape, transpose } from "./movement.js";
import { cumsum, sort } from "./scan.js";
import { floatInput, intInput } from "./host-map.js";
import { moveaxis } from "./numpy-shape.js";

/** keras.ops.amax: max. */
export function amax(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return max(x, axis, keepdims);
}
/** keras.ops.amin: min. */
export function amin(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return min(x, axis, keepdims);
}
/** keras.ops.var (population variance); `var` is a reserved word, so also exported as `variance`. */
export { variance as var };

/** Peak to peak: max − min. */
export function ptp(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = asTensor(x);
  return subtract(max(t, axis, keepdims), min(t, axis, keepdims));
}

/**
 * Weighted mean along `axis`: Σ w·x / Σ w. `weights` has x's shape, or is 1-D along `axis`.
 * Computes in float (float32 for ints).
 */
export function average(
  x: TensorLike,
  axis: number | null = null,
  weights: TensorLike | null = null,
): Tensor {
  const t = floatInput(x);
  if (weights === null)
    return divide(
      sum(t, axis),
      axis === null ? t.size : t.shape[normalizeAxis(axis, t.rank, "average")]!,
    );
  let w = asTensor(weights);
  const dt = promoteTypes(t.dtype, isFloat(w.dtype) ? w.dtype : t.dtype);
  w = castTo(w, dt);
  const xt = castTo(t, dt);
  if (w.rank !== xt.rank) {
    if (axis === null || w.rank !== 1) {
      throw new ShapeError(
        `average: weights must have x's shape ${fmtShape(xt.shape)}, or be 1-D along axis; received ${fmtShape(w.shape)}`,
      );
    }
    const a = normalizeAxis(axis, xt.rank, "average");
    if (w.shape[0] !== xt.shape[a]) {
      throw new ShapeError(
        `average: weights of length ${w.shape[0]} do not match axis ${a} of size ${xt.shape[a]}`,
      );
    }
    w = reshape(
      w,
      xt.shape.map((d, i) => (i === a ? d : 1)),
    );
  }
  return divide(sum(multiply(xt, w), axis), sum(multiply(w, add(multiply(xt, 0), 1)), axis));
}

/** The number of non-zero entries along `axis`, int32. */
export function countNonzero(x: TensorLike, axis: Axis = null): Tensor {
  return sum(castTo(notEqual(asTensor(x), 0), "int32"), axis);
}

/** Resolves the dtype option of cumsum / cumprod (bool counts in int32). */
function scanInput(x: TensorLike, dtype: DTypeName | null): Tensor {
  const t = asTensor(x);
  const dt = dtype === null ? t.dtype : dtype === "int64" ? "int32" : dtype;
  return castTo(t, dt === "bool" ? "int32" : dt);
}

/**
 * Cumulative product along `axis` (the flattened tensor when null): one multiply per step, so
 * the gradient is exact even where x has zeros.
 */
export function cumprod(
  x: TensorLike,
  axis: number | null = null,
  dtype: DTypeName | null = null,
): Tensor {
  let t = scanInput(x, dtype);
  if (axis === null) t = reshape(t, [-1]);
  if (t.rank === 0) return reshape(t, [1]);
  const a = axis === null ? 0 : normalizeAxis(axis, t.rank, "cumprod");
  const n = t.shape[a]!;
  if (n <= 1) return t;
  const m = moveaxis(t, a, 0);
  const rest = m.shape.slice(1);
  const rows: Tensor[] = [];
  let acc = slice(m, [0, ...rest.map(() => 0)], [1, ...rest]);
  rows.push(acc);
  for (let i = 1; i < n; i++) {
    acc = multiply(acc, slice(m, [i, ...rest.map(() => 0)], [1, ...rest]));
    rows.push(acc);
  }
  return moveaxis(concatenate(rows, 0), 0, a);
}

/** The `n`-th discrete difference along `axis` (out[i] = a[i+1] − a[i], applied n times). */
export function diff(a: TensorLike, n = 1, axis = -1): Tensor {
  let t = asTensor(a);
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`diff: n must be a non-negative integer; received ${n}`);
  if (t.rank === 0) throw new ShapeError("diff: a must have at least one axis; received a scalar");
  const ax = normalizeAxis(axis, t.rank, "diff");
  for (let k = 0; k < n; k++) {
    const len = t.shape[ax]!;
    if (len === 0) break;
    const size = t.shape.map((d, i) => (i === ax ? len - 1 : d));
    const start1 = t.shape.map((_, i) => (i === ax ? 1 : 0));
    const start0 = t.shape.map(() => 0);
    const hi = slice(t, start1, size);
    const lo = slice(t, start0, size);
    t = t.dtype === "bool" ? notEqual(hi, lo) : subtract(hi, lo);
  }
  return t;
}

// ---------------------------------------------------------------- quantiles

type QuantileMethod = "linear" | "lower" | "higher" | "midpoint" | "nearest";
const METHODS: readonly QuantileMethod[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/** x with the reduced axes moved last and merged: [...kept, n]. */
function gatherAxes(t: Tensor, axis: Axis, op: string): { flat: Tensor; axes: number[] } {
  const axes = normalizeAxes(axis, t.rank, op);
  const kept = [...t.shape.keys()].filter((a) => !axes.includes(a));
  const moved = transpose(t, [...kept, ...axes]);
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1);
  return { flat: reshape(moved, [...kept.map((a) => t.shape[a]!), n]), axes };
}

/**
 * Quantiles along the last axis of sorted rows, each row using its first `counts[r]` values
 * (NaN sorts last, so a NaN-ignoring quantile counts the non-NaN ones).
 */
function quantileRows(
  sorted: Tensor,
  counts: Int32Array,
  qs: number[],
  method: QuantileMethod,
): Tensor {
  const rows = counts.length;
  const n = sorted.shape[sorted.rank - 1]!;
  const flat = reshape(sorted, [rows, n]);
  const outs: Tensor[] = [];
  for (const q of qs) {
    const lo = new Int32Array(rows);
    const hi = new Int32Array(rows);
    const frac = new Float64Array(rows);
    const empty = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      const c = counts[r]!;
      if (c === 0) {
        empty[r] = 1;
        continue;
      }
      const pos = q * (c - 1);
      let f = Math.floor(pos);
      let g = Math.min(f + 1, c - 1);
      let w = pos - f;
      if (method === "lower") w = 0;
      else if (method === "higher") {
        f = Math.ceil(pos);
        g = f;
        w = 0;
      } else if (method === "midpoint") w = pos === f ? 0 : 0.5;
      else if (method === "nearest") {
        // NumPy rounds half to even here.
        const rnd = Math.abs(pos - f - 0.5) < 1e-12 ? (f % 2 === 0 ? f : f + 1) : Math.round(pos);
        f = rnd;
        g = rnd;
        w = 0;
      }
      lo[r] = f;
      hi[r] = g;
      frac[r] = w;
    }
    const a = takeAlongAxis(flat, tensor(lo, [rows, 1]), 1);
    const b = takeAlongAxis(flat, tensor(hi, [rows, 1]), 1);
    const w = castTo(tensor(frac, [rows, 1]), flat.dtype);
    let v = add(a, multiply(subtract(b, a), w));
    if (empty.some(Boolean)) v = where(tensor(empty, [rows, 1], "bool"), Number.NaN, v);
    outs.push(v);
  }
  return concatenate(outs, 1);
}

function quantileImpl(
  x: TensorLike,
  q: TensorLike,
  axis: Axis,
  method: QuantileMethod,
  keepdims: boolean,
  ignoreNan: boolean,
  op: string,
  scale = 1,
): Tensor {
  if (!METHODS.includes(method)) {
    throw new ValueError(
      `${op}: method must be one of ${METHODS.join(", ")}; received ${String(method)}`,
    );
  }
  const t0 = asTensor(x);
  const t = t0.dtype === "float64" ? t0 : castTo(t0, "float32");
  const qt = asTensor(q);
  if (qt.rank > 1)
    throw new ShapeError(`${op}: q must be a scalar or 1-D; received shape ${fmtShape(qt.shape)}`);
  const qs = Array.from(qt.dataSync(), (v) => Number(v) / scale);
  if (qs.some((v) => !(v >= 0 && v <= 1))) {
    throw new ValueError(
      `${op}: q must lie in [0, ${scale === 1 ? 1 : 100}]; received ${qt.dataSync().join(", ")}`,
    );
  }
  const { flat, axes } = gatherAxes(t, axis, op);
  const n = flat.shape[flat.rank - 1]!;
  const lead = flat.shape.slice(0, -1);
  const rows = lead.reduce((p, d) => p * d, 1);
  const nanMask = isnan(flat);
  const nanCounts = noGrad(() => sum(castTo(nanMask, "int32"), -1)).dataSync();
  const counts = new Int32Array(rows);
  for (let r = 0; r < rows; r++) counts[r] = ignoreNan ? n - Number(nanCounts[r]) : n;
  if (n === 0)
    throw new ValueError(
      `${op}: cannot take a quantile over an empty axis (shape ${fmtShape(t.shape)})`,
    );
  let v = quantileRows(sort(flat, -1), counts, qs, method);
  if (!ignoreNan) {
    // NumPy: a NaN anywhere in a row makes its quantiles NaN.
    const anyNan = Uint8Array.from({ length: rows }, (_, r) => (Number(nanCounts[r]) > 0 ? 1 : 0));
    if (anyNan.some(Boolean)) v = where(tensor(anyNan, [rows, 1], "bool"), Number.NaN, v);
  }
  // v is [rows, |q|] → q's axis first, then the kept (or size-1) axes.
  const keptShape = keepdims ? t.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : lead;
  const out = reshape(transpose(v, [1, 0]), [qs.length, ...keptShape]);
  return qt.rank === 0 ? reshape(out, keptShape) : out;
}

/** q-th quantiles (q in [0, 1]) along `axis`; Keras's methods; a NaN in a slice gives NaN. */
export function quantile(
  x: TensorLike,
  q: TensorLike,
  axis: Axis = null,
  method: QuantileMethod = "linear",
  keepdims = false,
): Tensor {
  return quantileImpl(x, q, axis, method, keepdims, false, "quantile");
}
/** q-th percentiles (q in [0, 100]). */
export function percentile(
  x: TensorLike,
  q: TensorLike,
  axis: Axis = null,
  method: QuantileMethod = "linear",
  keepdims = false,
): Tensor {
  return quantileImpl(x, q, axis, method, keepdims, false, "percentile", 100);
}
/** Median along `axis`. */
export function median(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return quantileImpl(x, 0.5, axis, "linear", keepdims, false, "median");
}
/** quantile ignoring NaNs (an all-NaN slice gives NaN). */
export function nanquantile(
  x: TensorLike,
  q: TensorLike,
  axis: Axis = null,
  method: QuantileMethod = "linear",
  keepdims = false,
): Tensor {
  return quantileImpl(x, q, axis, method, keepdims, true, "nanquantile");
}
/** percentile ignoring NaNs. */
export function nanpercentile(
  x: TensorLike,
  q: TensorLike,
  axis: Axis = null,
  method: QuantileMethod = "linear",
  keepdims = false,
): Tensor {
  return quantileImpl(x, q, axis, method, keepdims, true, "nanpercentile", 100);
}
/** median ignoring NaNs. */
export function nanmedian(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return quantileImpl(x, 0.5, axis, "linear", keepdims, true, "nanmedian");
}

// ---------------------------------------------------------------- NaN-ignoring reductions

const zeroNan = (t: Tensor, fill: number): Tensor =>
  isFloat(t.dtype) ? where(isnan(t), fill, t) : t;

/** Sum treating NaN as 0. */
export function nansum(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return sum(zeroNan(asTensor(x), 0), axis, keepdims);
}
/** Product treating NaN as 1. */
export function nanprod(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return prod(zeroNan(asTensor(x), 1), axis, keepdims);
}
/** Mean of the non-NaN values (NaN for an all-NaN slice). */
export function nanmean(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = floatInput(x);
  const count = sum(castTo(logicalNot(isnan(t)), t.dtype), axis, keepdims);
  return divide(nansum(t, axis, keepdims), count);
}
/** Variance of the non-NaN values. */
export function nanvar(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = floatInput(x);
  const m = nanmean(t, axis, true);
  return nanmean(square(subtract(t, m)), axis, keepdims);
}
/** Standard deviation of the non-NaN values. */
export function nanstd(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return sqrt(nanvar(x, axis, keepdims));
}
function nanExtreme(op: "max" | "min") {
  return (x: TensorLike, axis: Axis = null, keepdims = false): Tensor => {
    const t = asTensor(x);
    if (!isFloat(t.dtype)) return op === "max" ? max(t, axis, keepdims) : min(t, axis, keepdims);
    const nan = isnan(t);
    const filled = where(nan, op === "max" ? -Infinity : Infinity, t);
    const y = op === "max" ? max(filled, axis, keepdims) : min(filled, axis, keepdims);
    // An all-NaN slice gives NaN (NumPy warns and returns NaN).
    const allNan = equal(sum(castTo(logicalNot(nan), "int32"), axis, keepdims), 0);
    return where(allNan, Number.NaN, y);
  };
}
/** Max ignoring NaNs. */
export const nanmax = nanExtreme("max");
/** Min ignoring NaNs. */
export const nanmin = nanExtreme("min");

function nanArg(op: "argmax" | "argmin") {
  return (x: TensorLike, axis: number | null = null, keepdims = false): Tensor => {
    const t = asTensor(x);
    if (!isFloat(t.dtype))
      return op === "argmax" ? argmax(t, axis, keepdims) : argmin(t, axis, keepdims);
    const nan = isnan(t);
    const filled = where(nan, op === "argmax" ? -Infinity : Infinity, t);
    const idx = op === "argmax" ? argmax(filled, axis, keepdims) : argmin(filled, axis, keepdims);
    const allNan = noGrad(() => equal(sum(castTo(logicalNot(nan), "int32"), axis, keepdims), 0));
    if (allNan.dataSync().some(Boolean)) {
      throw new ValueError(
        `${op === "argmax" ? "nanargmax" : "nanargmin"}: an all-NaN slice has no index`,
      );
    }
    return idx;
  };
}
/** argmax ignoring NaNs (an all-NaN slice is an error, as NumPy). */
export const nanargmax = nanArg("argmax");
/** argmin ignoring NaNs. */
export const nanargmin = nanArg("argmin");
/** cumsum treating NaN as 0. */
export function nancumsum(
  x: TensorLike,
  axis: number | null = null,
  dtype: DTypeName | null = null,
): Tensor {
  return cumsum(zeroNan(scanInput(x, dtype), 0), axis);
}
/** cumprod treating NaN as 1. */
export function nancumprod(
  x: TensorLike,
  axis: number | null = null,
  dtype: DTypeName | null = null,
): Tensor {
  return cumprod(zeroNan(scanInput(x, dtype), 1), axis);
}

// ---------------------------------------------------------------- host-side searches

function hostNumbers(t: Tensor, op: string): Float64Array {
  if (t.dtype === "string")
    throw new DTypeError(`${op}: expected a numeric tensor; received strings`);
  return Float64Array.from(t.dataSync(), Number);
}
/** NumPy's ordering: NaN after everything. */
const lessNum = (a: number, b: number): boolean => a < b || (!Number.isNaN(a) && Number.isNaN(b));

/**
 * For each value, where it would be inserted into the 1-D ascending `sortedSequence` to keep it
 * sorted: the first such place (`side` "left") or the last ("right"). int32.
 */
export function searchsorted(
  sortedSequence: TensorLike,
  values: TensorLike,
  side: "left" | "right" = "left",
): Tensor {
  const s = asTensor(sortedSequence);
  if (s.rank !== 1) {
    throw new ShapeError(
      `searchsorted: sortedSequence must be 1-D; received shape ${fmtShape(s.shape)}`,
    );
  }
  if (side !== "left" && side !== "right") {
    throw new ValueError(`searchsorted: side must be "left" or "right"; received ${String(side)}`);
  }
  const seq = hostNumbers(s, "searchsorted");
  const v = asTensor(values);
  const vals = hostNumbers(v, "searchsorted");
  const out = new Int32Array(vals.length);
  vals.forEach((x, i) => {
    let lo = 0;
    let hi = seq.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const goRight = side === "left" ? lessNum(seq[mid]!, x) : !lessNum(x, seq[mid]!);
      if (goRight) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  });
  return tensor(out, [...v.shape]);
}

/**
 * The bin of each x: i with bins[i−1] ≤ x < bins[i] for ascending bins, bins[i−1] > x ≥ bins[i]
 * for descending ones (NumPy's digitize, right=False). int32.
 */
export function digitize(x: TensorLike, bins: TensorLike): Tensor {
  const b = asTensor(bins);
  if (b.rank !== 1)
    throw new ShapeError(`digitize: bins must be 1-D; received shape ${fmtShape(b.shape)}`);
  const e = hostNumbers(b, "digitize");
  let up = true;
  let down = true;
  for (let i = 1; i < e.length; i++) {
    if (e[i]! < e[i - 1]!) up = false;
    if (e[i]! > e[i - 1]!) down = false;
  }
  if (!up && !down)
    throw new ValueError("digitize: bins must be monotonically increasing or decreasing");
  if (up) return searchsorted(b, x, "right");
  const reversed = tensor(Float64Array.from(e).reverse(), [e.length]);
  const left = searchsorted(reversed, x, "right");
  return tensor(
    Int32Array.from(left.dataSync(), (v) => e.length - Number(v)),
    [...left.shape],
  );
}

/**
 * Counts of each non-negative integer in x (1-D, or 2-D counted row by row), weighted by
 * `weights` when given (then in their dtype; int32 otherwise). `sparse` is refused.
 */
export function bincount(
  x: TensorLike,
  weights: TensorLike | null = null,
  minlength = 0,
  sparse = false,
): Tensor {
  if (sparse)
    throw new ValueError("bincount: sparse=true is not supported (Strata has no sparse tensors)");
  const t = intInput(x, "bincount", "x");
  if (isFloat(t.dtype)) throw new DTypeError(`bincount: x must be integers; received ${t.dtype}`);
  if (t.rank !== 1 && t.rank !== 2)
    throw new ShapeError(`bincount: x must be 1-D or 2-D; received shape ${fmtShape(t.shape)}`);
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new ValueError(
      `bincount: minlength must be a non-negative integer; received ${minlength}`,
    );
  }
  const v = hostNumbers(t, "bincount");
  if (v.some((n) => n < 0)) throw new ValueError("bincount: x must be non-negative");
  const w = weights === null ? null : asTensor(weights);
  if (w && (w.rank !== t.rank || w.shape.some((d, i) => d !== t.shape[i]))) {
    throw new ShapeError(
      `bincount: weights must have x's shape ${fmtShape(t.shape)}; received ${fmtShape(w.shape)}`,
    );
  }
  const wv = w ? hostNumbers(w, "bincount") : null;
  const len = Math.max(minlength, v.length ? Math.max(...v) + 1 : 0);
  const rows = t.rank === 2 ? t.shape[0]! : 1;
  const cols = t.rank === 2 ? t.shape[1]! : t.size;
  const out = new Float64Array(rows * len);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * len + v[r * cols + c]!]! += wv ? wv[r * cols + c]! : 1;
  }
  const dtype = w ? (w.dtype === "bool" ? "int32" : w.dtype) : "int32";
  return castTo(tensor(out, t.rank === 2 ? [rows, len] : [len]), dtype);
}

/** True where an element of x1 occurs in x2 (NaN never does); `invert` negates. */
export function isin(x1: TensorLike, x2: TensorLike, assumeUnique = false, invert = false): Tensor {
  void assumeUnique; // a speed hint in NumPy; the result is the same
  const a = asTensor(x1);
  const set = new Set(hostNumbers(asTensor(x2), "isin"));
  const av = hostNumbers(a, "isin");
  return tensor(
    Uint8Array.from(av, (v) => ((!Number.isNaN(v) && set.has(v)) !== invert ? 1 : 0)),
    [...a.shape],
    "bool",
  );
}

/**
 * The sorted distinct values of the flattened x (the shape depends on the data, so this runs on
 * the host, as Keras's eager backends do). With `returnIndex` / `returnInverse` / `returnCounts`
 * it returns `[values, …]` in NumPy's order. `size` pads (with `fillValue`, default the minimum)
 * or truncates to a fixed length, as JAX's. `axis` (unique rows) is not supported.
 */
export function unique(
  x: TensorLike,
  sorted = true,
  returnIndex = false,
  returnInverse = false,
  returnCounts = false,
  axis: number | null = null,
  size: number | null = null,
  fillValue: number | null = null,
): Tensor | Tensor[] {
  if (axis !== null)
    throw new ValueError("unique: axis is not supported (unique of the flattened tensor only)");
  void sorted; // Keras's backends return sorted values either way
  const t = asTensor(x);
  const v = hostNumbers(t, "unique");
  const order = Array.from(v.keys()).sort((i, j) =>
    lessNum(v[i]!, v[j]!) ? -1 : lessNum(v[j]!, v[i]!) ? 1 : i - j,
  );
  const values: number[] = [];
  const first: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(v.length);
  for (const i of order) {
    const last = values.length - 1;
    const same =
      last >= 0 && (values[last] === v[i] || (Number.isNaN(values[last]!) && Number.isNaN(v[i]!)));
    if (!same) {
      values.push(v[i]!);
      first.push(i);
      counts.push(0);
    }
    counts[values.length - 1]!++;
    inverse[i] = values.length - 1;
  }
  let vals = values;
  let idx = first;
  let cnt = counts;
  if (size !== null) {
    if (!Number.isInteger(size) || size < 0)
      throw new ValueError(`unique: size must be a non-negative integer; received ${size}`);
    const fill = fillValue ?? (values.length ? values[0]! : 0);
    vals = Array.from({ length: size }, (_, i) => (i < values.length ? values[i]! : fill));
    idx = Array.from({ length: size }, (_, i) => (i < first.length ? first[i]! : 0));
    cnt = Array.from({ length: size }, (_, i) => (i < counts.length ? counts[i]! : 0));
  }
  const out = castTo(
    tensor(Float64Array.from(vals), [vals.length]),
    t.dtype === "string" ? "float32" : t.dtype,
  );
  if (!returnIndex && !returnInverse && !returnCounts) return out;
  const result = [out];
  if (returnIndex) result.push(tensor(Int32Array.from(idx), [idx.length]));
  if (returnInverse) result.push(tensor(inverse, [...t.shape]));
  if (returnCounts) result.push(tensor(Int32Array.from(cnt), [cnt.length]));
  return result;
}

/** The `choicelist` entry of the first true condition at each position, `default` elsewhere. */
export function select(
  condlist: readonly TensorLike[],
  choicelist: readonly TensorLike[],
  defaultValue: TensorLike = 0,
): Tensor {
  if (
    !Array.isArray(condlist) ||
    !Array.isArray(choicelist) ||
    condlist.length !== choicelist.length
  ) {
    throw new ValueError("select: condlist and choicelist must be lists of the same length");
  }
  if (condlist.length === 0) throw new ValueError("select: condlist must not be empty");
  let out = asTensor(defaultValue);
  for (let i = condlist.length - 1; i >= 0; i--) {
    const c = asTensor(condlist[i]!);
    if (c.dtype !== "bool")
      throw new DTypeError(`select: condlist[${i}] must be bool; received ${c.dtype}`);
    out = where(c, choicelist[i]!, out);
  }
  return out;
}

export type { QuantileMethod };
