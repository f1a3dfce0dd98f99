/**
 * Resampling with B-splines of order 2 to 5, as scipy.ndimage.affine_transform does it for
 * Keras's legacy generator (`interpolationOrder` 2–5, prefilter on). Two linear steps:
 *
 * 1. Prefilter: the image is replaced by its B-spline coefficients c, the solution of
 *    Σₖ c[k] βₒ(i − k) = x[i] with c extended beyond the image by a symmetric rule, one axis at a
 *    time (Unser, Aldroubi & Eden 1991: a gain, then per pole z a causal and an anticausal
 *    first-order recursion, whose first values sum the extended signal in closed form). The
 *    extension scipy uses per fill mode: "constant" and "wrap" the whole-sample mirror
 *    (d c b | a b c d | c b a), "reflect" the half-sample one (b a | a b c d | d c); "nearest"
 *    first pads 12 edge samples on each side and filters that with the half-sample rule. Being
 *    linear, each axis's filter is a host-built n′ × n matrix (its columns are the filtered unit
 *    vectors), applied to every image with float64 matmuls: C = Pᵣ X Pᶜᵀ. The half-sample first
 *    value is scipy ≥ 1.18's; scipy ≤ 1.17 reused a running sum there (scipy#24615), which moves
 *    "reflect" outputs by up to ~1e-4 on images a few pixels wide.
 * 2. Evaluation: each output pixel samples the spline at its input coordinate (u_r, u_c):
 *    Σ c[i][j] βₒ(u_r − i) βₒ(u_c − j) over the (o + 1)² nearest knots. The coordinate is first
 *    mapped into the image as the fill mode says (resample.ts's `mapCoordinate`; "constant" gives
 *    cval outside [0, n − 1]; "nearest" uses the padded grid and does not map it), and knots
 *    beyond the coefficient grid are mapped back by the prefilter's extension, except for
 *    "nearest", which clamps them to the padded grid. The taps are gathered on the backend (take,
 *    multiply, sum, in float32), in chunks of images so the gathered rows stay bounded. βₒ is
 *    the centred B-spline of degree o; its o + 1 nonzero values come from the Cox–de Boor
 *    recursion.
 */
import { ValueError } from "../../errors.js";
import { add, cast, multiply } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { concatenate } from "../../ops/join.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, transpose } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { SamplingMap } from "./affine-matrix.js";
import { type FillMode, mapCoordinate } from "./resample.js";

export type SplineOrder = 2 | 3 | 4 | 5;

/** Whole-sample ("mirror") or half-sample ("reflect") symmetric extension of a line. */
type Extension = "mirror" | "reflect";

/** Edge samples scipy pads on each side before filtering for "nearest". */
const NEAREST_PAD = 12;
/** Gathered rows (o + 1 per pixel) per chunk of images. */
const CHUNK_ROWS = 1 << 22;
/** As resample.ts: "constant" lets a coordinate stray 1e-6 px past an edge (cos/sin rounding). */
const EDGE_SLACK = 1e-6;

/** The poles of the B-spline interpolation filter of each order (roots of its denominator, |z| < 1). */
function polesOf(order: SplineOrder): number[] {
  switch (order) {
    case 2:
      return [Math.sqrt(8) - 3];
    case 3:
      return [Math.sqrt(3) - 2];
    case 4:
      return [
        Math.sqrt(664 - Math.sqrt(438976)) + Math.sqrt(304) - 19,
        Math.sqrt(664 + Math.sqrt(438976)) - Math.sqrt(304) - 19,
      ];
    case 5:
      return [
        Math.sqrt(67.5 - Math.sqrt(4436.25)) + Math.sqrt(26.25) - 6.5,
        Math.sqrt(67.5 + Math.sqrt(4436.25)) - Math.sqrt(26.25) - 6.5,
      ];
  }
}

/** The sample at index −k (k ≥ 0) of a line of length n under the extension. */
function backward(c: Float64Array, k: number, ext: Extension): number {
  const n = c.length;
  if (ext === "mirror") return k <= n - 1 ? c[k]! : c[2 * n - 2 - k]!;
  if (k === 0) return c[0]!;
  return k <= n ? c[k - 1]! : c[2 * n - k]!;
}

/** The B-spline coefficients of the line `c`, in place (scipy leaves a line of one sample as is). */
export function prefilterLine(c: Float64Array, order: SplineOrder, ext: Extension): void {
  const n = c.length;
  if (n < 2) return;
  const poles = polesOf(order);
  let gain = 1;
  for (const z of poles) gain *= (1 - z) * (1 - 1 / z);
  for (let i = 0; i < n; i++) c[i] = c[i]! * gain;
  const period = ext === "mirror" ? 2 * n - 2 : 2 * n;
  for (const z of poles) {
    // c⁺[0] = Σ_{k ≥ 0} zᵏ c[−k] over the periodic extension: one period, over 1 − z^period.
    let acc = 0;
    let zk = 1;
    for (let k = 0; k < period; k++) {
      acc += zk * backward(c, k, ext);
      zk *= z;
    }
    c[0] = acc / (1 - zk);
    for (let i = 1; i < n; i++) c[i] = c[i]! + z * c[i - 1]!;
    // c⁻[n − 1] from the symmetry of the coefficients about the last sample (mirror: c[n] =
    // c[n − 2]; reflect: c[n] = c[n − 1]).
    c[n - 1] =
      ext === "mirror"
        ? (z / (z * z - 1)) * (c[n - 1]! + z * c[n - 2]!)
        : (z / (z - 1)) * c[n - 1]!;
    for (let i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1]! - c[i]!);
  }
}

const prefilterCache = new Map<string, Float64Array>();

/**
 * The prefilter of one axis of length n for a fill mode as a matrix [n′, n] (n′ = n + 24 for
 * "nearest", whose edge padding it includes), row-major.
 */
export function prefilterMatrix(n: number, order: SplineOrder, mode: FillMode): Float64Array {
  const key = `${n}/${order}/${mode}`;
  const cached = prefilterCache.get(key);
  if (cached) return cached;
  const pad = mode === "nearest" ? NEAREST_PAD : 0;
  const ext: Extension = mode === "nearest" || mode === "reflect" ? "reflect" : "mirror";
  const rows = n + 2 * pad;
  const m = new Float64Array(rows * n);
  const line = new Float64Array(rows);
  for (let j = 0; j < n; j++) {
    // The padded unit vector of sample j: the edge padding copies the first and last samples.
    line.fill(0);
    for (let i = 0; i < rows; i++) {
      if (Math.min(Math.max(i - pad, 0), n - 1) === j) line[i] = 1;
    }
    prefilterLine(line, order, ext);
    for (let i = 0; i < rows; i++) m[i * n + j] = line[i]!;
  }
  if (prefilterCache.size > 64) prefilterCache.clear();
  prefilterCache.set(key, m);
  return m;
}

/** A knot index outside [0, n) mapped back by the extension (scipy's map_coordinate on integers). */
function mapKnot(i: number, n: number, ext: Extension | "clamp"): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (ext === "clamp") return i < 0 ? 0 : n - 1;
  const period = ext === "mirror" ? 2 * n - 2 : 2 * n;
  let k = ((i % period) + period) % period;
  if (k >= n) k = ext === "mirror" ? period - k : period - k - 1;
  return k;
}

/**
 * The o + 1 weights βₒ(cc − (start + l)) from the fraction f of the first knot: with Nₒ the
 * cardinal B-spline on [0, o + 1], they are Nₒ(f + o − l), built up degree by degree with
 * N_d(x) = (x N_{d−1}(x) + (d + 1 − x) N_{d−1}(x − 1)) / d at x = f, f + 1, …, f + d.
 */
function splineWeights(f: number, order: number, out: Float64Array): void {
  // b[j] = N_d(f + j), j = 0 … d.
  out[0] = 1;
  for (let d = 1; d <= order; d++) {
    out[d] = ((1 - f) * out[d - 1]!) / d; // j = d: only N_{d−1}(f + d − 1) is in its support
    for (let j = d - 1; j >= 1; j--) {
      out[j] = ((f + j) * out[j]! + (d + 1 - f - j) * out[j - 1]!) / d;
    }
    out[0] = (f * out[0]!) / d;
  }
  // Tap l has weight N(f + o − l): reverse in place.
  for (let i = 0, j = order; i < j; i++, j--) {
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
}

/** The spline coordinate cc on the coefficient grid, or null where "constant" gives cval. */
function splineCoordinate(u: number, n: number, mode: FillMode): number | null {
  if (mode === "nearest") return u + NEAREST_PAD;
  if (mode === "constant") {
    if (u < -EDGE_SLACK || u > n - 1 + EDGE_SLACK) return null;
    return Math.min(Math.max(u, 0), n - 1);
  }
  return mapCoordinate(u, n, mode)!;
}

/** The first knot of the o + 1 that a coordinate reads (scipy: ⌊cc⌋ or ⌊cc + ½⌋, centred). */
const firstKnot = (cc: number, order: number): number =>
  (order % 2 === 1 ? Math.floor(cc) : Math.floor(cc + 0.5)) - (order >> 1);

/**
 * Resamples a channels-last batch [N, rows, cols, C] with one sampling map per image by the
 * B-spline of `order`, scipy's way for each fill mode (see the file comment). Float32 out.
 *
 * The (o + 1)² taps of a pixel are o + 1 rows of o + 1 consecutive columns, so the coefficients are
 * first laid out per (row, first column) with their o + 1 columns side by side (the column
 * extension applied there), and each pixel gathers o + 1 rows of that.
 */
export function splineResampleBatch(
  x: Tensor,
  maps: readonly SamplingMap[],
  mode: FillMode,
  cval: number,
  order: SplineOrder,
): Tensor {
  const [n, rows, cols, ch] = x.shape as [number, number, number, number];
  if (maps.length !== n) {
    throw new ValueError(`resample: ${n} images but ${maps.length} transforms`);
  }
  const pad = mode === "nearest" ? NEAREST_PAD : 0;
  const gr = rows + 2 * pad;
  const gc = cols + 2 * pad;
  const ext: Extension | "clamp" =
    mode === "nearest" ? "clamp" : mode === "reflect" ? "reflect" : "mirror";
  const k = order + 1;
  // C = Pᵣ X Pᶜᵀ per image and channel, in float64, then float32 for the taps.
  let t = reshape(transpose(cast(x, "float64"), [0, 3, 1, 2]), [n * ch, rows, cols]);
  t = matmul(tensor(prefilterMatrix(rows, order, mode), [gr, rows]), t);
  t = matmul(t, transpose(tensor(prefilterMatrix(cols, order, mode), [gc, cols]), [1, 0]));
  const coefficients = cast(transpose(reshape(t, [n, ch, gr, gc]), [0, 2, 3, 1]), "float32");
  // First columns s in [lo, hi]; beyond them (only "nearest" gets there) the clamped knots repeat.
  const lo = -k;
  const hi = gc;
  const span = hi - lo + 1;
  const colKnots = new Int32Array(span * k);
  for (let s = lo; s <= hi; s++) {
    for (let l = 0; l < k; l++) colKnots[(s - lo) * k + l] = mapKnot(s + l, gc, ext);
  }
  // [N, gr, span, k·C]: the k columns from each first column, side by side.
  const rowsOfTaps = reshape(take(coefficients, tensor(colKnots), 2), [n * gr * span, k * ch]);

  const pixels = rows * cols;
  const perChunk = Math.max(1, Math.floor(CHUNK_ROWS / (pixels * k)));
  // The fraction of a coordinate past its first knot's centre: cc − start − ⌊o/2⌋ (+ ½ for even o).
  const shift = (order >> 1) - (order % 2 === 0 ? 0.5 : 0);
  const wr = new Float64Array(k);
  const wc = new Float64Array(k);
  const outputs: Tensor[] = [];
  for (let b0 = 0; b0 < n; b0 += perChunk) {
    const b1 = Math.min(n, b0 + perChunk);
    const total = (b1 - b0) * pixels;
    const index = new Int32Array(total * k);
    const weight = new Float32Array(total * k * k);
    const fill = new Float32Array(total);
    let anyOutside = false;
    let p = 0;
    for (let b = b0; b < b1; b++) {
      const m = maps[b]!;
      const base = b * gr;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++, p++) {
          const ur = splineCoordinate(m.rr * r + m.rc * c + m.r0, rows, mode);
          const uc = splineCoordinate(m.cr * r + m.cc * c + m.c0, cols, mode);
          if (ur === null || uc === null) {
            // Weights stay 0 (index 0 is a valid row); the pixel is the fill value.
            fill[p] = cval;
            anyOutside = true;
            continue;
          }
          const sr = firstKnot(ur, order);
          const sc = firstKnot(uc, order);
          splineWeights(ur - sr - shift, order, wr);
          splineWeights(uc - sc - shift, order, wc);
          const column = Math.min(Math.max(sc, lo), hi) - lo;
          for (let i = 0; i < k; i++) {
            index[p * k + i] = (base + mapKnot(sr + i, gr, ext)) * span + column;
            const w = (p * k + i) * k;
            for (let j = 0; j < k; j++) weight[w + j] = wr[i]! * wc[j]!;
          }
        }
      }
    }
    const gathered = reshape(take(rowsOfTaps, tensor(index), 0), [total, k * k, ch]);
    let out = sum(multiply(gathered, tensor(weight, [total, k * k, 1])), 1);
    if (anyOutside && cval !== 0) out = add(out, tensor(fill, [total, 1]));
    outputs.push(out);
  }
  const flat = outputs.length === 1 ? outputs[0]! : concatenate(outputs, 0);
  return reshape(flat, [n, rows, cols, ch]);
}
