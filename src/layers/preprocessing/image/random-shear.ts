/**
 * Keras `RandomShear`: in training shears each image by random factors drawn from `xFactor` and
 * `yFactor` (a number f in [0, 1] means [−f, f]; a pair is a range), both negated together with
 * probability ½, with Keras's row [1, sx, 0, sy, 1, 0, 0, 0] (a shear about the top-left corner).
 * The identity at inference.
 */
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type AffineLayerArgs, BaseAffineLayer, rangeFactor } from "./affine-layer.js";

export type ShearFactor = number | readonly [number, number];

export interface RandomShearArgs extends AffineLayerArgs {
  /** Shear along x (default 0: none). */
  xFactor?: ShearFactor;
  /** Shear along y (default 0: none). */
  yFactor?: ShearFactor;
}

/**
 * A number f in [0, 1] means [−f, f]. Keras writes the resulting pair [−f, f] into its config,
 * so pairs are accepted within [−1, 1] for its files to load.
 */
function shearRange(factor: ShearFactor, where: string, arg: string): [number, number] {
  return rangeFactor(factor, Array.isArray(factor) ? [-1, 1] : [0, 1], where, arg);
}

export class RandomShear extends BaseAffineLayer {
  readonly xFactor: ShearFactor;
  readonly yFactor: ShearFactor;
  private readonly xRange: [number, number];
  private readonly yRange: [number, number];

  constructor(args: RandomShearArgs = {}) {
    super(args);
    this.xFactor = args.xFactor ?? 0;
    this.yFactor = args.yFactor ?? 0;
    this.xRange = shearRange(this.xFactor, this.where(), "xFactor");
    this.yRange = shearRange(this.yFactor, this.where(), "yFactor");
  }

  protected drawTransform(): number[] {
    const invert = this.rng.uniform() > 0.5 ? -1 : 1;
    const sy = this.uniformIn(...this.yRange) * invert;
    const sx = this.uniformIn(...this.xRange) * invert;
    return [1, sx, 0, sy, 1, 0, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), x_factor: this.xFactor, y_factor: this.yFactor };
  }

  static fromConfig(config: Record<string, unknown>): RandomShear {
    return new RandomShear(fromKerasConfig(config) as RandomShearArgs);
  }
}

registerKerasLayers({ RandomShear });
