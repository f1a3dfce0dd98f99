/**
 * Keras `RandomTranslation`: in training shifts each image by a random fraction of its height
 * (`heightFactor`) and width (`widthFactor`); a number f means [−f, f], fractions lie in [−1, 1].
 * Positive shifts move the content down / right. The identity at inference.
 */
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type AffineLayerArgs, BaseAffineLayer, rangeFactor } from "./affine-layer.js";

export type TranslationFactor = number | readonly [number, number];

export type RandomTranslationArgs = AffineLayerArgs;

export class RandomTranslation extends BaseAffineLayer {
  readonly heightFactor: TranslationFactor;
  readonly widthFactor: TranslationFactor;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(
    heightFactor: TranslationFactor,
    widthFactor: TranslationFactor,
    args: RandomTranslationArgs = {},
  ) {
    super(args);
    this.heightFactor = heightFactor;
    this.widthFactor = widthFactor;
    this.heightRange = rangeFactor(heightFactor, [-1, 1], this.where(), "heightFactor");
    this.widthRange = rangeFactor(widthFactor, [-1, 1], this.where(), "widthFactor");
  }

  protected drawTransform(height: number, width: number): number[] {
    const dy = this.uniformIn(...this.heightRange) * height;
    const dx = this.uniformIn(...this.widthRange) * width;
    return [1, 0, -dx, 0, 1, -dy, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height_factor: this.heightFactor,
      width_factor: this.widthFactor,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomTranslation {
    const { heightFactor, widthFactor, ...args } = fromKerasConfig(config);
    return new RandomTranslation(
      heightFactor as TranslationFactor,
      widthFactor as TranslationFactor,
      args as RandomTranslationArgs,
    );
  }
}

registerKerasLayers({ RandomTranslation });
