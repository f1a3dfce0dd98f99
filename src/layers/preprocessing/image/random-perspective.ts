/**
 * Keras `RandomPerspective`: in training each image is warped, with probability drawn from
 * `factor` (a number f → [0, f], in [0, 1]), by moving its four corners by up to ±scale/2 of their
 * coordinates and resampling with the homography that maps the moved corners back
 * (`ops.image.perspectiveTransform`, constant `fillValue`). The identity at inference. In a
 * dict input the same homographies move the bounding boxes (their corners) and resample the
 * segmentation masks with nearest interpolation.
 */
import { ValueError } from "../../../errors.js";
import { computeHomography } from "../../../ops/image/perspective-transform.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type AffineInterpolation, RowTransformLayer } from "./affine-layer.js";
import { type BaseImageLayerArgs, parseFactor } from "./base-image-layer.js";

export interface RandomPerspectiveArgs extends BaseImageLayerArgs {
  /** Probability range of warping an image; default 1 (always, [0, 1] drawn per image). */
  factor?: number | readonly [number, number];
  /** How far the corners move, as a fraction of their coordinates (±scale/2); default 1. */
  scale?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: AffineInterpolation;
  /** The value outside the image; default 0. */
  fillValue?: number;
}

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0];

export class RandomPerspective extends RowTransformLayer {
  /** Keras fills outside the warped image with the constant `fillValue`. */
  readonly fillMode = "constant";
  readonly factor: [number, number];
  readonly scale: number;
  readonly interpolation: AffineInterpolation;
  readonly fillValue: number;

  constructor(args: RandomPerspectiveArgs = {}) {
    super(args, { random: true });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
    this.scale = args.scale ?? 1;
    if (typeof this.scale !== "number" || !(this.scale >= 0 && this.scale <= 1)) {
      throw new ValueError(
        `${this.where()}: scale must be a number in [0, 1]; received scale=${String(args.scale)}`,
      );
    }
    this.interpolation = args.interpolation ?? "bilinear";
    if (this.interpolation !== "bilinear" && this.interpolation !== "nearest") {
      throw new ValueError(
        `${this.where()}: interpolation must be "nearest" or "bilinear"; received ${String(args.interpolation)}`,
      );
    }
    this.fillValue = args.fillValue ?? 0;
  }

  /** A homography row: the identity unless this image is warped (probability from `factor`). */
  protected drawTransform(height: number, width: number): number[] {
    const probability = this.factor[0] + (this.factor[1] - this.factor[0]) * this.rng.uniform();
    const apply = this.rng.uniform() < probability;
    const start: [number, number][] = [
      [0, 0],
      [width - 1, 0],
      [0, height - 1],
      [width - 1, height - 1],
    ];
    // Keras draws the corner offsets whether or not the image is warped
    const end = start.map(([x, y]): [number, number] => [
      x + x * this.scale * (this.rng.uniform() - 0.5),
      y + y * this.scale * (this.rng.uniform() - 0.5),
    ]);
    return apply ? computeHomography(start, end) : IDENTITY;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: [...this.factor],
      scale: this.scale,
      interpolation: this.interpolation,
      fill_value: this.fillValue,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomPerspective {
    return new RandomPerspective(fromKerasConfig(config) as RandomPerspectiveArgs);
  }
}

registerKerasLayers({ RandomPerspective });
