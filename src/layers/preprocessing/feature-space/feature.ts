/**
 * The two specifications a FeatureSpace is made of (Keras's `Feature` and `Cross` in
 * feature_space.py): a feature is its input dtype, the preprocessing layer that turns its raw
 * values into numbers, and how that output is encoded; a cross names two or more features whose
 * preprocessed values are hashed together into `crossingDim` bins. Both serialize as Keras writes
 * them inside a FeatureSpace's config.
 */
import { ValueError } from "../../../errors.js";
import { isKerasObject } from "../../../nn/serialization.js";
import { type DTypeName, checkDType } from "../../../tensor/dtype.js";
import { Layer } from "../../layer.js";
import { type CustomObjects, deserializeLayer, serializeLayer } from "../../registry.js";
import { FEATURE_SPACE_MODULE } from "./data-layers.js";

/** How a feature's preprocessed value is encoded: kept as is ("int", "float") or one-hot. */
export type FeatureOutputMode = "int" | "one_hot" | "float";
/** How a cross's bin is encoded. */
export type CrossOutputMode = "int" | "one_hot";

/** Keras's envelope for a non-exported class of feature_space.py. */
function envelope(className: string, config: Record<string, unknown>): Record<string, unknown> {
  return {
    module: FEATURE_SPACE_MODULE,
    class_name: className,
    config,
    registered_name: className,
  };
}

function checkMode<T extends string>(mode: unknown, allowed: readonly T[], where: string): T {
  if (!allowed.includes(mode as T)) {
    throw new ValueError(
      `${where}: invalid value for argument \`outputMode\`; expected one of ` +
        `${allowed.map((m) => `"${m}"`).join(", ")}; received outputMode=${JSON.stringify(mode)}`,
    );
  }
  return mode as T;
}

/** One feature: its input dtype, its preprocessing layer and its output encoding. */
export class Feature {
  readonly dtype: DTypeName;
  readonly preprocessor: Layer;
  readonly outputMode: FeatureOutputMode;

  constructor(dtype: DTypeName, preprocessor: Layer, outputMode: FeatureOutputMode) {
    checkDType(dtype, "FeatureSpace.feature dtype");
    if (!(preprocessor instanceof Layer)) {
      throw new ValueError(
        `FeatureSpace.feature: preprocessor must be a Layer; received ${String(preprocessor)}`,
      );
    }
    this.dtype = dtype;
    this.preprocessor = preprocessor;
    this.outputMode = checkMode(outputMode, ["int", "one_hot", "float"], "FeatureSpace.feature");
  }

  getConfig(): Record<string, unknown> {
    return {
      dtype: this.dtype,
      preprocessor: serializeLayer(this.preprocessor),
      output_mode: this.outputMode,
    };
  }

  /** Keras's envelope `{module, class_name: "Feature", config, registered_name}`. */
  serialize(): Record<string, unknown> {
    return envelope("Feature", this.getConfig());
  }

  static fromConfig(config: Record<string, unknown>, customObjects: CustomObjects = {}): Feature {
    return new Feature(
      config.dtype as DTypeName,
      deserializeLayer(config.preprocessor, customObjects),
      config.output_mode as FeatureOutputMode,
    );
  }
}

/** A crossing of features, hashed into `crossingDim` bins by a HashedCrossing layer. */
export class Cross {
  readonly featureNames: readonly string[];
  readonly crossingDim: number;
  readonly outputMode: CrossOutputMode;

  constructor(
    featureNames: readonly string[],
    crossingDim: number,
    outputMode: CrossOutputMode = "one_hot",
  ) {
    this.outputMode = checkMode(outputMode, ["int", "one_hot"], "FeatureSpace.cross");
    if (!Array.isArray(featureNames) || !featureNames.every((n) => typeof n === "string")) {
      throw new ValueError(
        `FeatureSpace.cross: featureNames must be a list of feature names; received ${JSON.stringify(featureNames)}`,
      );
    }
    if (!Number.isInteger(crossingDim) || crossingDim <= 0) {
      throw new ValueError(
        `FeatureSpace.cross: crossingDim must be a positive integer; received crossingDim=${String(crossingDim)}`,
      );
    }
    this.featureNames = [...featureNames];
    this.crossingDim = crossingDim;
  }

  /** Keras's name for the cross: the feature names joined by "_X_". */
  get name(): string {
    return this.featureNames.join("_X_");
  }

  getConfig(): Record<string, unknown> {
    return {
      feature_names: [...this.featureNames],
      crossing_dim: this.crossingDim,
      output_mode: this.outputMode,
    };
  }

  serialize(): Record<string, unknown> {
    return envelope("Cross", this.getConfig());
  }

  static fromConfig(config: Record<string, unknown>): Cross {
    return new Cross(
      config.feature_names as string[],
      config.crossing_dim as number,
      config.output_mode as CrossOutputMode,
    );
  }
}

/** A serialized Feature or Cross (`{class_name: "Feature", config}`) back as the object. */
export function deserializeSpec(
  value: unknown,
  customObjects: CustomObjects = {},
): Feature | Cross | null {
  if (!isKerasObject(value)) return null;
  const config = value.config as Record<string, unknown>;
  if (value.class_name === "Feature") return Feature.fromConfig(config, customObjects);
  if (value.class_name === "Cross") return Cross.fromConfig(config);
  throw new ValueError(
    `FeatureSpace: expected a serialized Feature or Cross; received class_name=${JSON.stringify(value.class_name)}`,
  );
}
