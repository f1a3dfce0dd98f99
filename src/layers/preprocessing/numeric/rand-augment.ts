/**
 * Keras `RandAugment`: in training, applies `numOps` operations in sequence to the batch, each
 * chosen uniformly (with repetition) from Keras's eleven — shear, translation, rotation,
 * brightness, colour degeneration, contrast, sharpness, posterization, solarization,
 * AutoContrast, Equalization — all built at the strength `factor` (a number f in [0, 1] gives
 * [0, f]; default 0.5) with `valueRange` and `interpolation` (augment-ops.ts). As in Keras the
 * choice is made once per batch and each operation draws its own parameters per image (only
 * the chosen ones draw; Keras draws for all eleven and uses the chosen). The identity at
 * inference.
 */
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { AffineInterpolation } from "../image/affine-layer.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  parseFactor,
} from "../image/base-image-layer.js";
import {
  type AugmentOpName,
  checkCount,
  checkInterpolation,
  choiceIndex,
  attachAugmentOps,
} from "./augment-ops.js";
import { sortedValueRange } from "./color-args.js";

/** Keras's `_AUGMENT_LAYERS` of RandAugment, in its order. */
export const RAND_AUGMENT_OPS: readonly AugmentOpName[] = [
  "random_shear",
  "random_translation",
  "random_rotation",
  "random_brightness",
  "random_color_degeneration",
  "random_contrast",
  "random_sharpness",
  "random_posterization",
  "solarization",
  "auto_contrast",
  "equalization",
];

export interface RandAugmentArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
  /** how many operations are applied in sequence (default 2) */
  numOps?: number;
  /** the operations' strength in [0, 1]: a number f gives [0, f] (default 0.5) */
  factor?: number | readonly [number, number];
  /** for shear, translation and rotation: "bilinear" (default) or "nearest" */
  interpolation?: AffineInterpolation;
}

export class RandAugment extends BaseImagePreprocessingLayer {
  readonly valueRange: [number, number];
  readonly numOps: number;
  readonly factor: [number, number];
  readonly interpolation: AffineInterpolation;
  // Kept off the enumerable attributes: the .keras layout finds each op as its own attribute.
  readonly #ops: readonly BaseImagePreprocessingLayer[];

  constructor(args: RandAugmentArgs = {}) {
    super(args, { random: true });
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
    this.numOps = checkCount(args.numOps ?? 2, 0, this.where(), "numOps");
    this.factor = parseFactor(args.factor ?? 0.5, [0, 1], this.where());
    this.interpolation = checkInterpolation(args.interpolation ?? "bilinear", this.where());
    const settings = {
      factor: this.factor,
      valueRange: this.valueRange,
      interpolation: this.interpolation,
      seed: this.seed,
      dataFormat: this.dataFormat,
      dtype: this.dtype,
    };
    this.#ops = attachAugmentOps(this, RAND_AUGMENT_OPS, settings);
  }

  /** The indices (into `RAND_AUGMENT_OPS`) of the operations for one batch. */
  drawOps(): number[] {
    return Array.from({ length: this.numOps }, () =>
      choiceIndex(this.rng.uniform(), this.#ops.length),
    );
  }

  /** The operations chosen from, in Keras's order; each is also the attribute Keras names it. */
  get ops(): readonly BaseImagePreprocessingLayer[] {
    return this.#ops;
  }

  protected transformImages(images: Tensor): Tensor {
    let out = images;
    for (const i of this.drawOps()) out = this.#ops[i]!.apply(out, { training: true });
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      value_range: [...this.valueRange],
      num_ops: this.numOps,
      factor: [...this.factor],
      interpolation: this.interpolation,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandAugment {
    return new RandAugment(fromKerasConfig(config) as RandAugmentArgs);
  }
}

registerKerasLayers({ RandAugment });
