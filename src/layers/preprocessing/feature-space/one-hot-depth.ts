/**
 * How many values a discrete preprocessor can output, which sizes the CategoryEncoding that
 * one-hot encodes its feature (Keras's cardinality switch in `FeatureSpace._merge_features`).
 */
import type { Layer } from "../../layer.js";
import { CategoryEncoding } from "../numeric/category-encoding.js";
import { Discretization } from "../numeric/discretization.js";
import { HashedCrossing } from "../text/hashed-crossing.js";
import { Hashing } from "../text/hashing.js";

/** The number of distinct outputs of `layer`, or null when it is not a known discrete layer. */
export function oneHotDepth(layer: Layer): number | null {
  if (layer instanceof CategoryEncoding) return layer.numTokens;
  // Keras reads `num_bins`, unset when the layer was given bin boundaries; the bin count is the
  // same number and is known either way.
  if (layer instanceof Discretization) return layer.depth;
  if (layer instanceof Hashing || layer instanceof HashedCrossing) return layer.numBins;
  return null;
}
