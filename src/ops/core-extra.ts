/**
 * keras.ops's core and math names beyond the numpy set: conversions (array, convertToTensor,
 * isTensor, dtype, saturateCast), scatters and segment reductions (composed of one-hot products,
 * `where` and `take`, so they differentiate in their values), unstack, associativeScan,
 * extractSequences, inTopK, cdist, histogram, argpartition, logsumexp, and the special functions
 * erfinv (Newton steps on the erf kernel) and i0 (float64 series on the host).
 */
import { noGrad, record } from "../autodiff/tape.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { type DTypeName, checkNumericDType, isFloat } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { embed } from "./boxes.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  abs,
  add,
  divide,
  equal,
  erf,
  exp,
  greater,
  isfinite,
  less,
  logicalAnd,
  maximum,
  minimum,
  multiply,
  negative,
  sqrt,
  square,
  subtract,
  where,
} from "./elementwise.js";
import { oneHot, take, takeAlongAxis } from "./gather.js";
import { split, stack } from "./join.js";
import { matmul } from "./linalg.js";
import { broadcastTo, expandDims, reshape, squeeze, transpose } from "./movement.js";
import { type Axis, logSumExp, max, min, prod, sum } from "./reduce.js";
import { argsort } from "./scan.js";
import { floatInput, floatPair, hostMap, intInput } from "./host-map.js";

/** keras.ops.logsumexp: log Σ exp(x), stable. */
export function logsumexp(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return logSumExp(x, axis, keepdims);
}

// ---------------------------------------------------------------- conversions

/** A tensor of x's values, converted to `dtype` when given. */
export function array(x: TensorLike, dtype: DTypeName | null = null): Tensor {
  const t = asTensor(x);
  return dtype === null
    ? t
    : castTo(t, checkNumericDType(dtype === "int64" ? "int32" : dtype, "array"));
}
/** keras.ops.convert_to_tensor; `sparse` and `ragged` must be false or null (no such tensors here). */
export function convertToTensor(
  x: TensorLike,
  dtype: DTypeName | null = null,
  sparse: boolean | null = null,
  ragged: boolean | null = null,
): Tensor {
  if (sparse || ragged) {
    throw new ValueError("convertToTensor: sparse and ragged tensors do not exist in Strata");
  }
  return array(x, dtype);
}
/** True for a Strata tensor. */
export function isTensor(x: unknown): boolean {
  return x instanceof Tensor;
}
/** The dtype name of x. */
export function dtype(x: TensorLike): string {
  return asTensor(x).dtype;
}

const RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [-2147483648, 2147483647],
  uint8: [0, 255],
  bool: [0, 1],
};
/** Casts with values clipped to the target dtype's range first (no wrapping). */
export function saturateCast(x: TensorLike, dtype_: DTypeName): Tensor {
  const t = asTensor(x);
  const target = checkNumericDType(dtype_ === "int64" ? "int32" : dtype_, "saturateCast");
  const range = RANGES[dtype_];
  if (!range || (!isFloat(t.dtype) && t.dtype !== "int32")) return castTo(t, target);
  // Clipped in float64: float32 cannot hold int32's bounds exactly.
  const wide = castTo(t, "float64");
  return castTo(minimum(maximum(wide, range[0]), range[1]), target);
}

// ---------------------------------------------------------------- scatters and segments

/** Flat row positions of index tuples (the last axis of `indices`) in `shape`. */
function rowPositions(
  indices: TensorLike,
  shape: readonly number[],
  op: string,
): { pos: Int32Array; depth: number } {
  const ind = intInput(indices, op, "indices");
  if (isFloat(ind.dtype))
    throw new DTypeError(`${op}: indices must be integers; received ${ind.dtype}`);
  const depth = ind.rank === 0 ? 1 : ind.shape[ind.rank - 1]!;
  if (depth > shape.length) {
    throw new ShapeError(
      `${op}: index tuples of length ${depth} do not fit shape ${fmtShape(shape)}`,
    );
  }
  const v = ind.dataSync();
  const n = v.length / (depth || 1);
  const pos = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < depth; k++) {
      let c = Number(v[i * depth + k]);
      if (c < 0) c += shape[k]!;
      if (c < 0 || c >= shape[k]!) {
        throw new ValueError(
          `${op}: index ${Number(v[i * depth + k])} is out of range for axis ${k} of size ${shape[k]}`,
        );
      }
      p = p * shape[k]! + c;
    }
    pos[i] = p;
  }
  return { pos, depth };
}

/** Sums the rows of `values` (n, …) into `rows` positions: a one-hot product, differentiable in values. */
function scatterRows(pos: Int32Array, values: Tensor, rows: number): Tensor {
  const flat = reshape(values, [pos.length, -1]);
  const hot = castTo(
    oneHot(tensor(pos, [pos.length]), rows, -1, "float32"),
    values.dtype === "bool" ? "int32" : values.dtype,
  );
  return matmul(transpose(hot, [1, 0]), flat);
}

/** A zero tensor of `shape` with `values` added at `indices` (duplicates add up). */
export function scatter(indices: TensorLike, values: TensorLike, shape: readonly number[]): Tensor {
  const v = asTensor(values);
  const { pos, depth } = rowPositions(indices, shape, "scatter");
  const rows = shape.slice(0, depth).reduce((p, d) => p * d, 1);
  const inner = shape.slice(depth);
  return reshape(scatterRows(pos, reshape(v, [pos.length, ...inner]), rows), [...shape]);
}

/**
 * inputs with `updates` written at `indices` (index tuples along the last axis): replaced (the
 * last write wins), or combined by `reduction` "add", "max", "min" or "mul".
 */
export function scatterUpdate(
  inputs: TensorLike,
  indices: TensorLike,
  updates: TensorLike,
  reduction: "add" | "max" | "min" | "mul" | null = null,
): Tensor {
  const x = asTensor(inputs);
  const { pos, depth } = rowPositions(indices, x.shape, "scatterUpdate");
  const rows = x.shape.slice(0, depth).reduce((p, d) => p * d, 1);
  const x2 = reshape(x, [rows, -1]);
  const u = reshape(castTo(asTensor(updates), x.dtype), [pos.length, -1]);
  let out: Tensor;
  if (reduction === null) {
    const last = new Int32Array(rows).fill(-1);
    pos.forEach((p, i) => (last[p] = i));
    const hit = tensor(
      Uint8Array.from(last, (i) => (i >= 0 ? 1 : 0)),
      [rows, 1],
      "bool",
    );
    const picked = take(
      u,
      tensor(
        Int32Array.from(last, (i) => Math.max(i, 0)),
        [rows],
      ),
      0,
    );
    out = where(hit, picked, x2);
  } else if (reduction === "add") {
    out = add(x2, scatterRows(pos, u, rows));
  } else if (reduction === "max" || reduction === "min" || reduction === "mul") {
    const seg = segmentReduce(u, pos, rows, reduction === "mul" ? "prod" : reduction);
    out =
      reduction === "max"
        ? maximum(x2, seg)
        : reduction === "min"
          ? minimum(x2, seg)
          : multiply(x2, seg);
  } else {
    throw new ValueError(
      `scatterUpdate: reduction must be null, "add", "max", "min" or "mul"; received ${String(reduction)}`,
    );
  }
  return reshape(out, [...x.shape]);
}

/** inputs with the box at `startIndices` replaced by `updates`. */
export function sliceUpdate(
  inputs: TensorLike,
  startIndices: readonly number[],
  updates: TensorLike,
): Tensor {
  const x = asTensor(inputs);
  const u = castTo(asTensor(updates), x.dtype);
  if (startIndices.length !== x.rank || u.rank !== x.rank) {
    throw new ShapeError(
      `sliceUpdate: startIndices and updates need x's rank ${x.rank}; received ${JSON.stringify(startIndices)} and ${fmtShape(u.shape)}`,
    );
  }
  u.shape.forEach((d, i) => {
    if (
      !Number.isInteger(startIndices[i]) ||
      startIndices[i]! < 0 ||
      startIndices[i]! + d > x.shape[i]!
    ) {
      throw new ShapeError(
        `sliceUpdate: updates ${fmtShape(u.shape)} at ${JSON.stringify(startIndices)} do not fit in ${fmtShape(x.shape)}`,
      );
    }
  });
  const mask = noGrad(() =>
    embed(tensor(new Uint8Array(u.size).fill(1), [...u.shape]), startIndices, x.shape),
  );
  return where(castTo(mask, "bool"), embed(u, startIndices, x.shape), x);
}

/** Per-segment reduction of rows (segment ids outside [0, num) dropped), empty segments get the identity. */
function segmentReduce(
  data: Tensor,
  ids: Int32Array,
  num: number,
  op: "sum" | "max" | "min" | "prod",
): Tensor {
  if (op === "sum")
    return scatterRows(
      Int32Array.from(ids, (i) => (i >= 0 && i < num ? i : -1)),
      data,
      num,
    );
  const fill = op === "max" ? -Infinity : op === "min" ? Infinity : 1;
  const mask = new Uint8Array(num * ids.length);
  ids.forEach((s, i) => {
    if (s >= 0 && s < num) mask[s * ids.length + i] = 1;
  });
  const inner = data.shape.slice(1);
  const m = tensor(mask, [num, ids.length, ...inner.map(() => 1)], "bool");
  const filled = where(
    m,
    expandDims(data, 0),
    castTo(asTensor(fill), isFloat(data.dtype) ? data.dtype : "float32"),
  );
  const r = op === "max" ? max(filled, 1) : op === "min" ? min(filled, 1) : prod(filled, 1);
  return isFloat(data.dtype) ? r : castTo(r, data.dtype);
}

function segmentOp(op: "sum" | "max" | "min" | "prod", name: string) {
  return (
    data: TensorLike,
    segmentIds: TensorLike,
    numSegments: number | null = null,
    sorted = false,
  ): Tensor => {
    void sorted; // a speed hint: the result is the same
    const d = asTensor(data);
    const ids = intInput(segmentIds, name, "segmentIds");
    if (ids.rank !== 1 || d.rank === 0 || ids.size !== d.shape[0]) {
      throw new ShapeError(
        `${name}: segmentIds must be 1-D with one id per row of data; received ${fmtShape(ids.shape)} for data ${fmtShape(d.shape)}`,
      );
    }
    const idv = Int32Array.from(ids.dataSync(), Number);
    const num = numSegments ?? (idv.length ? Math.max(...idv) + 1 : 0);
    return segmentReduce(d, idv, num, op);
  };
}
/** Sums of the rows of `data` per segment id. */
export const segmentSum = segmentOp("sum", "segmentSum");
/** Maxima per segment (−Inf for an empty one). */
export const segmentMax = segmentOp("max", "segmentMax");
/** Minima per segment (+Inf for an empty one). */
export const segmentMin = segmentOp("min", "segmentMin");
/** Products per segment (1 for an empty one). */
export const segmentProd = segmentOp("prod", "segmentProd");

// ---------------------------------------------------------------- sequences and scans

/** Splits x along `axis` into a list of tensors without that axis (`num`, if given, must match). */
export function unstack(x: TensorLike, num: number | null = null, axis = 0): Tensor[] {
  const t = asTensor(x);
  if (t.rank === 0)
    throw new ShapeError("unstack: x must have at least one axis; received a scalar");
  const a = normalizeAxis(axis, t.rank, "unstack");
  const n = t.shape[a]!;
  if (num !== null && num !== n)
    throw new ValueError(`unstack: num is ${num} but axis ${a} has size ${n}`);
  if (n === 0) return [];
  return split(t, n, a).map((p) => squeeze(p, a));
}

/**
 * Inclusive scan with an associative f: out[i] = f(out[i − 1], elems[i]) along `axis` (from the
 * end with `reverse`). Run sequentially here, which gives the same result.
 */
export function associativeScan(
  f: (a: Tensor, b: Tensor) => Tensor,
  elems: TensorLike,
  reverse = false,
  axis = 0,
): Tensor {
  const t = asTensor(elems);
  const rows = unstack(t, null, axis);
  if (rows.length === 0) return t;
  const order = reverse ? [...rows.keys()].reverse() : [...rows.keys()];
  const outs = new Array<Tensor>(rows.length);
  let acc: Tensor | null = null;
  for (const i of order) {
    acc = acc === null ? rows[i]! : f(acc, rows[i]!);
    outs[i] = acc;
  }
  return stack(outs, normalizeAxis(axis, t.rank, "associativeScan"));
}

/** Frames of `sequenceLength` along the last axis, every `sequenceStride`: (…, frames, length). */
export function extractSequences(
  x: TensorLike,
  sequenceLength: number,
  sequenceStride: number,
): Tensor {
  const t = asTensor(x);
  if (t.rank === 0) throw new ShapeError("extractSequences: x must have at least one axis");
  for (const [name, v] of [
    ["sequenceLength", sequenceLength],
    ["sequenceStride", sequenceStride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(`extractSequences: ${name} must be a positive integer; received ${v}`);
  }
  const n = t.shape[t.rank - 1]!;
  const frames = n >= sequenceLength ? 1 + Math.floor((n - sequenceLength) / sequenceStride) : 0;
  const idx = Int32Array.from(
    { length: frames * sequenceLength },
    (_, k) => Math.floor(k / sequenceLength) * sequenceStride + (k % sequenceLength),
  );
  return take(t, tensor(idx, [frames, sequenceLength]), -1);
}

// ---------------------------------------------------------------- math

/**
 * True where the target's prediction is among the k largest of its row: fewer than k predictions
 * exceed it (ties at the edge count as in, as TF's in_top_k); a non-finite prediction is out.
 */
export function inTopK(targets: TensorLike, predictions: TensorLike, k: number): Tensor {
  const p = floatInput(predictions);
  const tg = intInput(targets, "inTopK", "targets");
  if (p.rank !== 2 || tg.rank !== 1 || tg.size !== p.shape[0]) {
    throw new ShapeError(
      `inTopK: predictions must be (batch, classes) and targets (batch); received ${fmtShape(p.shape)} and ${fmtShape(tg.shape)}`,
    );
  }
  const own = reshape(takeAlongAxis(p, reshape(castTo(tg, "int32"), [-1, 1]), 1), [-1]);
  const above = sum(castTo(greater(p, expandDims(own, -1)), "int32"), 1);
  return logicalAnd(less(above, k), isfinite(own));
}
const notNan = (t: Tensor): Tensor => equal(t, t);

/** Euclidean distances between the rows of x (…, m, d) and y (…, n, d): (…, m, n). */
export function cdist(x: TensorLike, y: TensorLike): Tensor {
  const a = floatInput(x);
  const b = floatInput(y);
  if (a.rank < 2 || b.rank < 2 || a.shape[a.rank - 1] !== b.shape[b.rank - 1]) {
    throw new ShapeError(
      `cdist: x and y must be (…, m, d) and (…, n, d); received ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return sqrt(sum(square(subtract(expandDims(a, -2), expandDims(b, -3))), -1));
}

/**
 * Counts of x's values in `bins` equal-width bins over `range` (default [min, max]), the last bin
 * closed: `[counts (int32), edges]`, as NumPy's histogram.
 */
export function histogram(
  x: TensorLike,
  bins = 10,
  range: [number, number] | null = null,
): [Tensor, Tensor] {
  const t = floatInput(x);
  if (!Number.isInteger(bins) || bins < 1)
    throw new ValueError(`histogram: bins must be a positive integer; received ${bins}`);
  const v = Array.from(t.dataSync(), Number);
  let [lo, hi] = range ?? [v.length ? Math.min(...v) : 0, v.length ? Math.max(...v) : 1];
  if (!(lo <= hi))
    throw new ValueError(
      `histogram: range must be [min, max] with min ≤ max; received [${lo}, ${hi}]`,
    );
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Int32Array(bins);
  for (const e of v) {
    if (!(e >= lo && e <= hi)) continue;
    let b = Math.floor(((e - lo) / (hi - lo)) * bins);
    if (b === bins) b--;
    // The computed edges decide, as NumPy corrects the division's rounding.
    if (b > 0 && e < edges[b]!) b--;
    else if (b < bins - 1 && e >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  return [tensor(counts, [bins]), castTo(tensor(edges, [bins + 1]), t.dtype)];
}

/**
 * Indices that partition x along `axis` around its `kth` smallest entry (those before it are no
 * larger, those after no smaller). A full stable argsort is returned: one valid partition
 * (NumPy's introselect may order the two sides differently).
 */
export function argpartition(x: TensorLike, kth: number, axis = -1): Tensor {
  const t = asTensor(x);
  if (t.rank === 0) throw new ShapeError("argpartition: x must have at least one axis");
  const a = normalizeAxis(axis, t.rank, "argpartition");
  const n = t.shape[a]!;
  const k = kth < 0 ? kth + n : kth;
  if (!Number.isInteger(kth) || k < 0 || k >= n)
    throw new ValueError(`argpartition: kth ${kth} is out of range for an axis of size ${n}`);
  return argsort(t, a);
}

// ---------------------------------------------------------------- special functions

const SQRT_PI_2 = Math.sqrt(Math.PI) / 2;
/** A starting point for erfinv (Giles, 2010, single precision), refined by Newton steps on erf. */
function erfinvStart(x: number): number {
  if (!(x > -1 && x < 1)) return x === 1 ? Infinity : x === -1 ? -Infinity : NaN;
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ])
      p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
      1.00167406, 2.83297682,
    ])
      p = c + p * w;
  }
  return p * x;
}
/** Inverse error function (±Inf at ±1, NaN outside); d = √π/2 · e^(erfinv(x)²). */
export function erfinv(x: TensorLike): Tensor {
  const t = floatInput(x);
  const y = noGrad(() => {
    let y0 = hostMap(t, erfinvStart);
    const finite = logicalAnd(less(abs(t), 1), notNan(t));
    for (let i = 0; i < 2; i++) {
      const safe = where(finite, y0, 0);
      const step = divide(
        subtract(erf(safe), t),
        multiply(exp(negative(square(safe))), 2 / Math.sqrt(Math.PI)),
      );
      y0 = where(finite, subtract(safe, step), y0);
    }
    return y0;
  });
  return record(y, [t], (dy) => [multiply(dy, multiply(exp(square(y)), SQRT_PI_2))]);
}

/** Modified Bessel function of the first kind of order ν (0 or 1), float64 (series, or asymptotic for |x| > 30). */
function besselI(nu: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax === Infinity) return nu === 0 ? Infinity : x;
  let r: number;
  if (ax <= 30) {
    const q = (ax * ax) / 4;
    let term = nu === 0 ? 1 : ax / 2;
    let s = term;
    for (let k = 1; k < 500; k++) {
      term *= q / (k * (k + nu));
      s += term;
      if (term < 1e-17 * s) break;
    }
    r = s;
  } else {
    let term = 1;
    let s = 1;
    for (let k = 1; k < 30; k++) {
      term *= -(4 * nu * nu - (2 * k - 1) ** 2) / (k * 8 * ax);
      s += term;
      if (Math.abs(term) < 1e-17 * Math.abs(s)) break;
    }
    r = (Math.exp(ax) / Math.sqrt(2 * Math.PI * ax)) * s;
  }
  return nu === 1 && x < 0 ? -r : r;
}
/** Modified Bessel function of the first kind, order 0; d = I₁(x). */
export function i0(x: TensorLike): Tensor {
  const t = floatInput(x);
  const y = noGrad(() => hostMap(t, (v) => besselI(0, v)));
  return record(y, [t], (dy) => [
    multiply(
      dy,
      noGrad(() => hostMap(t, (v) => besselI(1, v))),
    ),
  ]);
}

// ---------------------------------------------------------------- erfc, gammainc, view

/** erfc for x ≥ 2 by its continued fraction (float64; 1 − erf would lose the digits there). */
function erfcTail(x: number): number {
  let k = 0;
  for (let n = 60; n >= 1; n--) k = n / 2 / (x + k);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + k);
}
/** Complementary error function 1 − erf(x), accurate in the tails; d = −2/√π e^(−x²). */
export function erfc(x: TensorLike): Tensor {
  const t = floatInput(x);
  const y = noGrad(() => {
    const near = subtract(1, erf(t));
    const tail = hostMap(t, (v) => (v >= 2 ? erfcTail(v) : v <= -2 ? 2 - erfcTail(-v) : v));
    return where(less(abs(t), 2), near, tail);
  });
  return record(y, [t], (dy) => [
    multiply(dy, multiply(exp(negative(square(t))), -2 / Math.sqrt(Math.PI))),
  ]);
}

/** log Γ(a) for a > 0 (Lanczos, g = 7). */
function lgamma(a: number): number {
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - lgamma(1 - a);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = a - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
/** The regularized lower incomplete gamma P(a, x): its series below a + 1, its continued fraction above. */
function gammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const logPrefix = a * Math.log(x) - x - lgamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let s = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      s += term;
      if (Math.abs(term) < Math.abs(s) * 1e-17) break;
    }
    return s * Math.exp(logPrefix);
  }
  // Q(a, x) by Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}
/**
 * The regularized lower incomplete gamma function P(x1, x2) (x1 the shape a > 0, x2 ≥ 0); NaN
 * outside its domain. Differentiable in x2 (d = x2^(a−1) e^(−x2) / Γ(a)), as JAX.
 */
export function gammainc(x1: TensorLike, x2: TensorLike): Tensor {
  const [a0, b0] = floatPair(x1, x2);
  const shape = broadcastShapes(a0.shape, b0.shape, "gammainc");
  const a = broadcastTo(a0, shape);
  const xs = broadcastTo(b0, shape);
  const av = a.dataSync();
  const xv = xs.dataSync();
  const out = Float64Array.from(av, (v, i) => gammaP(Number(v), Number(xv[i])));
  const y = castTo(tensor(out, shape), a.dtype);
  return record(y, [b0], (dy) => {
    const dens = Float64Array.from(av, (v, i) => {
      const s = Number(v);
      const x = Number(xv[i]);
      return x > 0 && s > 0 ? Math.exp((s - 1) * Math.log(x) - x - lgamma(s)) : 0;
    });
    return [multiply(dy, castTo(tensor(dens, shape), a.dtype))];
  });
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4, uint8: 1, bool: 1 };
/**
 * x's bytes read as another dtype (NumPy's view): same-width dtypes keep the shape; otherwise the
 * last axis is rescaled by the width ratio (its byte count must divide). int64 is stored as int32
 * here, so it cannot be viewed.
 */
export function view(x: TensorLike, dtype_: DTypeName | null = null): Tensor {
  const t = asTensor(x);
  if (dtype_ === null || dtype_ === t.dtype) return t;
  const from = BYTES[t.dtype];
  const to = BYTES[dtype_];
  if (!from || !to)
    throw new DTypeError(
      `view: cannot view ${t.dtype} as ${dtype_} (int64 and strings have no byte view here)`,
    );
  const shape = [...t.shape];
  if (from !== to) {
    const last = shape.length ? shape[shape.length - 1]! * from : from;
    if (shape.length === 0 || last % to !== 0) {
      throw new ValueError(
        `view: the last axis of ${fmtShape(t.shape)} (${last} bytes) cannot be viewed as ${dtype_}`,
      );
    }
    shape[shape.length - 1] = last / to;
  }
  const src = t.dataSync();
  const bytes = new Uint8Array(src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength));
  const make: Record<string, () => ArrayLike<number>> = {
    float32: () => new Float32Array(bytes.buffer),
    float64: () => new Float64Array(bytes.buffer),
    int32: () => new Int32Array(bytes.buffer),
    uint8: () => bytes,
    bool: () => Uint8Array.from(bytes, (b) => (b ? 1 : 0)),
  };
  return tensor(make[dtype_]!() as never, shape, dtype_);
}
