/**
 * Keras's built-in feature types (`FeatureSpace.float`, `float_normalized`, … and their string
 * names such as "float_normalized"): each is a Feature with the preprocessing layer Keras picks,
 * named `<name>_preprocessor`, and Keras's default encoding.
 */
import { ValueError } from "../../../errors.js";
import { uniqueName } from "../../names.js";
import { Normalization } from "../numeric/normalization.js";
import { Rescaling } from "../numeric/rescaling.js";
import { Discretization } from "../numeric/discretization.js";
import { Hashing } from "../text/hashing.js";
import { IntegerLookup } from "../text/integer-lookup.js";
import { StringLookup } from "../text/string-lookup.js";
import { TFDIdentity } from "./data-layers.js";
import { Feature, type FeatureOutputMode } from "./feature.js";

/** The encoding of a discrete feature: its integer index, or a one-hot vector (the default). */
export type DiscreteOutputMode = Exclude<FeatureOutputMode, "float">;

export interface NamedOptions {
  /** the feature's name, which names its preprocessor `<name>_preprocessor` */
  name?: string | null;
}

export interface RescaledOptions extends NamedOptions {
  scale?: number;
  offset?: number;
}

export interface DiscretizedOptions extends NamedOptions {
  binBoundaries?: readonly number[] | null;
  outputMode?: DiscreteOutputMode;
}

export interface CategoricalOptions extends NamedOptions {
  maxTokens?: number | null;
  numOovIndices?: number;
  outputMode?: DiscreteOutputMode;
}

export interface HashedOptions extends NamedOptions {
  outputMode?: DiscreteOutputMode;
}

/** The string names of the built-in feature types. */
export type FeatureTypeName =
  | "float"
  | "float_rescaled"
  | "float_normalized"
  | "float_discretized"
  | "integer_categorical"
  | "string_categorical"
  | "integer_hashed"
  | "string_hashed";

const named = (opts: NamedOptions, prefix: string): string => opts.name ?? uniqueName(prefix);

/** Plain float values, passed through. */
export function floatFeature(opts: NamedOptions = {}): Feature {
  const name = named(opts, "float");
  return new Feature(
    "float32",
    new TFDIdentity({ dtype: "float32", name: `${name}_preprocessor` }),
    "float",
  );
}

/** Float values rescaled by a Rescaling layer: x · scale + offset. */
export function floatRescaledFeature(opts: RescaledOptions = {}): Feature {
  const name = named(opts, "float_rescaled");
  const layer = new Rescaling(opts.scale ?? 1, {
    offset: opts.offset ?? 0,
    name: `${name}_preprocessor`,
  });
  return new Feature("float32", layer, "float");
}

/** Float values standardized by a Normalization layer adapted on the data. */
export function floatNormalizedFeature(opts: NamedOptions = {}): Feature {
  const name = named(opts, "float_normalized");
  return new Feature(
    "float32",
    new Normalization({ axis: -1, name: `${name}_preprocessor` }),
    "float",
  );
}

/** Float values bucketed by a Discretization layer; one-hot encoded by default. */
export function floatDiscretizedFeature(numBins: number, opts: DiscretizedOptions = {}): Feature {
  const name = named(opts, "float_discretized");
  const boundaries = opts.binBoundaries ?? null;
  // Keras passes both to Discretization; ours takes one of them, as Keras's docs ask.
  const layer = new Discretization({
    ...(boundaries === null ? { numBins } : { binBoundaries: boundaries }),
    name: `${name}_preprocessor`,
  });
  return new Feature("float32", layer, opts.outputMode ?? "one_hot");
}

/** Integer values indexed by an IntegerLookup adapted on the data; one-hot encoded by default. */
export function integerCategoricalFeature(opts: CategoricalOptions = {}): Feature {
  const name = named(opts, "integer_categorical");
  const layer = new IntegerLookup({
    name: `${name}_preprocessor`,
    maxTokens: opts.maxTokens ?? null,
    numOovIndices: opts.numOovIndices ?? 1,
  });
  return new Feature("int32", layer, opts.outputMode ?? "one_hot");
}

/** String values indexed by a StringLookup adapted on the data; one-hot encoded by default. */
export function stringCategoricalFeature(opts: CategoricalOptions = {}): Feature {
  const name = named(opts, "string_categorical");
  const layer = new StringLookup({
    name: `${name}_preprocessor`,
    maxTokens: opts.maxTokens ?? null,
    numOovIndices: opts.numOovIndices ?? 1,
  });
  return new Feature("string", layer, opts.outputMode ?? "one_hot");
}

/** Integer values hashed into `numBins` bins; one-hot encoded by default. */
export function integerHashedFeature(numBins: number, opts: HashedOptions = {}): Feature {
  const name = named(opts, "integer_hashed");
  return new Feature(
    "int32",
    new Hashing(numBins, { name: `${name}_preprocessor` }),
    opts.outputMode ?? "one_hot",
  );
}

/** String values hashed into `numBins` bins; one-hot encoded by default. */
export function stringHashedFeature(numBins: number, opts: HashedOptions = {}): Feature {
  const name = named(opts, "string_hashed");
  return new Feature(
    "string",
    new Hashing(numBins, { name: `${name}_preprocessor` }),
    opts.outputMode ?? "one_hot",
  );
}

/** The defaults a FeatureSpace gives features named by their type. */
export interface FeatureDefaults {
  hashingDim: number;
  numDiscretizationBins: number;
}

/** Keras's `_standardize_feature` for a type name: the feature with the FeatureSpace's defaults. */
export function featureOfType(type: string, name: string, defaults: FeatureDefaults): Feature {
  switch (type) {
    case "float":
      return floatFeature({ name });
    case "float_normalized":
      return floatNormalizedFeature({ name });
    case "float_rescaled":
      return floatRescaledFeature({ name });
    case "float_discretized":
      return floatDiscretizedFeature(defaults.numDiscretizationBins, { name });
    case "integer_categorical":
      return integerCategoricalFeature({ name });
    case "string_categorical":
      return stringCategoricalFeature({ name });
    case "integer_hashed":
      return integerHashedFeature(defaults.hashingDim, { name });
    case "string_hashed":
      return stringHashedFeature(defaults.hashingDim, { name });
    default:
      throw new ValueError(
        `FeatureSpace: invalid feature type for "${name}": ${JSON.stringify(type)}; expected a ` +
          `Feature or one of "float", "float_rescaled", "float_normalized", "float_discretized", ` +
          `"integer_categorical", "string_categorical", "integer_hashed", "string_hashed"`,
      );
  }
}
