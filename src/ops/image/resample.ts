/**
 * Resampling a channels-last batch at per-pixel sample points: the shared core of
 * `affineTransform` and `elasticTransform`. The points and their taps are planned on the host
 * (sample-points.ts); the pixels are gathered from the flattened batch with one `take` and
 * weighted with tensor ops, so the result is differentiable in the images. Integer images are
 * resampled in float32 and rounded half away from zero (as JAX's `map_coordinates`).
 */
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { abs, add, cast, floor, multiply, sign } from "../elementwise.js";
import { take } from "../gather.js";
import { reshape } from "../movement.js";
import { sum } from "../reduce.js";
import { type FillMode, type SampleInterpolation, axisTaps, fixIndex } from "./sample-points.js";

/** The input point (y, x) sampled for output pixel (x, y) of image b. */
export type SamplePoint = (b: number, y: number, x: number) => readonly [number, number];

interface Plan {
  /** flat pixel index per tap, tap-major: [taps, B·H·W] */
  index: Int32Array;
  /** weight per tap (0 where the tap reads the fill value) */
  weight: Float64Array;
  /** Σ of the weights that read the fill value, per output pixel */
  fillWeight: Float64Array;
  taps: number;
}

function planSamples(
  at: SamplePoint,
  [B, H, W]: readonly [number, number, number],
  interpolation: SampleInterpolation,
  mode: FillMode,
): Plan {
  const taps = interpolation === "nearest" ? 1 : 4;
  const n = B * H * W;
  const index = new Int32Array(taps * n);
  const weight = new Float64Array(taps * n);
  const fillWeight = new Float64Array(n);
  // one tap: its index along each axis and weight, written without allocating per pixel
  const put = (p: number, t: number, b: number, iy: number, ix: number, w: number): void => {
    const fy = fixIndex(iy, H, mode);
    const fx = fixIndex(ix, W, mode);
    if (fy < 0 || fx < 0) fillWeight[p]! += w;
    else {
      index[t * n + p] = (b * H + fy) * W + fx;
      weight[t * n + p] = w;
    }
  };
  let p = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++, p++) {
        const [sy, sx] = at(b, y, x);
        if (taps === 1) {
          const [[iy]] = axisTaps(sy, "nearest") as [[number, number]];
          const [[ix]] = axisTaps(sx, "nearest") as [[number, number]];
          put(p, 0, b, iy, ix, 1);
          continue;
        }
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const ty = sy - y0;
        const tx = sx - x0;
        put(p, 0, b, y0, x0, (1 - ty) * (1 - tx));
        put(p, 1, b, y0, x0 + 1, (1 - ty) * tx);
        put(p, 2, b, y0 + 1, x0, ty * (1 - tx));
        put(p, 3, b, y0 + 1, x0 + 1, ty * tx);
      }
    }
  }
  return { index, weight, fillWeight, taps };
}

/** Samples a channels-last batch [B, H, W, C] at `at`'s points; same shape and dtype out. */
export function resampleBatch(
  batch: Tensor,
  at: SamplePoint,
  interpolation: SampleInterpolation,
  mode: FillMode,
  fillValue: number,
): Tensor {
  const [B, H, W, C] = batch.shape as [number, number, number, number];
  const plan = planSamples(at, [B, H, W], interpolation, mode);
  const n = B * H * W;
  const fdt = isFloat(batch.dtype) ? batch.dtype : "float32";
  const pixels = reshape(isFloat(batch.dtype) ? batch : cast(batch, fdt), [n, C]);
  const indices = tensor(plan.index, [plan.taps * n], "int32");
  const gathered = reshape(take(pixels, indices, 0), [plan.taps, n, C]);
  let out = sum(multiply(gathered, tensor(plan.weight, [plan.taps, n, 1], fdt)), 0);
  if (fillValue !== 0 && plan.fillWeight.some((w) => w !== 0)) {
    out = add(
      out,
      tensor(
        plan.fillWeight.map((w) => w * fillValue),
        [n, 1],
        fdt,
      ),
    );
  }
  out = reshape(out, [B, H, W, C]);
  if (isFloat(batch.dtype)) return out;
  return cast(multiply(sign(out), floor(add(abs(out), 0.5))), batch.dtype);
}
