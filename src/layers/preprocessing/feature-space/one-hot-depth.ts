/**
 * How many values a discrete preprocessor can output, which sizes the CategoryEncoding that
 * one-hot encodes its feature (Keras's cardinality switch in `FeatureSpace._merge_features`).
 */
import type { Layer } from "../../layer.js";
import { CategoryEncoding } from "../numeric/category-encoding.js";
import { Discretization } from "../numeric/discretization.js";
import { HashedCrossing } from "../text/hashed-crossing.js";
import { Hashing } from "../text/hashing.js";
import { IndexLookup } from "../text/index-lookup.js";

/** The number of distinct outputs of `layer`, or null when it is not a known discrete layer. */
export function oneHotDepth(layer: Layer): number | null {
  if (layer instanceof IndexLookup) return layer.vocabularySize();
  if (layer instanceof CategoryEncoding) return layer.numTokens;
  // Keras reads `num_bins` (adapt may learn fewer distinct boundaries: the vector keeps its
  // size). Keras leaves it unset when the layer was given bin boundaries, and then cannot encode
  // the feature; the number of bins is known, so it is used.
  if (layer instanceof Discretization) return layer.numBins ?? layer.depth;
  if (layer instanceof Hashing || layer instanceof HashedCrossing) return layer.numBins;
  return null;
}
