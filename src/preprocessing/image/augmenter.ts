/**
 * What the iterators need of an ImageDataGenerator (its per-image draws, batch transform and
 * normalization), so that they do not import the generator that creates them.
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { TransformParams } from "./affine-matrix.js";
import type { LegacyRandom } from "./legacy-random.js";

export type DataFormat = "channels_last" | "channels_first";

export interface BatchAugmenter {
  readonly dataFormat: DataFormat;
  readonly validationSplit: number;
  drawTransform(shape: readonly number[], rng: LegacyRandom): TransformParams;
  transformBatch(x: Tensor, params: readonly TransformParams[]): Tensor;
  standardizeBatch(x: Tensor): Tensor;
}
