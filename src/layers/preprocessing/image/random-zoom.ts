/**
 * Keras `RandomZoom`: in training zooms each image about its centre by 1 + a random draw from
 * `heightFactor` (and `widthFactor`, or the same draw when it is null): positive factors zoom
 * out, negative ones zoom in. A number f means [−f, f]; factors lie in (−1, 1]. The identity at
 * inference.
 */
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type AffineLayerArgs, BaseAffineLayer, rangeFactor } from "./affine-layer.js";

export type ZoomFactor = number | readonly [number, number];

export interface RandomZoomArgs extends AffineLayerArgs {
  /** Default null: the width zooms with the height, keeping the aspect ratio. */
  widthFactor?: ZoomFactor | null;
}

export class RandomZoom extends BaseAffineLayer {
  readonly heightFactor: ZoomFactor;
  readonly widthFactor: ZoomFactor | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(heightFactor: ZoomFactor, args: RandomZoomArgs = {}) {
    super(args);
    this.heightFactor = heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.heightRange = rangeFactor(heightFactor, [-1, 1], this.where(), "heightFactor", true);
    this.widthRange =
      this.widthFactor === null
        ? null
        : rangeFactor(this.widthFactor, [-1, 1], this.where(), "widthFactor", true);
  }

  protected drawTransform(height: number, width: number): number[] {
    const zy = 1 + this.uniformIn(...this.heightRange);
    const zx = this.widthRange ? 1 + this.uniformIn(...this.widthRange) : zy;
    // input = z · (output − centre) + centre, per axis
    return [zx, 0, ((width - 1) / 2) * (1 - zx), 0, zy, ((height - 1) / 2) * (1 - zy), 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height_factor: this.heightFactor,
      width_factor: this.widthFactor,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomZoom {
    const { heightFactor, ...args } = fromKerasConfig(config);
    return new RandomZoom(heightFactor as ZoomFactor, args as RandomZoomArgs);
  }
}

registerKerasLayers({ RandomZoom });
