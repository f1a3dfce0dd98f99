/**
 * Keras `RandomFlip`: in training, flips each image of the batch with probability ½ —
 * horizontally (the width axis), vertically (the height axis) or both at once with one draw per
 * image ("horizontal_and_vertical", the default). The identity at inference.
 */
import { ValueError } from "../../../errors.js";
import { where } from "../../../ops/elementwise.js";
import { flip } from "../../../ops/tile.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "./base-image-layer.js";

export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";

const MODES: readonly FlipMode[] = ["horizontal", "vertical", "horizontal_and_vertical"];

export interface RandomFlipArgs extends BaseImageLayerArgs {
  /** Which flips to apply; default "horizontal_and_vertical". */
  mode?: FlipMode;
}

export class RandomFlip extends BaseImagePreprocessingLayer {
  readonly mode: FlipMode;

  /** `new RandomFlip("horizontal")` as Keras's positional mode, or `new RandomFlip({ mode, seed })`. */
  constructor(mode: FlipMode | RandomFlipArgs = {}, args: RandomFlipArgs = {}) {
    const opts = typeof mode === "string" ? { ...args, mode } : mode;
    super(opts, { random: true });
    this.mode = opts.mode ?? "horizontal_and_vertical";
    if (!MODES.includes(this.mode)) {
      throw new ValueError(
        `${this.where()}: mode must be one of ${MODES.join(", ")}; received ${String(opts.mode)}`,
      );
    }
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    // Keras flips an image when its uniform draw is ≤ ½.
    const draws = Array.from({ length: n }, () => (this.rng.uniform() <= 0.5 ? 1 : 0));
    const flips = tensor(draws, [n, 1, 1, 1], "bool");
    const [heightAxis, widthAxis] = this.imageAxes();
    const axes: number[] = [];
    if (this.mode !== "vertical") axes.push(widthAxis);
    if (this.mode !== "horizontal") axes.push(heightAxis);
    return where(flips, flip(images, axes), images);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }

  static fromConfig(config: Record<string, unknown>): RandomFlip {
    return new RandomFlip(fromKerasConfig(config) as RandomFlipArgs);
  }
}

registerKerasLayers({ RandomFlip });
