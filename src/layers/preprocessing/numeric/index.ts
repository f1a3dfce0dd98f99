/** Numeric and categorical preprocessing layers (Rescaling, Normalization, Discretization, CategoryEncoding, color augmentation). */
export { Rescaling, type RescalingArgs, type RescalingValue } from "./rescaling.js";
