/**
 * Keras `RandomRotation`: in training rotates each image about its centre by a random angle of
 * factor·360° (factor a number f → [−f, f], or a pair [lower, upper], in [−1, 1]). The identity at
 * inference.
 */
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type AffineLayerArgs, BaseAffineLayer, centredAffineRow } from "./affine-layer.js";
import { parseFactor } from "./base-image-layer.js";

export type RandomRotationArgs = AffineLayerArgs;

export class RandomRotation extends BaseAffineLayer {
  /** [lower, upper] fractions of a full turn. */
  readonly factor: [number, number];

  constructor(factor: number | readonly [number, number], args: RandomRotationArgs = {}) {
    super(args);
    this.factor = parseFactor(factor, [-1, 1], this.where());
  }

  protected drawTransform(height: number, width: number): number[] {
    const angle = this.uniformIn(this.factor[0] * 360, this.factor[1] * 360);
    return centredAffineRow(height, width, { angle });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }

  static fromConfig(config: Record<string, unknown>): RandomRotation {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomRotation(factor as [number, number], args as RandomRotationArgs);
  }
}

registerKerasLayers({ RandomRotation });
