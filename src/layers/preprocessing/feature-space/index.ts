/** Keras's `utils.FeatureSpace` for structured data, with its feature and cross specifications. */
export {
  FeatureSpace,
  type CrossSpec,
  type EncodedFeatures,
  type FeatureSpaceOptions,
  type FeatureSpaceOutputMode,
  type FeatureSpec,
} from "./feature-space.js";
export { Cross, Feature, type CrossOutputMode, type FeatureOutputMode } from "./feature.js";
export type { FeatureData, FeatureValue } from "./feature-input.js";
export type { AdaptSource as FeatureSpaceAdaptData } from "./adapt-stream.js";
export type {
  CategoricalOptions,
  DiscreteOutputMode,
  DiscretizedOptions,
  FeatureTypeName,
  HashedOptions,
  NamedOptions,
  RescaledOptions,
} from "./feature-types.js";
