/**
 * Per-image resampling as scipy.ndimage.affine_transform does it for Keras's legacy generator
 * (spline order 0 or 1, no prefilter), built as host-side gather indices and weights from the
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
 * that is the same image (both repeat the edge sample, both mirror about the half-sample), so those
 * cases, the generator's defaults, go through the op with the map as its transform row
 * [cc, cr, c0, rc, rr, r0, 0, 0]. The others differ: the op's "constant" blends the fill value into
 * edge pixels (scipy's "grid-constant"), its "wrap" has period n (scipy's "grid-wrap"), and it
 * rounds order-0 samples half away from zero; those are planned here.
 */
import { ValueError } from "../../errors.js";
import { add, multiply } from "../../ops/elementwise.js";
import { affineTransform } from "../../ops/image/affine-transform.js";
import { take } from "../../ops/gather.js";
import { reshape } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { SamplingMap } from "./affine-matrix.js";

export type FillMode = "nearest" | "constant" | "reflect" | "wrap";

const EDGE_SLACK = 1e-6;

/** scipy's boundary mapping of one coordinate; null when "constant" puts it outside. */
function mapCoordinate(u: number, n: number, mode: FillMode): number | null {
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
 * Resamples a channels-last float batch [N, rows, cols, C] as scipy does, one sampling map per
 * image: through `ops.image.affineTransform` where its semantics are scipy's, planned here otherwise.
 */
export function resampleLikeScipy(
  x: Tensor,
  maps: readonly SamplingMap[],
  mode: FillMode,
  cval: number,
  order: 0 | 1,
): Tensor {
  if (order === 1 && (mode === "nearest" || mode === "reflect")) {
    const rows = maps.map((m) => [m.cc, m.cr, m.c0, m.rc, m.rr, m.r0, 0, 0]);
    return affineTransform(x, rows, { fillMode: mode, interpolation: "bilinear" });
  }
  return resampleBatch(x, maps, mode, cval, order);
}

/**
 * Resamples a channels-last batch [N, rows, cols, C] (float) with one sampling map per image, with
 * scipy's boundary rules for every mode. Pixels that "constant" leaves outside become `cval`.
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
  const index = new Int32Array(n * pixels * taps);
  const weight = new Float32Array(n * pixels * taps);
  const outside = new Float32Array(n * pixels);
  let anyOutside = false;
  const rowTaps = [0, 0];
  const rowW = [0, 0];
  const colTaps = [0, 0];
  const colW = [0, 0];
  const tapsOf = (u: number, len: number, at: number[], w: number[]): void => {
    if (order === 0) {
      at[0] = clampIndex(Math.floor(u + 0.5), len);
      w[0] = 1;
      return;
    }
    const i = Math.floor(u);
    const f = u - i;
    at[0] = clampIndex(i, len);
    at[1] = clampIndex(i + 1, len);
    w[0] = 1 - f;
    w[1] = f;
  };
  const per = order === 1 ? 2 : 1;
  for (let b = 0; b < n; b++) {
    const m = maps[b]!;
    const base = b * pixels;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const p = base + r * cols + c;
        const ur = mapCoordinate(m.rr * r + m.rc * c + m.r0, rows, mode);
        const uc = mapCoordinate(m.cr * r + m.cc * c + m.c0, cols, mode);
        let k = p * taps;
        if (ur === null || uc === null) {
          // Weights stay 0 (index 0 is a valid row); the fill comes from `outside`.
          outside[p] = 1;
          anyOutside = true;
          continue;
        }
        tapsOf(ur, rows, rowTaps, rowW);
        tapsOf(uc, cols, colTaps, colW);
        for (let i = 0; i < per; i++) {
          for (let j = 0; j < per; j++) {
            index[k] = base + rowTaps[i]! * cols + colTaps[j]!;
            weight[k++] = rowW[i]! * colW[j]!;
          }
        }
      }
    }
  }
  const flat = reshape(x, [n * pixels, ch]);
  const gathered = reshape(take(flat, tensor(index), 0), [n * pixels, taps, ch]);
  let out = sum(multiply(gathered, tensor(weight, [n * pixels, taps, 1])), 1);
  if (anyOutside && cval !== 0) {
    out = add(
      out,
      tensor(
        outside.map((v) => v * cval),
        [n * pixels, 1],
      ),
    );
  }
  return reshape(out, [n, rows, cols, ch]);
}
