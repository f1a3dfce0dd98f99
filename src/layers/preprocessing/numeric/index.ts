/** Numeric and categorical preprocessing layers (Rescaling, Normalization, Discretization, CategoryEncoding, color augmentation). */
export { Rescaling, type RescalingArgs, type RescalingValue } from "./rescaling.js";
export { Normalization, type NormalizationArgs } from "./normalization.js";
export type { AdaptData, AdaptBatch, AdaptOptions } from "./adapt-data.js";
export {
  Discretization,
  type DiscretizationArgs,
  type DiscretizationOutputMode,
} from "./discretization.js";
export {
  CategoryEncoding,
  type CategoryEncodingArgs,
  type CategoryEncodingCallOptions,
} from "./category-encoding.js";
export type { EncodingMode } from "./categorical-encoding.js";
export { RandomContrast, type RandomContrastArgs } from "./random-contrast.js";
export { RandomBrightness, type RandomBrightnessArgs } from "./random-brightness.js";
export { RandomGrayscale, type RandomGrayscaleArgs } from "./random-grayscale.js";
export { RandomColorDegeneration } from "./random-color-degeneration.js";
export type { ColorFactorArgs } from "./color-args.js";
export { RandomSaturation } from "./random-saturation.js";
export { RandomHue } from "./random-hue.js";
export { RandomInvert, type RandomInvertArgs } from "./random-invert.js";
export { RandomPosterization } from "./random-posterization.js";
export { Solarization, type SolarizationArgs, type UnitFactor } from "./solarization.js";
export { AutoContrast, type AutoContrastArgs } from "./auto-contrast.js";
export { Equalization, type EqualizationArgs } from "./equalization.js";
export { RandomSharpness } from "./random-sharpness.js";
export { RandomColorJitter, type RandomColorJitterArgs } from "./random-color-jitter.js";
export { MixUp, type MixUpArgs, type ImagesAndLabels } from "./mix-up.js";
export { CutMix, type CutMixArgs } from "./cut-mix.js";
export { RandomErasing, type RandomErasingArgs } from "./random-erasing.js";
export { RandomGaussianBlur, type RandomGaussianBlurArgs } from "./random-gaussian-blur.js";
export { RandAugment, type RandAugmentArgs } from "./rand-augment.js";
export { AugMix, type AugMixArgs } from "./aug-mix.js";
