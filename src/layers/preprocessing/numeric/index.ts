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
