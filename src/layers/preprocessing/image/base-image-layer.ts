/**
 * `BaseImagePreprocessingLayer`: what Keras's image preprocessing and augmentation layers share
 * (Keras's `BaseImagePreprocessingLayer`), for images only (no bounding boxes, labels or
 * segmentation masks). A subclass implements one method and states whether it is random:
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
 */
import { ShapeError, ValueError } from "../../../errors.js";
import { add, cast, divide, multiply, subtract } from "../../../ops/elementwise.js";
import { type DataFormat, checkDataFormat, spatialAxes } from "../../../ops/image/image-args.js";
import { expandDims, squeeze } from "../../../ops/movement.js";
import type { DType } from "../../../tensor/dtype.js";
import { type Generator, SeedGenerator } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { checkSeed } from "../../core/dropout.js";
import { type CallOptions, Layer, type LayerArgs } from "../../layer.js";
import type { ShapeSpec } from "../../shape-spec.js";

export type { DataFormat } from "../../../ops/image/image-args.js";

export interface BaseImageLayerArgs extends LayerArgs {
  /** "channels_last" (default, [B, H, W, C]) or "channels_first" ([B, C, H, W]). */
  dataFormat?: DataFormat | null;
  /** Fixes a random layer's stream; without it the stream is forked from the global one. */
  seed?: number | null;
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
}

export abstract class BaseImagePreprocessingLayer extends Layer {
  readonly dataFormat: DataFormat;
  /** The seed given (random layers), null otherwise or when none was given. */
  readonly seed: number | null;
  readonly isRandom: boolean;
  private readonly castInputs: boolean;
  private readonly seedGenerator: SeedGenerator | null;

  constructor(args: BaseImageLayerArgs = {}, kind: ImageLayerKind = {}) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat, this.where());
    this.isRandom = kind.random ?? false;
    this.castInputs = kind.castInputs ?? true;
    this.seed = checkSeed(args.seed, this.where());
    const seeded = kind.seeded ?? this.isRandom;
    this.seedGenerator = seeded ? new SeedGenerator(this.seed ?? undefined) : null;
    this.built = true;
  }

  /**
   * Transforms a batch (rank 4, in `this.dataFormat`). Random layers are called only in
   * training, and `training` is then true; other layers are called always.
   */
  protected abstract transformImages(images: Tensor, training: boolean): Tensor;

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
    const out = this.transformImages(batch, training);
    return images.rank === 3 ? squeeze(out, 0) : out;
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
