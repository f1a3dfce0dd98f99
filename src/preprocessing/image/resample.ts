/**
 * Per-image resampling as scipy.ndimage.affine_transform does it for Keras's legacy generator
 * (spline order 0 or 1, no prefilter; orders 2–5 are spline-resample.ts), built as host-side gather indices and weights from the
 * geometry alone and applied with ops (take, multiply, sum), so the pixel values stay on the backend.
 *
 * Boundary handling, per axis of length n, on the sampled coordinate u (scipy's map_coordinate):
 * - "nearest": u clamped to [0, n − 1];
 * - "reflect": half-sample symmetric (d c b a | a b c d | d c b a), period 2n;
 * - "wrap": scipy's wrap, whose period is n − 1 (the first and last samples overlap), applied only
 *   when u leaves [0, n − 1];
 * - "constant": a pixel whose u leaves [0, n − 1] on either axis is `cval`, with no blending at the
 *   edge. We allow 1e-6 px of slack so that rounding in cos/sin (a 90° turn) does not turn edge
 *   pixels into cval, where scipy's test is strict.
 * Then order 1 blends the taps ⌊u⌋ and ⌊u⌋ + 1 (indices clamped into the image), order 0 takes
 * ⌊u + 0.5⌋.
 *
 * `ops.image.affineTransform` (keras.ops.image.affine_transform) follows JAX's map_coordinates
 * instead, which extends the image at its integer samples. For order 1 with "nearest" or "reflect"
 * that is the same image (both repeat the edge sample, both mirror about the half-sample; the tests
 * hold the two together with the map as the op's transform row [cc, cr, c0, rc, rr, r0, 0, 0]). The
 * others differ: the op's "constant" blends the fill value into edge pixels (scipy's
 * "grid-constant"), its "wrap" has period n (scipy's "grid-wrap"), and it rounds order-0 samples
 * half away from zero. So every mode is planned here, in one path, which also gathers a quarter of
 * the rows the op does (one 2 × 2 block per pixel instead of one row per tap).
 */
import { ValueError } from "../../errors.js";
import { add, multiply } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { concatenate, pad, slice } from "../../ops/join.js";
import { reshape } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { SamplingMap } from "./affine-matrix.js";

export type FillMode = "nearest" | "constant" | "reflect" | "wrap";

const EDGE_SLACK = 1e-6;

/** scipy's boundary mapping of one coordinate; null when "constant" puts it outside. */
export function mapCoordinate(u: number, n: number, mode: FillMode): number | null {
  switch (mode) {
    case "nearest":
      return Math.min(Math.max(u, 0), n - 1);
    case "constant":
      if (u < -EDGE_SLACK || u > n - 1 + EDGE_SLACK) return null;
      return Math.min(Math.max(u, 0), n - 1);
    case "wrap": {
      if (n === 1) return 0;
      const p = n - 1;
      if (u < 0) return u + p * (Math.trunc(-u / p) + 1);
      if (u > n - 1) return u - p * Math.trunc(u / p);
      return u;
    }
    case "reflect": {
      if (n === 1) return 0;
      const p = 2 * n;
      if (u < 0) {
        if (u < -p) u = p * Math.trunc(-u / p) + u;
        return u < -n ? u + p : -u - 1;
      }
      if (u > n - 1) {
        u -= p * Math.trunc(u / p);
        if (u >= n) u = p - u - 1;
      }
      return u;
    }
  }
}

const clampIndex = (i: number, n: number): number => Math.min(Math.max(i, 0), n - 1);

/**
 * Resamples a channels-last batch [N, rows, cols, C] (float) with one sampling map per image, with
 * scipy's boundary rules for every mode. Pixels that "constant" leaves outside become `cval`.
 *
 * Order 1 gathers one row per output pixel from a neighbourhood tensor [N, rows + 1, cols + 1, 4C]
 * holding each pixel's 2 × 2 block of the edge-padded image (padded row k is row clamp(k − 1)), so
 * the taps ⌊u⌋ and ⌊u⌋ + 1, clamped into the image, come in one read: four times fewer gathered rows
 * than one per tap, which is what the time goes to.
 */
export function resampleBatch(
  x: Tensor,
  maps: readonly SamplingMap[],
  mode: FillMode,
  cval: number,
  order: 0 | 1,
): Tensor {
  const [n, rows, cols, ch] = x.shape as [number, number, number, number];
  if (maps.length !== n) {
    throw new ValueError(`resample: ${n} images but ${maps.length} transforms`);
  }
  const taps = order === 1 ? 4 : 1;
  const pixels = rows * cols;
  const total = n * pixels;
  const index = new Int32Array(total);
  const weight = new Float32Array(total * taps);
  const fill = new Float32Array(total);
  let anyOutside = false;
  // Rows and columns of the neighbourhood tensor (order 1) or of the image (order 0).
  const nr = order === 1 ? rows + 1 : rows;
  const nc = order === 1 ? cols + 1 : cols;
  let p = 0;
  for (let b = 0; b < n; b++) {
    const m = maps[b]!;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++, p++) {
        const ur = mapCoordinate(m.rr * r + m.rc * c + m.r0, rows, mode);
        const uc = mapCoordinate(m.cr * r + m.cc * c + m.c0, cols, mode);
        if (ur === null || uc === null) {
          // Weights stay 0 (index 0 is a valid row); the pixel is the fill value.
          fill[p] = cval;
          anyOutside = true;
          continue;
        }
        if (order === 0) {
          const i = clampIndex(Math.floor(ur + 0.5), rows);
          const j = clampIndex(Math.floor(uc + 0.5), cols);
          index[p] = (b * nr + i) * nc + j;
          weight[p] = 1;
          continue;
        }
        // ⌊u⌋ in [−1, n − 1] covers every case: beyond it both taps are the same edge pixel.
        const i = Math.min(Math.max(Math.floor(ur), -1), rows - 1);
        const j = Math.min(Math.max(Math.floor(uc), -1), cols - 1);
        const fr = ur - i;
        const fc = uc - j;
        index[p] = (b * nr + i + 1) * nc + j + 1;
        const w = p * 4;
        weight[w] = (1 - fr) * (1 - fc);
        weight[w + 1] = (1 - fr) * fc;
        weight[w + 2] = fr * (1 - fc);
        weight[w + 3] = fr * fc;
      }
    }
  }
  let source = x;
  if (order === 1) {
    const padded = pad(
      x,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      "edge",
    );
    const block = (dr: number, dc: number): Tensor =>
      slice(padded, [0, dr, dc, 0], [n, rows + 1, cols + 1, ch]);
    source = concatenate([block(0, 0), block(0, 1), block(1, 0), block(1, 1)], 3);
  }
  const flat = reshape(source, [n * nr * nc, taps * ch]);
  const gathered = reshape(take(flat, tensor(index), 0), [total, taps, ch]);
  let out = sum(multiply(gathered, tensor(weight, [total, taps, 1])), 1);
  if (anyOutside && cval !== 0) out = add(out, tensor(fill, [total, 1]));
  return reshape(out, [n, rows, cols, ch]);
}
