/**
 * `BaseImagePreprocessingLayer`: what Keras's image preprocessing and augmentation layers share
 * (Keras's `BaseImagePreprocessingLayer`). A subclass implements one method and states whether it
 * is random:
 *
 * ```ts
 * class RandomThing extends BaseImagePreprocessingLayer {
 *   constructor(args: RandomThingArgs = {}) {
 *     super(args, { random: true });           // random: identity at inference, seeded stream
 *   }
 *   // `images` is always a batch (rank 4) in `this.dataFormat`, already cast to the layer's
 *   // dtype (float32 by default) unless the subclass passes `castInputs: false`.
 *   protected transformImages(images: Tensor, training: boolean): Tensor {
 *     const u = this.rng.uniform();             // host draws from the layer's seeded stream
 *     ...
 *   }
 *   override getConfig() { return { ...super.getConfig(), my_key: ... }; } // adds data_format (+ seed)
 * }
 * registerKerasLayers({ RandomThing });
 * ```
 *
 * The base accepts one image (rank 3) or a batch (rank 4) and hands the subclass a batch; a
 * random layer (`random: true`) transforms only when called with `training: true` and otherwise
 * returns its input cast to its dtype (Keras casts before deciding). `parseFactor`,
 * `checkValueRange` and `transformValueRange` are Keras's factor and value-range conventions.
 *
 * Keras's dict input — `layer.apply({ images, labels, bounding_boxes: { boxes, labels },
 * segmentation_masks }, { training })` — is split as Keras splits it: `getRandomTransformation`
 * draws the call's random parameters once, and `transformImages`, `transformLabels`,
 * `transformBoundingBoxes` and `transformSegmentationMasks` all apply that one draw. A layer
 * that changes pixel values only passes `{ targets: "unchanged" }` (labels, boxes and masks come
 * back as given, as Keras's colour layers); a geometric layer overrides the box and mask methods;
 * any other layer refuses dict inputs. Boxes need the `boundingBoxFormat` constructor argument
 * (Keras's `bounding_box_format`).
 */
import { ShapeError, ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import { add, cast, divide, multiply, subtract } from "../../../ops/elementwise.js";
import { type DataFormat, checkDataFormat, spatialAxes } from "../../../ops/image/image-args.js";
import { expandDims, squeeze } from "../../../ops/movement.js";
import type { DType } from "../../../tensor/dtype.js";
import { type Generator, SeedGenerator } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { type BoundingBoxFormat, checkBoxFormat } from "../../../utils/bounding-boxes/formats.js";
import { checkSeed } from "../../core/dropout.js";
import { type CallOptions, Layer, type LayerArgs, type SymbolicTensor } from "../../layer.js";
import type { ShapeSpec } from "../../shape-spec.js";
import {
  type BoundingBoxes,
  type ImageLayerData,
  type ImageLayerOutput,
  batchedBoxes,
  batchedMasks,
  isImageLayerData,
  unbatchBoxes,
} from "./image-data.js";

export type { DataFormat } from "../../../ops/image/image-args.js";

export interface BaseImageLayerArgs extends LayerArgs {
  /** "channels_last" (default, [B, H, W, C]) or "channels_first" ([B, C, H, W]). */
  dataFormat?: DataFormat | null;
  /** Fixes a random layer's stream; without it the stream is forked from the global one. */
  seed?: number | null;
  /**
   * The format of `bounding_boxes.boxes` in dict inputs (Keras's `bounding_box_format`): "xyxy",
   * "yxyx", "xywh", "center_xywh", "center_yxhw" or a "rel_" one; default null (no boxes).
   */
  boundingBoxFormat?: string | null;
}

/** The input image size a box transform needs (height and width of the images it was given). */
export interface ImageSize {
  height: number;
  width: number;
}

export interface ImageLayerKind {
  /** An augmentation: the identity at inference, active with `training: true`; seeded. */
  random?: boolean;
  /** Cast the input to the layer's dtype before transforming (Keras does; Resizing does not). */
  castInputs?: boolean;
  /**
   * Has a seeded stream (`rng`) and a `seed` config key; defaults to `random`. A layer that is
   * seeded but not `random` (RandomCrop) is called at inference too and reads `training` itself.
   */
  seeded?: boolean;
  /**
   * "unchanged": the layer changes pixel values only, so dict inputs' labels, boxes and masks
   * pass through (Keras's colour layers). Without it, only layers that override the box and
   * mask transforms take dict inputs.
   */
  targets?: "unchanged";
}

export abstract class BaseImagePreprocessingLayer extends Layer {
  readonly dataFormat: DataFormat;
  /** The seed given (random layers), null otherwise or when none was given. */
  readonly seed: number | null;
  readonly isRandom: boolean;
  /** Keras's `bounding_box_format`, null when not given. */
  readonly boundingBoxFormat: BoundingBoxFormat | null;
  private readonly castInputs: boolean;
  private readonly targetsUnchanged: boolean;
  private readonly seedGenerator: SeedGenerator | null;

  constructor(args: BaseImageLayerArgs = {}, kind: ImageLayerKind = {}) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat, this.where());
    this.isRandom = kind.random ?? false;
    this.castInputs = kind.castInputs ?? true;
    this.seed = checkSeed(args.seed, this.where());
    const seeded = kind.seeded ?? this.isRandom;
    this.seedGenerator = seeded ? new SeedGenerator(this.seed ?? undefined) : null;
    this.boundingBoxFormat =
      args.boundingBoxFormat === undefined || args.boundingBoxFormat === null
        ? null
        : checkBoxFormat(args.boundingBoxFormat, this.where(), "boundingBoxFormat");
    this.targetsUnchanged = kind.targets === "unchanged";
    this.built = true;
  }

  /**
   * Transforms a batch (rank 4, in `this.dataFormat`). Random layers are called only in
   * training, and `training` is then true; other layers are called always.
   */
  protected abstract transformImages(
    images: Tensor,
    training: boolean,
    transformation?: unknown,
  ): Tensor;

  /**
   * Keras's `get_random_transformation`: draws this call's random parameters for a batch (rank
   * 4), shared by the images and their boxes and masks; `transformImages` then gets it. The
   * default, undefined, leaves the drawing to `transformImages` (image-only layers).
   */
  protected getRandomTransformation(_images: Tensor, _training: boolean): unknown {
    return undefined;
  }

  /** Labels of a dict input (one row per image). Unchanged unless a layer mixes images. */
  protected transformLabels(labels: Tensor, _transformation: unknown, _training: boolean): Tensor {
    if (this.targetsUnchanged || this.transformsTargets()) return labels;
    throw this.noDictInputs("labels");
  }

  /**
   * Boxes of a dict input, batched ({boxes [B, N, 4] float32 in `boundingBoxFormat`, labels}),
   * for images of `size`. Geometric layers override it; colour layers return them as given.
   */
  protected transformBoundingBoxes(
    boxes: BoundingBoxes,
    _transformation: unknown,
    _training: boolean,
    _size: ImageSize,
  ): BoundingBoxes {
    if (this.targetsUnchanged) return boxes;
    throw this.noDictInputs("bounding_boxes");
  }

  /** Masks of a dict input, a batch laid out as the images, in their own dtype. */
  protected transformSegmentationMasks(
    masks: Tensor,
    _transformation: unknown,
    _training: boolean,
  ): Tensor {
    if (this.targetsUnchanged) return masks;
    throw this.noDictInputs("segmentation_masks");
  }

  /** Whether dict inputs with boxes need `boundingBoxFormat` (Keras always asks for it). */
  protected requiresBoxFormat(): boolean {
    return true;
  }

  /** Whether the layer overrides the box transform (and so handles dict inputs itself). */
  private transformsTargets(): boolean {
    return (
      this.transformBoundingBoxes !== BaseImagePreprocessingLayer.prototype.transformBoundingBoxes
    );
  }

  private noDictInputs(key: string): ValueError {
    return new ValueError(
      `${this.where()}: ${this.constructor.name} does not transform ${key} of a dict input ` +
        `(pass a tensor of images, or only the keys it supports)`,
    );
  }

  /** The layer's random stream (host draws: `rng.uniform()` in [0, 1)); seeded layers only. */
  protected get rng(): Generator {
    if (!this.seedGenerator) {
      throw new ValueError(`${this.where()}: a deterministic image layer has no random stream`);
    }
    return this.seedGenerator.generator;
  }

  /** [heightAxis, widthAxis] of a tensor of this rank in the layer's data format. */
  protected imageAxes(rank = 4): [number, number] {
    return spatialAxes(rank, this.dataFormat);
  }

  /** The channel axis of a tensor of this rank in the layer's data format. */
  protected channelAxis(rank = 4): number {
    return this.dataFormat === "channels_last" ? rank - 1 : rank - 3;
  }

  protected checkRank(shape: readonly (number | null)[]): void {
    if (shape.length !== 3 && shape.length !== 4) {
      throw new ShapeError(
        `${this.where()}: expected rank 3 (single image) or rank 4 (batch of images); received ` +
          `input with shape [${shape.map((d) => d ?? "None").join(",")}]`,
      );
    }
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    this.checkRank(inputs.shape);
    const training = opts.training ?? false;
    const images =
      this.castInputs && inputs.dtype !== this.dtype ? cast(inputs, this.dtype) : inputs;
    if (this.isRandom && !training) return images;
    const batch = images.rank === 3 ? expandDims(images, 0) : images;
    const out = this.transformImages(
      batch,
      training,
      this.getRandomTransformation(batch, training),
    );
    return images.rank === 3 ? squeeze(out, 0) : out;
  }

  /**
   * Keras `layer(inputs)`; also takes Keras's dict input `{images, labels?, bounding_boxes?,
   * segmentation_masks?}` (eagerly) and returns the same keys, every part moved by one draw.
   */
  override apply(inputs: ImageLayerData, opts?: CallOptions): ImageLayerOutput;
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: CallOptions,
  ): SymbolicTensor;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  override apply(inputs: unknown, opts: CallOptions = {}): unknown {
    if (isImageLayerData(inputs)) return this.applyToData(inputs, opts);
    return super.apply(inputs as TensorLike, opts);
  }

  private applyToData(data: ImageLayerData, opts: CallOptions): ImageLayerOutput {
    this.checkCallOptions(opts);
    const where = this.where();
    const training = opts.training ?? false;
    const input = asTensor(data.images);
    this.checkRank(input.shape);
    const batched = input.rank === 4;
    const out = { ...data, images: input } as ImageLayerOutput;
    const cast_ = this.castInputs && input.dtype !== this.dtype ? cast(input, this.dtype) : input;
    const images = batched ? cast_ : expandDims(cast_, 0);
    const active = !this.isRandom || training;
    const [hAxis, wAxis] = this.imageAxes();
    const size = { height: images.shape[hAxis]!, width: images.shape[wAxis]! };
    const transformation = active ? this.getRandomTransformation(images, training) : undefined;
    const outImages = active ? this.transformImages(images, training, transformation) : images;
    out.images = batched ? outImages : squeeze(outImages, 0);
    if (data.bounding_boxes !== undefined) {
      if (!this.boundingBoxFormat && this.requiresBoxFormat()) {
        throw new ValueError(
          `${where}: the input has a "bounding_boxes" key but the layer has no boundingBoxFormat; ` +
            `pass one, e.g. new ${this.constructor.name}({ ..., boundingBoxFormat: "xyxy" })`,
        );
      }
      const boxes = batchedBoxes(data.bounding_boxes, batched, images.shape[0]!, where);
      const moved = active
        ? this.transformBoundingBoxes(boxes, transformation, training, size)
        : boxes;
      out.bounding_boxes = unbatchBoxes(moved, batched);
    }
    if (data.labels !== undefined) {
      const labels = asTensor(data.labels);
      out.labels = active ? this.transformLabels(labels, transformation, training) : labels;
    }
    if (data.segmentation_masks !== undefined) {
      const masks = batchedMasks(data.segmentation_masks, images, batched, where);
      const moved = active
        ? this.transformSegmentationMasks(masks, transformation, training)
        : masks;
      out.segmentation_masks = batched ? moved : squeeze(moved, 0);
    }
    return out;
  }

  /** The input shape (rank checked); layers that change the size override it. */
  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    return inputShape;
  }

  /** `shape` (rank 3 or 4) with its height and width replaced: for layers that resize or crop. */
  protected resizedShape(shape: ShapeSpec, height: number, width: number): ShapeSpec {
    this.checkRank(shape);
    const [h, w] = this.imageAxes(shape.length);
    const out = [...shape];
    out[h] = height;
    out[w] = width;
    return out;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return this.castInputs ? this.dtype : (inputDtypes[0] ?? this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), data_format: this.dataFormat };
    if (this.seedGenerator) config.seed = this.seed;
    if (this.boundingBoxFormat !== null) config.bounding_box_format = this.boundingBoxFormat;
    return config;
  }
}

/**
 * Keras's `_set_factor`: a number f gives [max(−|f|, lo), |f|]; a pair is sorted. Values outside
 * `bounds` = [lo, hi] are errors naming the argument.
 */
export function parseFactor(
  factor: unknown,
  bounds: readonly [number, number],
  where: string,
  arg = "factor",
): [number, number] {
  const bad = (): ValueError =>
    new ValueError(
      `${where}: ${arg} must be a number (or a list of two numbers) in the range ` +
        `[${bounds[0]}, ${bounds[1]}]; received ${arg}=${JSON.stringify(factor)}`,
    );
  if (Array.isArray(factor)) {
    const [a, b] = factor as unknown[];
    if (factor.length !== 2 || typeof a !== "number" || typeof b !== "number") throw bad();
    if (a > bounds[1] || b < bounds[0]) throw bad();
    return a <= b ? [a, b] : [b, a];
  }
  if (typeof factor !== "number" || !Number.isFinite(factor)) throw bad();
  if (factor < bounds[0] || factor > bounds[1]) throw bad();
  const f = Math.abs(factor);
  return [Math.max(-f, bounds[0]), f];
}

/** A `valueRange` [low, high] with low < high (Keras's `value_range`, e.g. [0, 255]). */
export function checkValueRange(value: unknown, where: string): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== "number" ||
    typeof value[1] !== "number" ||
    !(value[0] < value[1])
  ) {
    throw new ValueError(
      `${where}: valueRange must be [low, high] with low < high; received ${JSON.stringify(value)}`,
    );
  }
  return [value[0], value[1]];
}

/**
 * Keras's `_transform_value_range`: maps values linearly from range `from` to range `to`
 * (unchanged when the ranges are equal), in `dtype`.
 */
export function transformValueRange(
  images: Tensor,
  from: readonly [number, number],
  to: readonly [number, number],
  dtype: "float32" | "float64" = "float32",
): Tensor {
  if (from[0] === to[0] && from[1] === to[1]) return images;
  const unit = divide(subtract(cast(images, dtype), from[0]), from[1] - from[0]);
  return add(multiply(unit, to[1] - to[0]), to[0]);
}
