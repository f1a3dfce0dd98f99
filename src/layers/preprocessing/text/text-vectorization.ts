/**
 * Keras's `TextVectorization`: raw text in, token indices ("int") or a bag-of-tokens vector
 * ("multi_hot", "count", "tf_idf") out. Each batch is standardized, split, turned into n-grams
 * (text-vectorization-preprocess.ts) and looked up in a StringLookup whose mask token is "" — as in
 * Keras, which builds the layer on StringLookup and keeps it as `_lookup_layer`. `adapt` streams
 * batches (arrays, tensors, iterables, Datasets) into the lookup's counts.
 *
 * Everything runs on the host: string tensors live there. Strata has no ragged or sparse tensors,
 * so `ragged` and `sparse` must stay false; "int" outputs are padded with 0 to the longest
 * sequence of the batch, or padded / truncated to `outputSequenceLength`.
 */
import { ValueError } from "../../../errors.js";
import type { DType } from "../../../tensor/dtype.js";
import { Tensor, fromStrings, fromValues } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { type CustomObjects, registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { checkChoice, checkNotSparse } from "./host-values.js";
import type { NumbersLike } from "./index-lookup.js";
import { SPLIT_MODES, type Split, checkSplit } from "./split.js";
import { STANDARDIZE_MODES, type Standardize, checkStandardize } from "./standardize.js";
import { StringLookup } from "./string-lookup.js";
import { resolveFunctionOption, serializeFunction } from "./text-vectorization-functions.js";
import { type AdaptData, type AdaptOptions, adaptBatches } from "./text-vectorization-inputs.js";
import { type Ngrams, ngramWidths } from "./text-vectorization-ngrams.js";
import { preprocessTexts } from "./text-vectorization-preprocess.js";

export type TextVectorizationOutputMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";
const MODES: readonly TextVectorizationOutputMode[] = [
  "int",
  "one_hot",
  "multi_hot",
  "count",
  "tf_idf",
];

export interface TextVectorizationArgs extends LayerArgs {
  /** Largest vocabulary, the "" mask ("int" mode) and the OOV token included; null: unbounded. */
  maxTokens?: number | null;
  /** "lower_and_strip_punctuation" (default), "lower", "strip_punctuation", null or a function. */
  standardize?: Standardize;
  /** "whitespace" (default), "character", null or a function. */
  split?: Split;
  /** n-grams to make: n for widths 1..n, a list of widths, or null (default). */
  ngrams?: Ngrams;
  /** "int" (default), "multi_hot", "count", "tf_idf" ("binary" and "tf-idf" are old names). */
  outputMode?: TextVectorizationOutputMode | "binary" | "tf-idf";
  /** "int" only: pad or truncate every sequence to this length. */
  outputSequenceLength?: number | null;
  /** multi_hot / count / tf_idf: output `maxTokens` entries whatever the vocabulary size. */
  padToMaxTokens?: boolean;
  /** The vocabulary: tokens (a list or 1-D string tensor) or the path of a file of one a line. */
  vocabulary?: readonly string[] | Tensor | string | null;
  /** "tf_idf" with a given vocabulary: one weight per vocabulary entry. */
  idfWeights?: NumbersLike | null;
  /** Only false: Strata has no ragged tensors ("int" outputs are padded). */
  ragged?: boolean;
  /** Only false: Strata has no sparse tensors. */
  sparse?: boolean;
  /** Keras's input text encoding (default "utf-8"); JS strings are already text. */
  encoding?: string;
  /** Keras's saved vocabulary size (from a config). */
  vocabularySize?: number | null;
  /** Whether the vocabulary was given rather than adapted (from a config). */
  hasInputVocabulary?: boolean;
}

export class TextVectorization extends Layer {
  readonly standardize: Standardize;
  readonly split: Split;
  readonly ngrams: Ngrams;
  readonly outputMode: TextVectorizationOutputMode;
  readonly outputSequenceLength: number | null;
  readonly ragged = false;
  readonly encoding: string;
  /** Keras's `_lookup_layer` (the .keras walk spells this attribute the same way). */
  readonly _lookupLayer: StringLookup;
  private readonly ngramWidths: number[] | null;

  constructor(args: TextVectorizationArgs = {}) {
    super(args);
    const where = this.where();
    checkNotSparse(args.sparse, where);
    if (args.ragged) {
      throw new ValueError(
        `${where}: ragged=true is not supported (Strata has no ragged tensors; Keras allows it ` +
          `only with the TensorFlow backend); "int" outputs are padded with 0 instead`,
      );
    }
    this.standardize = checkStandardize(
      args.standardize === undefined ? "lower_and_strip_punctuation" : args.standardize,
      where,
    );
    this.split = checkSplit(args.split === undefined ? "whitespace" : args.split, where);
    let mode = args.outputMode ?? "int";
    if (mode === "binary") mode = "multi_hot";
    if (mode === "tf-idf") mode = "tf_idf";
    this.outputMode = checkChoice(mode, MODES, where, "outputMode");
    this.ngrams = args.ngrams ?? null;
    this.ngramWidths = ngramWidths(this.ngrams, where);
    const length = args.outputSequenceLength ?? null;
    if (length !== null) {
      if (this.outputMode !== "int") {
        throw new ValueError(
          `${where}: outputSequenceLength must not be set when outputMode is not "int"; ` +
            `received outputSequenceLength=${length} with outputMode="${this.outputMode}"`,
        );
      }
      if (!Number.isInteger(length) || length < 0) {
        throw new ValueError(
          `${where}: outputSequenceLength must be null or a non-negative integer; ` +
            `received outputSequenceLength=${length}`,
        );
      }
    }
    this.outputSequenceLength = length;
    this.encoding = args.encoding ?? "utf-8";
    this._lookupLayer = new StringLookup({
      maxTokens: args.maxTokens ?? null,
      vocabulary: args.vocabulary ?? null,
      idfWeights: args.idfWeights ?? null,
      padToMaxTokens: args.padToMaxTokens ?? false,
      maskToken: "",
      outputMode: this.outputMode,
      encoding: this.encoding,
      vocabularySize: args.vocabularySize ?? null,
      hasInputVocabulary: args.hasInputVocabulary ?? (args.vocabulary ?? null) !== null,
    });
  }

  get maxTokens(): number | null {
    return this._lookupLayer.maxTokens;
  }

  get padToMaxTokens(): boolean {
    return this._lookupLayer.padToMaxTokens;
  }

  /** Texts → the tokens the lookup reads (see text-vectorization-preprocess.ts). */
  private preprocess(inputs: Tensor): Tensor {
    // Without a split the strings are the tokens; a single column keeps Keras's [batch, n] output.
    const x =
      this.split === null && inputs.shape.length <= 1 && inputs.dtype === "string"
        ? fromStrings(inputs.stringValues(), [inputs.shape[0] ?? 1, 1])
        : inputs;
    return preprocessTexts(x, {
      standardize: this.standardize,
      split: this.split,
      ngrams: this.ngramWidths,
      where: this.where(),
    });
  }

  // ------------------------------------------------------------ vocabulary

  /**
   * Learns the vocabulary (and idf weights in "tf_idf" mode) from texts: an array of strings, a
   * string tensor, or batches from a Dataset / (async) iterable, read one batch at a time.
   */
  async adapt(data: AdaptData, options: AdaptOptions = {}): Promise<void> {
    const lookup = this._lookupLayer;
    lookup.resetState();
    for await (const batch of adaptBatches(data, options, this.where())) {
      lookup.updateState(this.preprocess(batch));
    }
    lookup.finalizeState();
  }

  /** The vocabulary; with special tokens ("" and "[UNK]" in "int" mode) a token's index is its position. */
  getVocabulary(includeSpecialTokens = true): string[] {
    return this._lookupLayer.getVocabulary(includeSpecialTokens);
  }

  /** Replaces the vocabulary (and, in "tf_idf" mode, the idf weights, required there). */
  setVocabulary(
    vocabulary: readonly string[] | Tensor | string,
    idfWeights?: NumbersLike | null,
  ): void {
    this._lookupLayer.setVocabulary(vocabulary, idfWeights);
  }

  /** Size of the vocabulary, the mask and OOV tokens included. */
  vocabularySize(): number {
    return this._lookupLayer.vocabularySize();
  }

  // ------------------------------------------------------------ calling

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const out = this._lookupLayer.call(this.preprocess(x));
    if (this.outputMode !== "int" || this.outputSequenceLength === null) return out;
    return padOrTruncate(out, this.outputSequenceLength);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const batch = inputShape[0] ?? null;
    if (this.outputMode === "int") {
      if (this.split === null && this.ngramWidths === null && inputShape.length >= 2) {
        return [...inputShape.slice(0, -1), this.outputSequenceLength ?? inputShape.at(-1)!];
      }
      return [batch, this.outputSequenceLength];
    }
    const depth = this.padToMaxTokens ? this.maxTokens : this._lookupLayer.frozenVocabularySize;
    return this.outputMode === "one_hot" ? [batch, null, depth] : [batch, depth];
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.outputMode === "int" ? "int32" : "float32";
  }

  // ------------------------------------------------------------ saving (Keras delegates to the lookup)

  /** The vocabulary asset (`vocabulary.txt`) when the vocabulary was not given as a list. */
  saveAssets(): Record<string, Uint8Array> {
    return this._lookupLayer.saveAssets();
  }

  loadAssets(files: Readonly<Record<string, Uint8Array>>): void {
    this._lookupLayer.loadAssets(files);
  }

  /** `idf_weights` in "tf_idf" mode. */
  saveOwnVariables(): Record<string, Tensor> {
    return this._lookupLayer.saveOwnVariables();
  }

  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void {
    this._lookupLayer.loadOwnVariables(store);
  }

  // ------------------------------------------------------------ config

  override getConfig(): Record<string, unknown> {
    const fnOrMode = (v: Standardize | Split): unknown =>
      typeof v === "function" ? serializeFunction(v) : v;
    const lookup = this._lookupLayer;
    return {
      ...super.getConfig(),
      max_tokens: lookup.maxTokens,
      standardize: fnOrMode(this.standardize),
      split: fnOrMode(this.split),
      ngrams: Array.isArray(this.ngrams) ? [...(this.ngrams as number[])] : this.ngrams,
      output_mode: this.outputMode,
      output_sequence_length: this.outputSequenceLength,
      pad_to_max_tokens: lookup.padToMaxTokens,
      sparse: false,
      ragged: false,
      vocabulary: lookup.inputVocabulary ? [...lookup.inputVocabulary] : null,
      idf_weights: lookup.inputIdfWeights ? [...lookup.inputIdfWeights] : null,
      encoding: this.encoding,
      vocabulary_size: this.vocabularySize(),
    };
  }

  /** Keras's `from_config`; a function standardize / split is found by name in `customObjects`. */
  static fromConfig(
    config: Record<string, unknown>,
    customObjects: CustomObjects = {},
  ): TextVectorization {
    const args = fromKerasConfig(config);
    const where = `TextVectorization "${String(args.name ?? "text_vectorization")}"`;
    args.standardize = resolveFunctionOption(
      config.standardize,
      STANDARDIZE_MODES,
      customObjects,
      where,
      "standardize",
    );
    args.split = resolveFunctionOption(config.split, SPLIT_MODES, customObjects, where, "split");
    return new TextVectorization(args as TextVectorizationArgs);
  }
}

/** "int" ids [..., n] padded with 0 or cut to [..., length] (Keras's output_sequence_length). */
function padOrTruncate(ids: Tensor, length: number): Tensor {
  const shape = ids.shape;
  const n = shape.at(-1) ?? 1;
  const rows = shape.length <= 1 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const src = ids.dataSync() as Int32Array;
  const out = new Int32Array(rows * length);
  const keep = Math.min(n, length);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * n, r * n + keep), r * length);
  return fromValues(out, shape.length <= 1 ? [length] : [...shape.slice(0, -1), length]);
}

registerKerasLayers({ TextVectorization });
