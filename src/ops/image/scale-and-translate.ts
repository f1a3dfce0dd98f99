/**
 * `ops.image.scaleAndTranslate`: Keras's `keras.ops.image.scale_and_translate` (JAX's
 * `jax.image.scale_and_translate`). Along each of `spatialDims`, input position x (pixel centres
 * at j + ½) lands at x·scale + translation in the output; every output samples the inverse warp
 * with the method's kernel (widened when downsampling if `antialias`), and outputs whose sample
 * falls outside the input are 0. Like resize, each axis is a contraction with a host-built matrix.
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { cast } from "../elementwise.js";
import { contractAxis } from "./resize.js";
import {
  SCALE_TRANSLATE_METHODS,
  type ScaleTranslateMethod,
  scaleTranslateWeights,
} from "./resize-weights.js";

export type { ScaleTranslateMethod } from "./resize-weights.js";

const WHERE = "ops.image.scaleAndTranslate";

/** A list of `k` numbers from a tensor or array. */
function numbers(value: TensorLike, k: number, arg: string): number[] {
  const t = Array.isArray(value)
    ? tensor(value as number[], undefined, "float64")
    : asTensor(value);
  if (t.rank !== 1 || t.shape[0] !== k) {
    throw new ShapeError(
      `${WHERE}: ${arg} must have one entry per spatial dim (${k}); received shape ${fmtShape(t.shape)}`,
    );
  }
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** Resamples `images` to `outputShape` with a scale and translation along `spatialDims`. */
export function scaleAndTranslate(
  images: TensorLike,
  outputShape: readonly number[],
  scale: TensorLike,
  translation: TensorLike,
  spatialDims: readonly number[],
  method: ScaleTranslateMethod,
  antialias = true,
): Tensor {
  const x0 = asTensor(images);
  if (!SCALE_TRANSLATE_METHODS.includes(method)) {
    throw new ValueError(
      `${WHERE}: method must be one of ${SCALE_TRANSLATE_METHODS.join(", ")}; received ${String(method)}`,
    );
  }
  if (outputShape.length !== x0.rank || !outputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(
      `${WHERE}: outputShape must give a size for each of the ${x0.rank} axes; received ${JSON.stringify(outputShape)}`,
    );
  }
  const dims = spatialDims.map((d) => (d < 0 ? d + x0.rank : d));
  if (
    dims.some((d) => !Number.isInteger(d) || d < 0 || d >= x0.rank) ||
    new Set(dims).size !== dims.length
  ) {
    throw new ValueError(
      `${WHERE}: spatialDims must be distinct axes of a rank-${x0.rank} input; received ${JSON.stringify(spatialDims)}`,
    );
  }
  outputShape.forEach((d, i) => {
    if (!dims.includes(i) && d !== x0.shape[i]) {
      throw new ShapeError(
        `${WHERE}: axis ${i} is not spatial, so outputShape[${i}] must be ${x0.shape[i]}; received ${d}`,
      );
    }
  });
  const scales = numbers(scale, dims.length, "scale");
  const shifts = numbers(translation, dims.length, "translation");
  let x = isFloat(x0.dtype) ? x0 : cast(x0, "float32");
  dims.forEach((d, k) => {
    const w = scaleTranslateWeights(
      x.shape[d]!,
      outputShape[d]!,
      method,
      antialias,
      scales[k]!,
      shifts[k]!,
    );
    x = contractAxis(x, w, outputShape[d]!, d);
  });
  return x;
}
