/**
 * Keras `RandomElasticTransform`: in training each image is, with probability drawn from `factor`
 * (a number f → [0, f], in [0, 1]), distorted by `ops.image.elasticTransform` with one distortion
 * d drawn from `scale` per batch: alpha = 0.1·d·max(H, W), sigma = 0.05·d·min(H, W). The result is
 * clipped to `valueRange`. The identity at inference.
 */
import { ValueError } from "../../../errors.js";
import { clip, where } from "../../../ops/elementwise.js";
import { elasticTransform } from "../../../ops/image/elastic-transform.js";
import { FILL_MODES, type FillMode } from "../../../ops/image/sample-points.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { AffineInterpolation } from "./affine-layer.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  checkValueRange,
  parseFactor,
} from "./base-image-layer.js";

export interface RandomElasticTransformArgs extends BaseImageLayerArgs {
  /** Probability range of distorting an image; default 1 ([0, 1] drawn per image). */
  factor?: number | readonly [number, number];
  /** Range of the distortion strength d; default 1 ([0, 1]). */
  scale?: number | readonly [number, number];
  /** "bilinear" (default) or "nearest". */
  interpolation?: AffineInterpolation;
  /** Default "reflect"; also "constant", "nearest", "wrap", "mirror". */
  fillMode?: FillMode;
  fillValue?: number;
  /** The range the output is clipped to; default [0, 255]. */
  valueRange?: readonly [number, number];
}

export class RandomElasticTransform extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly scale: [number, number];
  readonly interpolation: AffineInterpolation;
  readonly fillMode: FillMode;
  readonly fillValue: number;
  readonly valueRange: [number, number];

  constructor(args: RandomElasticTransformArgs = {}) {
    super(args, { random: true });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
    this.scale = parseFactor(args.scale ?? 1, [0, 1], this.where(), "scale");
    this.interpolation = args.interpolation ?? "bilinear";
    if (this.interpolation !== "bilinear" && this.interpolation !== "nearest") {
      throw new ValueError(
        `${this.where()}: interpolation must be "nearest" or "bilinear"; received ${String(args.interpolation)}`,
      );
    }
    this.fillMode = args.fillMode ?? "reflect";
    if (!FILL_MODES.includes(this.fillMode)) {
      throw new ValueError(
        `${this.where()}: fillMode must be one of ${FILL_MODES.join(", ")}; received ${String(args.fillMode)}`,
      );
    }
    this.fillValue = args.fillValue ?? 0;
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    if (this.scale[1] === 0 || this.factor[1] === 0) return images;
    const n = images.shape[0]!;
    const draw = (lo: number, hi: number) => lo + (hi - lo) * this.rng.uniform();
    const probabilities = Array.from({ length: n }, () => draw(...this.factor));
    const apply = probabilities.map((p) => (this.rng.uniform() < p ? 1 : 0));
    const d = draw(...this.scale);
    const [hAxis, wAxis] = this.imageAxes();
    const [h, w] = [images.shape[hAxis]!, images.shape[wAxis]!];
    const distorted = elasticTransform(images, {
      alpha: Math.max(h, w) * 0.1 * d,
      sigma: Math.min(h, w) * 0.05 * d,
      interpolation: this.interpolation,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      seed: this.rng.fork(),
      dataFormat: this.dataFormat,
    });
    const picked = where(tensor(apply, [n, 1, 1, 1], "bool"), distorted, images);
    return clip(picked, this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: [...this.factor],
      scale: [...this.scale],
      interpolation: this.interpolation,
      fill_mode: this.fillMode,
      fill_value: this.fillValue,
      value_range: [...this.valueRange],
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomElasticTransform {
    return new RandomElasticTransform(fromKerasConfig(config) as RandomElasticTransformArgs);
  }
}

registerKerasLayers({ RandomElasticTransform });
