/**
 * The augmentation operations that Keras's policy layers (RandAugment, AugMix) choose from, each
 * an existing Strata layer built at the policy's strength `factor` = [lower, upper] as Keras 3.16
 * builds them: shear, translation and rotation with the factor pair and the policy's
 * `interpolation`; brightness, colour degeneration, contrast and sharpness with the factor pair and
 * `valueRange`; solarization with the pair as both its addition and threshold factors;
 * posterization with max(1, ⌊8 · upper⌋) bits; AutoContrast and Equalization as they are. Every
 * random operation gets the policy's `seed`, so a seeded policy replays the same draws.
 */
import { ValueError } from "../../../errors.js";
import type { DType } from "../../../tensor/dtype.js";
import type { AffineInterpolation } from "../image/affine-layer.js";
import type { BaseImagePreprocessingLayer, DataFormat } from "../image/base-image-layer.js";
import { RandomRotation } from "../image/random-rotation.js";
import { RandomShear } from "../image/random-shear.js";
import { RandomTranslation } from "../image/random-translation.js";
import { AutoContrast } from "./auto-contrast.js";
import { Equalization } from "./equalization.js";
import { RandomBrightness } from "./random-brightness.js";
import { RandomColorDegeneration } from "./random-color-degeneration.js";
import { RandomContrast } from "./random-contrast.js";
import { RandomPosterization } from "./random-posterization.js";
import { RandomSharpness } from "./random-sharpness.js";
import { Solarization } from "./solarization.js";

/** Keras's attribute names of the operations. */
export type AugmentOpName =
  | "random_shear"
  | "random_translation"
  | "random_rotation"
  | "random_brightness"
  | "random_color_degeneration"
  | "random_contrast"
  | "random_sharpness"
  | "random_posterization"
  | "solarization"
  | "auto_contrast"
  | "equalization";

export interface AugmentOpSettings {
  factor: [number, number];
  valueRange: [number, number];
  interpolation: AffineInterpolation;
  seed: number | null;
  dataFormat: DataFormat;
  dtype: DType;
}

const INTERPOLATIONS: readonly AffineInterpolation[] = ["nearest", "bilinear"];

/** Checks a policy's `interpolation` ("nearest" or "bilinear"). */
export function checkInterpolation(value: unknown, where: string): AffineInterpolation {
  if (!INTERPOLATIONS.includes(value as AffineInterpolation)) {
    throw new ValueError(
      `${where}: interpolation must be one of ${INTERPOLATIONS.map((s) => `"${s}"`).join(", ")}; ` +
        `received ${JSON.stringify(value)}`,
    );
  }
  return value as AffineInterpolation;
}

/** Checks a count argument: an integer ≥ `min`. */
export function checkCount(value: unknown, min: number, where: string, arg: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: ${arg} must be an integer ≥ ${min}; received ${arg}=${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Builds one operation at the policy's settings. */
export function makeAugmentOp(
  name: AugmentOpName,
  s: AugmentOpSettings,
): BaseImagePreprocessingLayer {
  const common = { seed: s.seed, dataFormat: s.dataFormat, dtype: s.dtype };
  const affine = { ...common, interpolation: s.interpolation };
  const color = { ...common, valueRange: s.valueRange };
  const f = s.factor;
  switch (name) {
    case "random_shear":
      return new RandomShear({ ...affine, xFactor: f, yFactor: f });
    case "random_translation":
      return new RandomTranslation(f, f, affine);
    case "random_rotation":
      return new RandomRotation(f, affine);
    case "random_brightness":
      return new RandomBrightness(f, color);
    case "random_color_degeneration":
      return new RandomColorDegeneration(f, color);
    case "random_contrast":
      return new RandomContrast(f, color);
    case "random_sharpness":
      return new RandomSharpness(f, color);
    case "random_posterization":
      return new RandomPosterization(Math.max(1, Math.trunc(8 * f[1])), color);
    case "solarization":
      return new Solarization({ ...color, additionFactor: f, thresholdFactor: f });
    case "auto_contrast":
      return new AutoContrast({
        valueRange: s.valueRange,
        dataFormat: s.dataFormat,
        dtype: s.dtype,
      });
    case "equalization":
      return new Equalization({
        valueRange: s.valueRange,
        dataFormat: s.dataFormat,
        dtype: s.dtype,
      });
  }
}

/** The attribute holding an operation, as Keras names it in camel case ("random_shear" → "randomShear"). */
export function opAttribute(name: AugmentOpName): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Builds the operations `names` onto `owner` as single attributes (`owner.randomShear`, …), where
 * the `.keras` weights layout finds sub-layers under Keras's attribute names, and returns them in
 * order.
 */
export function attachAugmentOps(
  owner: object,
  names: readonly AugmentOpName[],
  settings: AugmentOpSettings,
): BaseImagePreprocessingLayer[] {
  return names.map((name) => {
    const op = makeAugmentOp(name, settings);
    Object.defineProperty(owner, opAttribute(name), { value: op, enumerable: true });
    return op;
  });
}

/** A uniform choice among `n` items from a host stream value u in [0, 1). */
export function choiceIndex(u: number, n: number): number {
  return Math.min(n - 1, Math.floor(u * n));
}
