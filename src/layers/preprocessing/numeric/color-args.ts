/**
 * What the colour augmentation layers share: the `valueRange` option, Keras's habit of sorting it
 * (`sorted(value_range)`) before checking it, and the base of the six that take Keras's `factor`
 * and `value_range` both (RandomBrightness, RandomContrast, RandomColorDegeneration, RandomHue,
 * RandomSaturation, RandomSharpness).
 */
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  checkValueRange,
  parseFactor,
} from "../image/base-image-layer.js";

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

/**
 * A random colour layer with `factor` (a [low, high] pair within `factorBounds`) and `valueRange`
 * (sorted first where Keras sorts it), both written to the config under Keras's keys.
 */
export abstract class ColorFactorLayer extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  protected constructor(
    factor: number | readonly [number, number],
    args: ColorFactorArgs,
    factorBounds: readonly [number, number],
    sortRange: boolean,
  ) {
    super(args, { random: true, targets: "unchanged" });
    this.factor = parseFactor(factor, factorBounds, this.where());
    const range = args.valueRange ?? [0, 255];
    this.valueRange = sortRange
      ? sortedValueRange(range, this.where())
      : checkValueRange(range, this.where());
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange };
  }
}
