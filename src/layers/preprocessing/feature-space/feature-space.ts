/**
 * Keras `utils.FeatureSpace`: one object that preprocesses and encodes structured data. Each
 * named feature has a preprocessing layer (Normalization, Discretization, a lookup, Hashing …)
 * adapted on the data; discrete outputs are one-hot encoded by CategoryEncoding layers; crosses
 * hash the preprocessed values of two or more features together with HashedCrossing. The
 * encoded features come out concatenated (features sorted by name, then crosses sorted by name,
 * as Keras orders them) or as a dict.
 *
 * The same layers serve both uses Keras has: called on a dict of tensors or raw arrays (in a
 * `Dataset.map` for training), and applied to `getInputs()` to give `getEncodedFeatures()`, the
 * symbolic outputs a functional model is built on, so an inference model takes raw values.
 */
import { ValueError, checkOptionNames } from "../../../errors.js";
import type { KerasObject } from "../../../nn/serialization.js";
import type { TensorLike } from "../../../ops/core.js";
import { squeeze } from "../../../ops/movement.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { Input } from "../../core/input.js";
import { type CallOptions, Layer, SymbolicTensor } from "../../layer.js";
import { type CustomObjects, buildConfigOf, registerBuiltInLayer } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { CategoryEncoding } from "../numeric/category-encoding.js";
import { Discretization } from "../numeric/discretization.js";
import { Normalization } from "../numeric/normalization.js";
import { HashedCrossing } from "../text/hashed-crossing.js";
import { type AdaptSource, adaptPasses } from "./adapt-stream.js";
import { TFDConcat } from "./data-layers.js";
import { loadFeatureSpaceFile, saveFeatureSpaceFile } from "./feature-space-file.js";
import { Cross, type CrossOutputMode, Feature, deserializeSpec } from "./feature.js";
import { type FeatureData, featureColumn, isRecord } from "./feature-input.js";
import {
  type DiscretizedOptions,
  type FeatureTypeName,
  type CategoricalOptions,
  type HashedOptions,
  type NamedOptions,
  type RescaledOptions,
  featureOfType,
  floatDiscretizedFeature,
  floatFeature,
  floatNormalizedFeature,
  floatRescaledFeature,
  integerCategoricalFeature,
  integerHashedFeature,
  stringCategoricalFeature,
  stringHashedFeature,
} from "./feature-types.js";
import { oneHotDepth } from "./one-hot-depth.js";

export type FeatureSpaceOutputMode = "concat" | "dict";

/** A feature: a Feature, a built-in type's name, or a serialized Feature. */
export type FeatureSpec = Feature | FeatureTypeName | KerasObject;
/** A cross: a Cross, the names of the features to cross, or a serialized Cross. */
export type CrossSpec = Cross | readonly string[] | KerasObject;

export interface FeatureSpaceOptions<M extends FeatureSpaceOutputMode = FeatureSpaceOutputMode> {
  /** "concat" (default): one vector per sample; "dict": each encoded feature by name */
  outputMode?: M;
  /** features to cross, e.g. `[["sex", "age"]]` or `[FeatureSpace.cross(["sex", "age"], 64)]` */
  crosses?: readonly CrossSpec[] | null;
  /** bins of the crosses given as name lists (default 32) */
  crossingDim?: number | null;
  /** bins of features named "integer_hashed" / "string_hashed" (default 32) */
  hashingDim?: number;
  /** bins of features named "float_discretized" (default 32) */
  numDiscretizationBins?: number;
  name?: string;
}

/** The encoded features: one tensor in "concat" mode, a dict by name in "dict" mode. */
export type EncodedFeatures<M extends FeatureSpaceOutputMode, T = Tensor> = M extends "dict"
  ? Record<string, T>
  : T;

/** A preprocessing layer that learns its state from data. */
interface Adaptable {
  adapt(data: AsyncIterable<Tensor>): Promise<void> | void;
}

function isAdaptable(layer: Layer): layer is Layer & Adaptable {
  return typeof (layer as Partial<Adaptable>).adapt === "function";
}

/** A preprocessing layer whose adapt state is updated batch by batch (Keras's `update_state`). */
interface Streaming {
  resetState(): void;
  updateState(batch: Tensor): void;
  finalizeState(): void;
}

function isStreaming(layer: Layer): layer is Layer & Streaming {
  const l = layer as Partial<Streaming>;
  return (
    typeof l.resetState === "function" &&
    typeof l.updateState === "function" &&
    typeof l.finalizeState === "function"
  );
}

const sortedKeys = (o: object): string[] => Object.keys(o).sort();

export class FeatureSpace<M extends FeatureSpaceOutputMode = "concat"> extends Layer {
  readonly features: Readonly<Record<string, Feature>>;
  readonly crosses: readonly Cross[];
  readonly crossesByName: Readonly<Record<string, Cross>>;
  readonly outputMode: M;
  readonly crossingDim: number | null;
  readonly hashingDim: number;
  readonly numDiscretizationBins: number;
  /** each feature's preprocessing layer, by feature name */
  readonly preprocessors: Readonly<Record<string, Layer>>;
  /** each cross's HashedCrossing layer, by cross name ("a_X_b") */
  readonly crossers: Readonly<Record<string, HashedCrossing>>;
  /** the CategoryEncoding of each one-hot feature or cross, made with the encoded features */
  readonly oneHotEncoders: Record<string, CategoryEncoding> = {};
  private concat: TFDConcat | null = null;
  private readonly symbolicInputs: Readonly<Record<string, SymbolicTensor>>;
  private encoded: EncodedFeatures<M, SymbolicTensor> | null = null;
  private isAdapted = false;
  private sublayersBuilt = false;
  private encodersMade = false;

  // ------------------------------------------------------------ feature types (Keras's classmethods)

  /** A cross of features hashed into `crossingDim` bins; one-hot encoded by default. */
  static cross(
    featureNames: readonly string[],
    crossingDim: number,
    opts: { outputMode?: CrossOutputMode } = {},
  ): Cross {
    return new Cross(featureNames, crossingDim, opts.outputMode ?? "one_hot");
  }

  /** A feature with your own preprocessing layer (Keras `FeatureSpace.feature`). */
  static feature(
    dtype: Feature["dtype"],
    preprocessor: Layer,
    outputMode: Feature["outputMode"],
  ): Feature {
    return new Feature(dtype, preprocessor, outputMode);
  }

  static float(opts: NamedOptions = {}): Feature {
    return floatFeature(opts);
  }

  static floatRescaled(opts: RescaledOptions = {}): Feature {
    return floatRescaledFeature(opts);
  }

  static floatNormalized(opts: NamedOptions = {}): Feature {
    return floatNormalizedFeature(opts);
  }

  static floatDiscretized(numBins: number, opts: DiscretizedOptions = {}): Feature {
    return floatDiscretizedFeature(numBins, opts);
  }

  static integerCategorical(opts: CategoricalOptions = {}): Feature {
    return integerCategoricalFeature(opts);
  }

  static stringCategorical(opts: CategoricalOptions = {}): Feature {
    return stringCategoricalFeature(opts);
  }

  static integerHashed(numBins: number, opts: HashedOptions = {}): Feature {
    return integerHashedFeature(numBins, opts);
  }

  static stringHashed(numBins: number, opts: HashedOptions = {}): Feature {
    return stringHashedFeature(numBins, opts);
  }

  // ------------------------------------------------------------ construction

  constructor(features: Readonly<Record<string, FeatureSpec>>, opts: FeatureSpaceOptions<M> = {}) {
    super({ name: opts.name });
    checkOptionNames("FeatureSpace", opts, [
      "outputMode",
      "crosses",
      "crossingDim",
      "hashingDim",
      "numDiscretizationBins",
      "name",
    ]);
    if (!features || Object.keys(features).length === 0) {
      throw new ValueError(`${this.where()}: the \`features\` argument cannot be null or empty`);
    }
    this.crossingDim = opts.crossingDim === undefined ? 32 : opts.crossingDim;
    this.hashingDim = opts.hashingDim ?? 32;
    this.numDiscretizationBins = opts.numDiscretizationBins ?? 32;
    const defaults = {
      hashingDim: this.hashingDim,
      numDiscretizationBins: this.numDiscretizationBins,
    };
    const standardized: Record<string, Feature> = {};
    for (const [name, spec] of Object.entries(features)) {
      if (spec instanceof Feature) standardized[name] = spec;
      else if (typeof spec === "string") standardized[name] = featureOfType(spec, name, defaults);
      else {
        const f = deserializeSpec(spec);
        if (!(f instanceof Feature)) {
          throw new ValueError(
            `${this.where()}: feature "${name}" must be a Feature or a feature type name; received ${JSON.stringify(spec)}`,
          );
        }
        standardized[name] = f;
      }
    }
    this.features = standardized;
    this.crosses = (opts.crosses ?? []).map((c) => this.standardizeCross(c));
    this.crossesByName = Object.fromEntries(this.crosses.map((c) => [c.name, c]));
    const outputMode = opts.outputMode ?? ("concat" as M);
    if (outputMode !== "concat" && outputMode !== "dict") {
      throw new ValueError(
        `${this.where()}: invalid value for argument \`outputMode\`; expected "dict" or ` +
          `"concat"; received outputMode=${JSON.stringify(outputMode)}`,
      );
    }
    this.outputMode = outputMode;
    this.symbolicInputs = Object.fromEntries(
      Object.entries(standardized).map(([name, f]) => [
        name,
        Input({ shape: [1], dtype: f.dtype, name }),
      ]),
    );
    this.preprocessors = Object.fromEntries(
      Object.entries(standardized).map(([name, f]) => [name, f.preprocessor]),
    );
    this.crossers = Object.fromEntries(
      this.crosses.map((c) => [c.name, new HashedCrossing(c.crossingDim, { name: c.name })]),
    );
  }

  private standardizeCross(cross: CrossSpec): Cross {
    const c = Array.isArray(cross) ? null : deserializeSpec(cross);
    if (cross instanceof Cross || c instanceof Cross) return (c ?? cross) as Cross;
    if (!Array.isArray(cross)) {
      throw new ValueError(
        `${this.where()}: each cross must be a Cross or a list of feature names; received ${JSON.stringify(cross)}`,
      );
    }
    if (!this.crossingDim) {
      throw new ValueError(
        `${this.where()}: when specifying \`crosses\`, the argument \`crossingDim\` ` +
          `(dimensionality of the crossing space) should be specified as well`,
      );
    }
    const unknown = (cross as string[]).filter((n) => !(n in this.features));
    if (unknown.length > 0) {
      throw new ValueError(
        `${this.where()}: all features referenced in the \`crosses\` argument should be ` +
          `present in the \`features\` dict; received unknown features: ${JSON.stringify(cross)}`,
      );
    }
    return new Cross(cross as string[], this.crossingDim);
  }

  /** Every layer the feature space runs, for weights and saving. */
  override get layers(): Layer[] {
    return [
      ...Object.values(this.preprocessors),
      ...Object.values(this.crossers),
      ...Object.values(this.oneHotEncoders),
      ...(this.concat ? [this.concat] : []),
    ];
  }

  /** The layer that concatenates the encoded features ("concat" mode, once built). */
  get concatLayer(): TFDConcat | null {
    return this.concat;
  }

  // ------------------------------------------------------------ adapt

  /** The features whose preprocessors learn from data (Keras `_list_adaptable_preprocessors`). */
  private adaptableNames(): string[] {
    return Object.keys(this.features).filter((name) => {
      const p = this.preprocessors[name]!;
      // Given statistics or bin boundaries leave nothing to learn.
      if (p instanceof Normalization && p.inputMean !== null) return false;
      if (p instanceof Discretization && p.numBins === null) return false;
      // A lookup (or TextVectorization) given its vocabulary; Keras skips the latter only, and
      // the former's adapt then fails.
      if ((p as { hasInputVocabulary?: unknown }).hasInputVocabulary === true) return false;
      return isAdaptable(p);
    });
  }

  /**
   * Adapts every preprocessor that learns from data on its column of `data`: an `st.data.Dataset`
   * (or any iterable) of name-keyed elements, batched or not, or a name-keyed object of columns.
   * As in Keras, the layers with streaming state (the lookups' `updateState`) share one pass over
   * the data; each other layer's `adapt` reads the data once more. Nothing is held whole.
   */
  async adapt(data: AdaptSource): Promise<void> {
    const names = this.adaptableNames();
    if (names.length > 0) {
      const passes = adaptPasses(data, names[0]!, this.where());
      const column = (batch: Record<string, Tensor>, name: string): Tensor => {
        if (!(name in batch)) {
          throw new ValueError(
            `${this.where()}: adapt data has no column "${name}"; it has ${Object.keys(batch).join(", ")}`,
          );
        }
        const where = `${this.where()} feature "${name}"`;
        return featureColumn(batch[name], this.features[name]!.dtype, where).column;
      };
      const streaming = names.filter((n) => isStreaming(this.preprocessors[n]!));
      const whole = names.filter((n) => !streaming.includes(n));
      const state = (n: string) => this.preprocessors[n] as Layer & Streaming;
      for (const n of streaming) state(n).resetState();
      if (streaming.length > 0) {
        for await (const batch of passes()) {
          for (const n of streaming) state(n).updateState(column(batch, n));
        }
        for (const n of streaming) state(n).finalizeState();
      }
      for (const name of whole) {
        const columnPass = async function* (): AsyncGenerator<Tensor> {
          for await (const batch of passes()) yield column(batch, name);
        };
        await (this.preprocessors[name] as Layer & Adaptable).adapt(columnPass());
      }
    }
    this.isAdapted = true;
    this.getEncodedFeatures();
    this.sublayersBuilt = true;
    this.built = true;
  }

  private checkAdapted(): void {
    if (this.isAdapted) return;
    if (this.adaptableNames().length > 0) {
      throw new ValueError(
        `${this.where()}: you need to call \`.adapt(dataset)\` on the FeatureSpace before you ` +
          `can start using it`,
      );
    }
    this.isAdapted = true;
  }

  private checkBuilt(): void {
    if (this.sublayersBuilt) return;
    this.checkAdapted();
    this.getEncodedFeatures();
    this.sublayersBuilt = true;
    this.built = true;
  }

  // ------------------------------------------------------------ the functional API

  /** One `Input` per feature, shape (batch, 1) with the feature's dtype, named after it. */
  getInputs(): Record<string, SymbolicTensor> {
    this.checkBuilt();
    return { ...this.symbolicInputs };
  }

  /** The encoded features as symbolic tensors computed from `getInputs()`. */
  getEncodedFeatures(): EncodedFeatures<M, SymbolicTensor> {
    this.checkAdapted();
    this.encoded ??= this.encode(this.symbolicInputs);
    return this.encoded;
  }

  // ------------------------------------------------------------ calling

  /**
   * Encodes a dict of feature values: tensors or arrays of shape (batch,) or (batch, 1), or one
   * value per feature (then the output has no batch axis), as Keras's `feature_space(data)`.
   */
  override apply(data: FeatureData): EncodedFeatures<M>;
  override apply(inputs: SymbolicTensor | readonly SymbolicTensor[], opts?: CallOptions): never;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): never;
  override apply(data: unknown): unknown {
    return this.encodeData(data);
  }

  /** The same as `apply`: Keras's FeatureSpace is called on a dict only. */
  override call(data: FeatureData, opts?: CallOptions): EncodedFeatures<M>;
  override call(inputs: Tensor | Tensor[], opts?: CallOptions): never;
  override call(data: unknown): unknown {
    return this.encodeData(data);
  }

  private encodeData(data: unknown): EncodedFeatures<M> {
    this.checkBuilt();
    if (!isRecord(data)) {
      throw new ValueError(
        `${this.where()}: a FeatureSpace can only be called with a dict of feature values; ` +
          `received ${Array.isArray(data) ? "an array" : typeof data}`,
      );
    }
    const unknown = Object.keys(data).filter((k) => !(k in this.features));
    const missing = Object.keys(this.features).filter((k) => !(k in data));
    if (unknown.length > 0 || missing.length > 0) {
      throw new ValueError(
        `${this.where()}: expected a dict with the features ${Object.keys(this.features).join(", ")}` +
          (missing.length > 0 ? `; missing: ${missing.join(", ")}` : "") +
          (unknown.length > 0 ? `; unknown: ${unknown.join(", ")}` : ""),
      );
    }
    let rebatched = false;
    const columns: Record<string, Tensor> = {};
    for (const [name, feature] of Object.entries(this.features)) {
      const c = featureColumn(data[name], feature.dtype, `${this.where()} feature "${name}"`);
      columns[name] = c.column;
      rebatched ||= c.scalar;
    }
    const out = this.encode(columns) as Tensor | Record<string, Tensor>;
    if (!rebatched) return out as EncodedFeatures<M>;
    if (!isRecord(out)) return squeeze(out, 0) as EncodedFeatures<M>;
    const unbatched: Record<string, Tensor> = {};
    for (const [name, x] of Object.entries(out)) {
      unbatched[name] = x.rank === 2 && x.shape[0] === 1 ? squeeze(x, 0) : x;
    }
    return unbatched as EncodedFeatures<M>;
  }

  /**
   * Preprocesses, crosses and merges: the one pipeline both calls and `getEncodedFeatures` run,
   * on tensors or on symbolic tensors.
   */
  private encode<T extends Tensor | SymbolicTensor>(
    columns: Readonly<Record<string, T>>,
  ): EncodedFeatures<M, T> {
    const run = (layer: Layer, x: T | T[]): T =>
      (layer.apply as (x: unknown) => unknown).call(layer, x) as T;
    const preprocessed: Record<string, T> = {};
    for (const name of Object.keys(this.features)) {
      preprocessed[name] = run(this.preprocessors[name]!, columns[name]!);
    }
    const crossed: Record<string, T> = {};
    for (const c of this.crosses) {
      crossed[c.name] = run(
        this.crossers[c.name]!,
        c.featureNames.map((n) => preprocessed[n]!),
      );
    }
    const names = [...sortedKeys(preprocessed), ...sortedKeys(crossed)];
    const values = names.map((n) => preprocessed[n] ?? crossed[n]!);
    if (!this.encodersMade) {
      this.makeEncoders(
        names,
        values.map((v) => v.dtype),
      );
    }
    const encoded = names.map((n, i) => {
      const encoder = this.oneHotEncoders[n];
      return encoder ? run(encoder, values[i]!) : values[i]!;
    });
    if (this.outputMode === "dict") {
      return Object.fromEntries(names.map((n, i) => [n, encoded[i]!])) as EncodedFeatures<M, T>;
    }
    return run(this.concat!, encoded) as EncodedFeatures<M, T>;
  }

  /** Keras's first `_merge_features`: the one-hot encoders and the concatenation. */
  private makeEncoders(names: readonly string[], dtypes: readonly DType[]): void {
    names.forEach((name, i) => {
      const spec = this.features[name] ?? this.crossesByName[name]!;
      let dtype = dtypes[i]!;
      if (spec.outputMode === "one_hot") {
        if (dtype !== "int32") {
          throw new ValueError(
            `${this.where()}: feature "${name}" has outputMode "one_hot", so its preprocessor ` +
              `should return an integer dtype; instead it returns ${dtype}`,
          );
        }
        const layer = this.preprocessors[name] ?? this.crossers[name]!;
        const depth = oneHotDepth(layer);
        if (depth === null) {
          throw new ValueError(
            `${this.where()}: feature "${name}" has outputMode "one_hot", but its preprocessor ` +
              `(${layer.constructor.name}) is not a standard one and the size of its output space ` +
              `is not known, so it cannot be one-hot encoded; try outputMode "int"`,
          );
        }
        this.oneHotEncoders[name] = new CategoryEncoding({
          numTokens: depth,
          outputMode: "multi_hot",
        });
        dtype = "float32";
      }
      if (this.outputMode === "concat" && (dtype === "int32" || dtype === "string")) {
        throw new ValueError(
          `${this.where()}: cannot concatenate features because feature "${name}" has not been ` +
            `encoded (it has dtype ${dtype}); consider using outputMode "dict"`,
        );
      }
    });
    if (this.outputMode === "concat") this.concat = new TFDConcat({ axis: -1 });
    this.encodersMade = true;
  }

  // ------------------------------------------------------------ serialization

  /** Keras's config: the features and crosses serialized, and the constructor's options. */
  override getConfig(): Record<string, unknown> {
    return {
      features: Object.fromEntries(
        Object.entries(this.features).map(([name, f]) => [name, f.serialize()]),
      ),
      output_mode: this.outputMode,
      crosses: this.crosses.map((c) => c.serialize()),
      crossing_dim: this.crossingDim,
      hashing_dim: this.hashingDim,
      num_discretization_bins: this.numDiscretizationBins,
    };
  }

  /** Keras's `get_build_config`: each preprocessor's build config, by feature name. */
  getBuildConfig(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.preprocessors).map(([name, p]) => [name, buildConfigOf(p)]),
    );
  }

  /**
   * Keras's `build_from_config`: builds the preprocessors from their recorded input shapes and
   * marks the feature space adapted (their state comes from the weights that follow).
   */
  buildFromConfig(config: Record<string, unknown>): void {
    for (const [name, c] of Object.entries(config)) {
      const p = this.preprocessors[name];
      const shape = (c as { input_shape?: ShapeSpec } | null)?.input_shape;
      if (p && !p.built && shape) p.ensureBuilt(shape);
    }
    this.isAdapted = true;
  }

  /** Keras `feature_space.save("x.keras")`: the FeatureSpace with its adapted state. */
  async save(path: string): Promise<void> {
    this.checkBuilt();
    await saveFeatureSpaceFile(this, path);
  }

  /**
   * Loads a FeatureSpace saved by `save` (Keras loads it with `keras.models.load_model`): its
   * preprocessors come back adapted, ready to call.
   */
  static async load(
    path: string,
    opts: { customObjects?: CustomObjects } = {},
  ): Promise<FeatureSpace<FeatureSpaceOutputMode>> {
    const fs = await loadFeatureSpaceFile(path, opts.customObjects);
    if (!(fs instanceof FeatureSpace)) {
      throw new ValueError(`FeatureSpace.load: "${path}" rebuilt a ${fs.constructor.name}`);
    }
    return fs;
  }

  static fromConfig(
    config: Record<string, unknown>,
    customObjects: CustomObjects = {},
  ): FeatureSpace<FeatureSpaceOutputMode> {
    const features: Record<string, FeatureSpec> = {};
    for (const [name, f] of Object.entries(config.features as Record<string, unknown>)) {
      features[name] =
        typeof f === "string"
          ? (f as FeatureTypeName)
          : (deserializeSpec(f, customObjects) as Feature);
    }
    return new FeatureSpace(features, {
      outputMode: config.output_mode as FeatureSpaceOutputMode,
      crosses: (config.crosses as CrossSpec[] | null) ?? null,
      crossingDim: config.crossing_dim as number | null,
      hashingDim: config.hashing_dim as number,
      numDiscretizationBins: config.num_discretization_bins as number,
    });
  }
}

registerBuiltInLayer("FeatureSpace", FeatureSpace, "keras.utils");
