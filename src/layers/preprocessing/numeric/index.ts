/** Numeric and categorical preprocessing layers (Rescaling, Normalization, Discretization, CategoryEncoding, color augmentation). */
export { Rescaling, type RescalingArgs, type RescalingValue } from "./rescaling.js";
export { Normalization, type NormalizationArgs } from "./normalization.js";
export type { AdaptData, AdaptBatch, AdaptOptions } from "./adapt-data.js";
