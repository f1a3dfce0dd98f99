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
 *    vectors), applied to every image with float64 matmuls: C = Pᵣ X Pᶜᵀ.
 * 2. Evaluation: each output pixel samples the spline at its input coordinate (u_r, u_c):
 *    Σ c[i][j] βₒ(u_r − i) βₒ(u_c − j) over the (o + 1)² nearest knots. The coordinate is first
 *    mapped into the image as the fill mode says (resample.ts's `mapCoordinate`; "constant" gives
 *    cval outside [0, n − 1]; "nearest" uses the padded grid and does not map it), and knots
 *    beyond the coefficient grid are mapped back by the prefilter's extension, except for
 *    "nearest", which clamps them to the padded grid. The taps are gathered on the backend (take,
 *    multiply, sum), in chunks of images so the gathered rows stay bounded.
 *
 * βₒ is the centred B-spline of degree o, βₒ(x) = (1/o!) Σₖ₌₀^{o+1} (−1)ᵏ C(o+1, k) (x + (o+1)/2 − k)₊ᵒ.
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
/** Gathered tap rows per chunk of images. */
const CHUNK_ROWS = 1 << 22;
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

const FACTORIAL = [1, 1, 2, 6, 24, 120];
const BINOMIAL = [
  [1],
  [1, 1],
  [1, 2, 1],
  [1, 3, 3, 1],
  [1, 4, 6, 4, 1],
  [1, 5, 10, 10, 5, 1],
  [1, 6, 15, 20, 15, 6, 1],
];

/** The centred B-spline of degree `order` at x (zero for |x| ≥ (order + 1) / 2). */
export function bspline(x: number, order: number): number {
  const half = (order + 1) / 2;
  if (Math.abs(x) >= half) return 0;
  let acc = 0;
  for (let k = 0; k <= order + 1; k++) {
    const t = x + half - k;
    if (t <= 0) break;
    acc += (k % 2 === 0 ? 1 : -1) * BINOMIAL[order + 1]![k]! * t ** order;
  }
  return acc / FACTORIAL[order]!;
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

/** Per axis: the first knot, its o + 1 knots (mapped) and weights; null for cval. */
interface AxisTaps {
  knots: Int32Array;
  weights: Float64Array;
}

function axisTaps(
  u: number,
  n: number,
  mode: FillMode,
  order: SplineOrder,
  out: AxisTaps,
): boolean {
  let cc: number;
  let size = n;
  let ext: Extension | "clamp";
  if (mode === "nearest") {
    cc = u + NEAREST_PAD;
    size = n + 2 * NEAREST_PAD;
    ext = "clamp";
  } else if (mode === "constant") {
    if (u < -EDGE_SLACK || u > n - 1 + EDGE_SLACK) return false;
    cc = Math.min(Math.max(u, 0), n - 1);
    ext = "mirror";
  } else {
    cc = mapCoordinate(u, n, mode)!;
    ext = mode === "reflect" ? "reflect" : "mirror";
  }
  const start = (order % 2 === 1 ? Math.floor(cc) : Math.floor(cc + 0.5)) - (order >> 1);
  for (let l = 0; l <= order; l++) {
    out.knots[l] = mapKnot(start + l, size, ext);
    out.weights[l] = bspline(cc - (start + l), order);
  }
  return true;
}

/**
 * Resamples a channels-last batch [N, rows, cols, C] with one sampling map per image by the
 * B-spline of `order`, scipy's way for each fill mode (see the file comment). Float32 out.
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
  const pr = prefilterMatrix(rows, order, mode);
  const pc = prefilterMatrix(cols, order, mode);
  const pad = mode === "nearest" ? NEAREST_PAD : 0;
  const gr = rows + 2 * pad;
  const gc = cols + 2 * pad;
  // C = Pᵣ X Pᶜᵀ per image and channel, in float64.
  let t = reshape(transpose(cast(x, "float64"), [0, 3, 1, 2]), [n * ch, rows, cols]);
  t = matmul(tensor(pr, [gr, rows]), t);
  t = matmul(t, transpose(tensor(pc, [gc, cols]), [1, 0]));
  const coefficients = reshape(transpose(reshape(t, [n, ch, gr, gc]), [0, 2, 3, 1]), [
    n * gr * gc,
    ch,
  ]);

  const taps = (order + 1) ** 2;
  const pixels = rows * cols;
  const perChunk = Math.max(1, Math.floor(CHUNK_ROWS / (pixels * taps)));
  const tr: AxisTaps = { knots: new Int32Array(order + 1), weights: new Float64Array(order + 1) };
  const tc: AxisTaps = { knots: new Int32Array(order + 1), weights: new Float64Array(order + 1) };
  const outputs: Tensor[] = [];
  for (let b0 = 0; b0 < n; b0 += perChunk) {
    const b1 = Math.min(n, b0 + perChunk);
    const total = (b1 - b0) * pixels;
    const index = new Int32Array(total * taps);
    const weight = new Float64Array(total * taps);
    const fill = new Float64Array(total);
    let anyOutside = false;
    let p = 0;
    for (let b = b0; b < b1; b++) {
      const m = maps[b]!;
      const base = b * gr * gc;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++, p++) {
          const inside =
            axisTaps(m.rr * r + m.rc * c + m.r0, rows, mode, order, tr) &&
            axisTaps(m.cr * r + m.cc * c + m.c0, cols, mode, order, tc);
          let w = p * taps;
          if (!inside) {
            fill[p] = cval;
            anyOutside = true;
            for (let k = 0; k < taps; k++, w++) index[w] = base;
            continue;
          }
          for (let i = 0; i <= order; i++) {
            const row = base + tr.knots[i]! * gc;
            const wr = tr.weights[i]!;
            for (let j = 0; j <= order; j++, w++) {
              index[w] = row + tc.knots[j]!;
              weight[w] = wr * tc.weights[j]!;
            }
          }
        }
      }
    }
    const gathered = reshape(take(coefficients, tensor(index), 0), [total, taps, ch]);
    let out = sum(multiply(gathered, tensor(weight, [total, taps, 1])), 1);
    if (anyOutside && cval !== 0) out = add(out, tensor(fill, [total, 1]));
    outputs.push(cast(out, "float32"));
  }
  const flat = outputs.length === 1 ? outputs[0]! : concatenate(outputs, 0);
  return reshape(flat, [n, rows, cols, ch]);
}
