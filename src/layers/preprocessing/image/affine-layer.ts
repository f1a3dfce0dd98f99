/**
 * What Keras's geometric augmentations (RandomRotation, RandomZoom, RandomTranslation,
 * RandomShear) share: in training each image gets its own random transform row, drawn on the
 * host from the layer's seeded stream, and the batch is resampled by `ops.image.affineTransform`
 * with the layer's `interpolation`, `fillMode` and `fillValue`. The identity at inference.
 * In a dict input the same rows move the bounding boxes (their corners through the inverse map)
 * and resample the segmentation masks with nearest interpolation, as Keras (RowTransformLayer,
 * which RandomPerspective shares).
 */
import { ValueError } from "../../../errors.js";
import { affineTransform } from "../../../ops/image/affine-transform.js";
import type { Tensor } from "../../../tensor/tensor.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  type ImageSize,
} from "./base-image-layer.js";
import { fromXyxy, resampledBoxes, toXyxy } from "./box-transforms.js";
import type { BoundingBoxes } from "./image-data.js";

export type AffineFillMode = "reflect" | "wrap" | "constant" | "nearest";
export type AffineInterpolation = "nearest" | "bilinear";

const FILL_MODES: readonly AffineFillMode[] = ["reflect", "wrap", "constant", "nearest"];
const INTERPOLATIONS: readonly AffineInterpolation[] = ["nearest", "bilinear"];

export interface AffineLayerArgs extends BaseImageLayerArgs {
  /** How points outside the image are filled: "reflect" (default), "wrap", "constant", "nearest". */
  fillMode?: AffineFillMode;
  /** "bilinear" (default) or "nearest". */
  interpolation?: AffineInterpolation;
  /** The value outside the image with fillMode "constant"; default 0. */
  fillValue?: number;
}

/**
 * A random layer that warps each image by its own transform row — affineTransform's eight
 * numbers, an affine or projective inverse map — drawn in order from the layer's stream; in a dict
 * input the same rows move the bounding boxes and resample the masks (nearest). The affine layers
 * below and RandomPerspective differ only in how they draw a row and which fill settings they take.
 */
export abstract class RowTransformLayer extends BaseImagePreprocessingLayer {
  abstract readonly fillMode: AffineFillMode;
  abstract readonly interpolation: AffineInterpolation;
  abstract readonly fillValue: number;

  /** One transform row [a0, a1, a2, b0, b1, b2, c0, c1] for an image of this size. */
  protected abstract drawTransform(height: number, width: number): number[];

  /** One transform row per image of the batch, drawn in order from the layer's stream. */
  protected override getRandomTransformation(images: Tensor): number[][] {
    const [hAxis, wAxis] = this.imageAxes();
    const [h, w] = [images.shape[hAxis]!, images.shape[wAxis]!];
    return Array.from({ length: images.shape[0]! }, () => this.drawTransform(h, w));
  }

  protected transformImages(images: Tensor, _training: boolean, rows?: unknown): Tensor {
    return this.resample(
      images,
      (rows as number[][] | undefined) ?? this.getRandomTransformation(images),
      this.interpolation,
    );
  }

  protected override transformBoundingBoxes(
    boxes: BoundingBoxes,
    rows: unknown,
    _training: boolean,
    size: ImageSize,
  ): BoundingBoxes {
    const format = this.boundingBoxFormat!;
    const moved = resampledBoxes(toXyxy(boxes, format, size), rows as number[][]);
    return fromXyxy(moved, boxes.labels, format, size);
  }

  protected override transformSegmentationMasks(masks: Tensor, rows: unknown): Tensor {
    return this.resample(masks, rows as number[][], "nearest");
  }

  private resample(x: Tensor, rows: number[][], interpolation: AffineInterpolation): Tensor {
    return affineTransform(x, rows, {
      interpolation,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      dataFormat: this.dataFormat,
    });
  }
}

export abstract class BaseAffineLayer extends RowTransformLayer {
  readonly fillMode: AffineFillMode;
  readonly interpolation: AffineInterpolation;
  readonly fillValue: number;

  constructor(args: AffineLayerArgs = {}) {
    super(args, { random: true });
    this.fillMode = args.fillMode ?? "reflect";
    if (!FILL_MODES.includes(this.fillMode)) {
      throw new ValueError(
        `${this.where()}: fillMode must be one of ${FILL_MODES.join(", ")}; received ${String(args.fillMode)}`,
      );
    }
    this.interpolation = args.interpolation ?? "bilinear";
    if (!INTERPOLATIONS.includes(this.interpolation)) {
      throw new ValueError(
        `${this.where()}: interpolation must be "nearest" or "bilinear"; received ${String(args.interpolation)}`,
      );
    }
    this.fillValue = args.fillValue ?? 0;
  }

  /** A uniform draw in [lo, hi) from the layer's stream. */
  protected uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rng.uniform();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      fill_mode: this.fillMode,
      interpolation: this.interpolation,
      fill_value: this.fillValue,
    };
  }
}

/**
 * Keras's `_compute_affine_matrix` about the image centre: scale · shear · rotation by `angle`
 * degrees, then a translation, as the inverse-mapping row affineTransform takes.
 */
export function centredAffineRow(
  height: number,
  width: number,
  { angle = 0, translateX = 0, translateY = 0, scale = 1, shearX = 0, shearY = 0 },
): number[] {
  const rad = Math.PI / 180;
  const cos = Math.cos(angle * rad);
  const sin = Math.sin(angle * rad);
  const shx = Math.tan(shearX * rad);
  const shy = Math.tan(shearY * rad);
  const cx = 0.5 * (width - 1);
  const cy = 0.5 * (height - 1);
  const a0 = scale * (cos + shx * sin);
  const a1 = scale * (-sin + shx * cos);
  const b0 = scale * (shy * cos + sin);
  const b1 = scale * (-shy * sin + cos);
  const a2 = translateX + cx - cx * a0 - cy * a1;
  const b2 = translateY + cy - cx * b0 - cy * b1;
  return [a0, a1, a2, b0, b1, b2, 0, 0];
}

/** Keras's factor of the zoom/translation layers: a number f is [−f, f], a pair is sorted. */
export function rangeFactor(
  factor: unknown,
  [lo, hi]: readonly [number, number],
  where: string,
  arg: string,
  openLow = false,
): [number, number] {
  const inRange = (v: unknown): v is number =>
    typeof v === "number" && (openLow ? v > lo : v >= lo) && v <= hi;
  const ok = Array.isArray(factor) ? factor.length === 2 && factor.every(inRange) : inRange(factor);
  if (!ok) {
    throw new ValueError(
      `${where}: ${arg} must be a number or a list of two numbers in ${openLow ? "(" : "["}${lo}, ${hi}]; ` +
        `received ${arg}=${JSON.stringify(factor)}`,
    );
  }
  if (Array.isArray(factor)) {
    const [a, b] = factor as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  const f = Math.abs(factor as number);
  return [-f, f];
}
