/**
 * What the colour augmentation layers share in their arguments: the `valueRange` option and
 * Keras's habit of sorting it (`sorted(value_range)`) before checking it.
 */
import { type BaseImageLayerArgs, checkValueRange } from "../image/base-image-layer.js";

export interface ColorFactorArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
}

/** A value range as Keras keeps it: sorted, then checked to be [low, high] with low < high. */
export function sortedValueRange(value: unknown, where: string): [number, number] {
  const sorted =
    Array.isArray(value) && value.length === 2
      ? [...(value as number[])].sort((a, b) => a - b)
      : value;
  return checkValueRange(sorted, where);
}
