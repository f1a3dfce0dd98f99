/**
 * Keras's `IndexLookup`, the base of StringLookup and IntegerLookup (and, through StringLookup,
 * TextVectorization): a vocabulary of tokens mapped to indices after the special slots (the mask
 * token at 0 in "int" mode, then `numOovIndices` OOV slots), learned by `adapt` (tokens ordered by
 * descending count, ties by descending token, as Keras's `np.lexsort(...)[::-1]`) or given
 * (`vocabulary`, `setVocabulary`), and applied on the host: string tensors live there, and the
 * table lookup is a hash map. The ids are then encoded in Keras's output modes.
 *
 * A subclass says what its tokens are (strings or integers): how to read them from a tensor,
 * make a tensor of them (for `invert`), compare them, and write and parse them as text lines
 * (vocabulary files and the `.keras` asset).
 */
import { readFileSync } from "node:fs";
import { DTypeError, StrataError, ValueError } from "../../../errors.js";
import type { TensorLike } from "../../../ops/core.js";
import type { DType } from "../../../tensor/dtype.js";
import { Tensor, fromValues } from "../../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../../layer.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { type CategoricalMode, categoricalShape, encodeCategorical } from "./categorical-output.js";
import { checkChoice, checkNotSparse, checkSalt, integerValues } from "./host-values.js";
import { type Salt, hashBucket } from "./keras-hash.js";
import { type AdaptData, TokenCounts, asBatch, forEachAdaptBatch } from "./token-counts.js";

export type { AdaptData } from "./token-counts.js";

export type LookupOutputMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";
const MODES: readonly LookupOutputMode[] = ["int", "one_hot", "multi_hot", "count", "tf_idf"];

export type OovMethod = "floormod" | "farmhash";

/** Numbers as a list, a typed array or a 1-D tensor (idf weights). */
export type NumbersLike = readonly number[] | ArrayLike<number> | Tensor;

export interface IndexLookupArgs<T extends string | number> extends LayerArgs {
  /** Largest vocabulary, special slots included (> 1); null: unbounded. */
  maxTokens?: number | null;
  /** OOV slots (default 1); 0 makes an out-of-vocabulary input an error. */
  numOovIndices?: number;
  /** The token that maps to 0 in "int" mode and is dropped in the other modes; null: none. */
  maskToken?: T | null;
  /** What `invert` returns for OOV indices. */
  oovToken?: T | null;
  /** The vocabulary: tokens (a list or a 1-D tensor), or the path of a file of one token a line. */
  vocabulary?: readonly T[] | Tensor | string | null;
  /** "tf_idf" only: one weight per vocabulary entry. */
  idfWeights?: NumbersLike | null;
  /** Map indices back to tokens ("int" mode only). */
  invert?: boolean;
  /** "int" (default), "one_hot", "multi_hot", "count" or "tf_idf" ("binary", "tf-idf" are old names). */
  outputMode?: LookupOutputMode | "binary" | "tf-idf";
  /** multi_hot / count / tf_idf: pad the output to `maxTokens` entries. */
  padToMaxTokens?: boolean;
  /** Only false: Strata has no sparse tensors. */
  sparse?: boolean;
  /** How OOV integers pick one of several OOV slots: `token mod n` or FarmHash64 of its text. */
  oovMethod?: OovMethod;
  /** SipHash64 key for the OOV buckets (one integer or two). */
  salt?: number | readonly [number, number] | null;
  /** Keras's saved `vocabulary_size` (the size frozen by the last vocabulary). */
  vocabularySize?: number | null;
  /** Whether the vocabulary was given (not adapted); defaults to `vocabulary != null`. */
  hasInputVocabulary?: boolean;
}

/**
 * The lines of a vocabulary text without the trailing empty ones (Keras's `load_assets`). Lines
 * end at "\n" only, as Keras writes them: a token may hold other line-break characters (IMDB's
 * reviews are full of U+0085), which Python's `splitlines` would cut in two, so that a vocabulary
 * could not be read back.
 */
export function vocabularyLines(text: string): string[] {
  const lines = text.split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export abstract class IndexLookup<T extends string | number> extends Layer {
  readonly maxTokens: number | null;
  readonly numOovIndices: number;
  readonly maskToken: T | null;
  readonly oovToken: T | null;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly padToMaxTokens: boolean;
  readonly sparse = false;
  readonly oovMethod: OovMethod;
  readonly salt: Salt | null;
  /** The vocabulary given to the constructor as tokens (kept for the config); null otherwise. */
  readonly inputVocabulary: T[] | null;
  /** The idf weights given to the constructor (kept for the config); null otherwise. */
  readonly inputIdfWeights: number[] | null;
  /** Whether the vocabulary was given rather than adapted (then `adapt` is an error). */
  readonly hasInputVocabulary: boolean;

  /** The learned or given tokens, without the special ones, in index order. */
  private tokens: T[] = [];
  private readonly indexOf = new Map<T, number>();
  /** The idf weights of every output slot ("tf_idf"), null until known. */
  private idf: Float32Array | null = null;
  private frozenVocabSize: number | null;
  /** adapt's running counts */
  private readonly counts = new TokenCounts<T>();

  /** "string" or "int64", Keras's `vocabulary_dtype`. */
  abstract readonly vocabularyDtype: "string" | "int64";
  /** The tokens of a tensor, flat (a DTypeError when it cannot hold this layer's tokens). */
  protected abstract tokensOf(t: Tensor): T[];
  /** A tensor of tokens with `shape` (what `invert` returns). */
  protected abstract tokensTensor(tokens: readonly T[], shape: readonly number[]): Tensor;
  /** A token from a JS value of a vocabulary list (a DTypeError when it is not one). */
  protected abstract toToken(value: unknown): T;
  /** A token from a line of a vocabulary file or asset. */
  protected abstract parseToken(line: string): T;
  /** Keras's tie order between two tokens of equal count (ascending; adapt takes it reversed). */
  protected abstract compareTokens(a: T, b: T): number;

  constructor(args: IndexLookupArgs<T>, defaults: { oovToken: T | null }) {
    super(args);
    const where = this.where();
    const maxTokens = args.maxTokens ?? null;
    if (maxTokens !== null && !(Number.isInteger(maxTokens) && maxTokens > 1)) {
      throw new ValueError(
        `${where}: if set, maxTokens must be an integer greater than 1; received maxTokens=${maxTokens}`,
      );
    }
    const padToMaxTokens = args.padToMaxTokens ?? false;
    if (padToMaxTokens && maxTokens === null) {
      throw new ValueError(
        `${where}: padToMaxTokens=true needs maxTokens; received maxTokens=null`,
      );
    }
    const numOov = args.numOovIndices ?? 1;
    if (!Number.isInteger(numOov) || numOov < 0) {
      throw new ValueError(
        `${where}: numOovIndices must be an integer >= 0; received numOovIndices=${numOov}`,
      );
    }
    this.oovMethod = checkChoice(
      args.oovMethod ?? "floormod",
      ["floormod", "farmhash"],
      where,
      "oovMethod",
    );
    let mode = args.outputMode ?? "int";
    if (mode === "binary") mode = "multi_hot";
    if (mode === "tf-idf") mode = "tf_idf";
    this.outputMode = checkChoice(mode, MODES, where, "outputMode");
    this.invert = args.invert ?? false;
    if (this.invert && this.outputMode !== "int") {
      throw new ValueError(
        `${where}: outputMode must be "int" when invert is true; received outputMode="${this.outputMode}"`,
      );
    }
    checkNotSparse(args.sparse, where);
    const idfGiven = args.idfWeights ?? null;
    if (idfGiven !== null && this.outputMode !== "tf_idf") {
      throw new ValueError(
        `${where}: idfWeights should only be set when outputMode is "tf_idf"; received ` +
          `outputMode="${this.outputMode}"`,
      );
    }
    this.maxTokens = maxTokens;
    this.padToMaxTokens = padToMaxTokens;
    this.numOovIndices = numOov;
    this.maskToken = args.maskToken ?? null;
    this.oovToken = args.oovToken === undefined ? defaults.oovToken : args.oovToken;
    this.salt = checkSalt(args.salt, where);
    this.frozenVocabSize = args.vocabularySize ?? null;
    const vocabulary = args.vocabulary ?? null;
    this.hasInputVocabulary = args.hasInputVocabulary ?? vocabulary !== null;
    this.inputVocabulary =
      vocabulary === null || typeof vocabulary === "string" ? null : this.tokenList(vocabulary);
    this.inputIdfWeights = idfGiven === null ? null : numberList(idfGiven);
    if (this.outputMode === "tf_idf" && this.hasInputVocabulary && idfGiven === null) {
      throw new ValueError(
        `${where}: with a vocabulary in "tf_idf" output mode, idfWeights must also be given`,
      );
    }
    this.built = true;
    if (vocabulary !== null) this.setVocabulary(vocabulary, idfGiven);
  }

  /** Keras validates `salt` against the token kind; subclasses call this once constructed. */
  protected checkSaltUse(): void {
    if (this.salt !== null && this.vocabularyDtype === "int64" && this.oovMethod !== "farmhash") {
      throw new ValueError(
        `${this.where()}: salt can only be used with oovMethod "farmhash"; received ` +
          `oovMethod="${this.oovMethod}"`,
      );
    }
  }

  // ------------------------------------------------------------ special slots

  /** Index of the first OOV slot: 1 when the mask token takes 0 ("int" mode), else 0. */
  protected oovStartIndex(): number {
    return this.maskToken !== null && this.outputMode === "int" ? 1 : 0;
  }

  /** Index of the first real token. */
  protected tokenStartIndex(): number {
    return this.oovStartIndex() + this.numOovIndices;
  }

  /** The tokens of the special slots: the mask token ("int" mode), then the OOV token per slot. */
  protected specialTokens(): T[] {
    return [
      ...(this.oovStartIndex() === 1 ? [this.maskToken as T] : []),
      ...new Array<T>(this.numOovIndices).fill(this.oovToken as T),
    ];
  }

  // ------------------------------------------------------------ vocabulary

  /** Size of the vocabulary, mask and OOV slots included. */
  vocabularySize(): number {
    return this.tokens.length + this.tokenStartIndex();
  }

  /** The size frozen by the last vocabulary (Keras's `vocabulary_size` config entry). */
  get frozenVocabularySize(): number | null {
    return this.frozenVocabSize;
  }

  /**
   * The vocabulary (Keras's `get_vocabulary(include_special_tokens=True)`); with
   * `includeSpecialTokens` (default) the mask and OOV tokens come first, so a token's position is
   * its index. Takes `{ includeSpecialTokens }` or the flag itself.
   */
  getVocabulary(opts: boolean | { includeSpecialTokens?: boolean } = {}): T[] {
    const include = typeof opts === "boolean" ? opts : (opts.includeSpecialTokens ?? true);
    return include ? [...this.specialTokens(), ...this.tokens] : [...this.tokens];
  }

  /** The idf weights of every output slot in "tf_idf" mode (null until known). */
  getIdfWeights(): Float32Array | null {
    return this.idf ? this.idf.slice() : null;
  }

  /**
   * Replaces the vocabulary (and in "tf_idf" mode the idf weights, required there): tokens as a
   * list or 1-D tensor, which may start with the special tokens in their order, or the path of
   * a text file of one token a line (every line a token, as Keras's file tables).
   */
  setVocabulary(vocabulary: readonly T[] | Tensor | string, idfWeights?: NumbersLike | null): void {
    const where = this.where();
    const idfGiven = idfWeights ?? null;
    if (this.outputMode === "tf_idf") {
      if (idfGiven === null) {
        throw new ValueError(`${where}: idfWeights must be set when outputMode is "tf_idf"`);
      }
    } else if (idfGiven !== null) {
      throw new ValueError(
        `${where}: idfWeights should only be set when outputMode is "tf_idf"; received ` +
          `outputMode="${this.outputMode}"`,
      );
    }
    if (typeof vocabulary === "string") {
      if (this.outputMode === "tf_idf") {
        throw new ValueError(
          `${where}: outputMode "tf_idf" cannot load a vocabulary from a file ("${vocabulary}")`,
        );
      }
      let text: string;
      try {
        text = readFileSync(vocabulary, "utf8");
      } catch (e) {
        throw new ValueError(
          `${where}: vocabulary file "${vocabulary}" could not be read (${(e as Error).message})`,
        );
      }
      const tokens = vocabularyLines(text).map((l) => this.parseToken(l));
      this.setTokens(tokens, `vocabulary file "${vocabulary}"`);
      return;
    }
    const vocab = this.tokenList(vocabulary);
    if (vocab.length === 0) {
      throw new ValueError(`${where}: cannot set an empty vocabulary`);
    }
    const start = this.tokenStartIndex();
    const special = this.specialTokens();
    const foundSpecial = vocab.length >= start && special.every((s, i) => vocab[i] === s);
    const tokens = foundSpecial ? vocab.slice(start) : vocab;
    if (this.maskToken !== null && tokens.includes(this.maskToken)) {
      throw new ValueError(
        `${where}: found the mask token ${JSON.stringify(this.maskToken)} at index ` +
          `${vocab.lastIndexOf(this.maskToken)} of the vocabulary; it does not need to be included, ` +
          `or only at the start in this order: ${JSON.stringify(special)}`,
      );
    }
    if (this.invert && this.oovToken !== null && tokens.includes(this.oovToken)) {
      throw new ValueError(
        `${where}: found the OOV token ${JSON.stringify(this.oovToken)} at index ` +
          `${vocab.lastIndexOf(this.oovToken)} of the vocabulary; it does not need to be included, ` +
          `or only at the start in this order: ${JSON.stringify(special)}`,
      );
    }
    this.setTokens(tokens, "vocabulary");
    if (this.outputMode === "tf_idf" && idfGiven !== null) {
      const weights = numberList(idfGiven);
      if (weights.length !== vocab.length) {
        throw new ValueError(
          `${where}: idfWeights must have the vocabulary's length; received ${weights.length} ` +
            `weights for ${vocab.length} vocabulary entries`,
        );
      }
      const front = foundSpecial ? 0 : start;
      const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
      const back =
        this.padToMaxTokens && this.maxTokens !== null
          ? Math.max(0, this.maxTokens - front - weights.length)
          : 0;
      this.idf = Float32Array.from([
        ...new Array<number>(front).fill(foundSpecial ? 0 : mean),
        ...weights,
        ...new Array<number>(back).fill(0),
      ]);
    }
  }

  /** Installs `tokens` (no special ones) as the vocabulary after Keras's checks. */
  private setTokens(tokens: readonly T[], what: string): void {
    const seen = new Set<T>();
    const repeated = new Set<T>();
    for (const t of tokens) (seen.has(t) ? repeated : seen).add(t);
    if (repeated.size > 0) {
      throw new ValueError(
        `${this.where()}: the ${what} repeats terms (${JSON.stringify([...repeated])}); each ` +
          `term must appear once`,
      );
    }
    const size = this.tokenStartIndex() + tokens.length;
    if (this.maxTokens !== null && size > this.maxTokens) {
      throw new ValueError(
        `${this.where()}: the ${what} has ${size} entries with the special tokens; maxTokens is ` +
          `${this.maxTokens}`,
      );
    }
    this.checkSizeUnchanged(size);
    this.tokens = [...tokens];
    this.indexOf.clear();
    const start = this.tokenStartIndex();
    this.tokens.forEach((t, i) => this.indexOf.set(t, start + i));
    this.recordVocabularySize();
  }

  /** Keras: outside "int" mode and without padding, the output width cannot change once set. */
  private checkSizeUnchanged(size: number): void {
    if (this.outputMode === "int" || this.padToMaxTokens) return;
    if (this.frozenVocabSize !== null && size !== this.frozenVocabSize) {
      throw new ValueError(
        `${this.where()}: with outputMode "${this.outputMode}" and padToMaxTokens=false the ` +
          `vocabulary size cannot change once set; it was ${this.frozenVocabSize}, received ${size}`,
      );
    }
  }

  private recordVocabularySize(): void {
    this.checkSizeUnchanged(this.vocabularySize());
    this.frozenVocabSize = this.vocabularySize();
  }

  /** Tokens from a list or a 1-D tensor. */
  private tokenList(vocabulary: readonly T[] | Tensor): T[] {
    if (vocabulary instanceof Tensor) {
      if (vocabulary.rank !== 1) {
        throw new ValueError(
          `${this.where()}: a vocabulary tensor must be 1-D; received shape [${vocabulary.shape.join(", ")}]`,
        );
      }
      return this.tokensOf(vocabulary);
    }
    if (!Array.isArray(vocabulary)) {
      throw new ValueError(
        `${this.where()}: vocabulary must be a list of tokens, a 1-D tensor or a file path; ` +
          `received ${String(vocabulary)}`,
      );
    }
    return (vocabulary as readonly unknown[]).map((v) => this.toToken(v));
  }

  // ------------------------------------------------------------ adapt

  /**
   * Learns the vocabulary (and idf weights in "tf_idf" mode) from `data`: a tensor or nested
   * array (each row a document), or batches from a Dataset or any (async) iterable. `steps`
   * limits the number of batches. The counts stream: batches are not kept.
   */
  async adapt(
    data: AdaptData,
    opts: { steps?: number | null; verbose?: 0 | 1 } = {},
  ): Promise<void> {
    this.resetState();
    await forEachAdaptBatch(
      data,
      opts.steps ?? null,
      this.where(),
      (batch) => this.updateState(batch),
      opts.verbose ?? 1,
    );
    this.finalizeState();
  }

  /** Adds one batch to adapt's counts (a rank-1 batch is one document, as in Keras). */
  updateState(data: Tensor | TensorLike): void {
    if (this.hasInputVocabulary) {
      throw new ValueError(
        `${this.where()}: cannot adapt a layer whose vocabulary was given to the constructor`,
      );
    }
    const t = asBatch(data, this.where());
    const documents = this.outputMode === "tf_idf" ? (t.rank <= 1 ? 1 : t.shape[0]!) : null;
    this.counts.add(this.tokensOf(t), documents);
  }

  /** Turns adapt's counts into the vocabulary (Keras's `finalize_state`), then clears them. */
  finalizeState(): void {
    if (this.hasInputVocabulary || this.counts.size === 0) {
      this.recordVocabularySize();
      return;
    }
    const start = this.tokenStartIndex();
    const special = [this.maskToken, this.oovToken].filter((t): t is T => t !== null);
    const limit = this.maxTokens !== null ? this.maxTokens - start : null;
    const tokens = this.counts.ranked(special, (a, b) => this.compareTokens(a, b), limit);
    this.setTokens(tokens, "adapted vocabulary");
    if (this.outputMode === "tf_idf") {
      const weights = this.counts.idf(tokens);
      const mean = weights.length ? weights.reduce((a, b) => a + b, 0) / weights.length : 0;
      const padded = [...new Array<number>(start).fill(mean), ...weights];
      if (this.padToMaxTokens && this.maxTokens !== null) {
        while (padded.length < this.maxTokens) padded.push(0);
      }
      this.idf = Float32Array.from(padded);
    }
    this.resetState();
  }

  /** Clears adapt's counts. */
  resetState(): void {
    if (this.hasInputVocabulary) return;
    this.counts.clear();
  }

  // ------------------------------------------------------------ calling

  /** The output width of the encoded modes: `maxTokens` when padding, else the vocabulary size. */
  protected depth(): number | null {
    return this.padToMaxTokens ? this.maxTokens : this.frozenVocabSize;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (this.invert) return this.invertLookup(x);
    const depth = this.depth();
    if (this.outputMode !== "int" && depth === null) {
      throw new ValueError(
        `${this.where()}: with outputMode "${this.outputMode}" and padToMaxTokens=false the ` +
          `vocabulary must be set before calling the layer: pass a vocabulary or call adapt`,
      );
    }
    const ids = this.lookupIds(this.tokensOf(x));
    if (this.outputMode === "int") return encodeCategorical(ids, x.shape, "int", 0, "int32");
    if (this.outputMode === "tf_idf" && this.idf === null) {
      throw new ValueError(`${this.where()}: outputMode "tf_idf" needs idf weights`);
    }
    return encodeCategorical(
      ids,
      x.shape,
      this.outputMode as CategoricalMode,
      depth!,
      this.dtype === "float64" ? "float64" : "float32",
      this.idf ?? undefined,
    );
  }

  /** Indices of `tokens` (Keras's `_lookup_dense`); a dropped mask token is -1. */
  lookupIds(tokens: readonly T[]): Int32Array {
    const ids = new Int32Array(tokens.length);
    const oovStart = this.oovStartIndex();
    const maskId = this.outputMode === "int" ? 0 : -1;
    const missing: T[] = [];
    tokens.forEach((tok, i) => {
      if (this.maskToken !== null && tok === this.maskToken) {
        ids[i] = maskId;
        return;
      }
      const found = this.indexOf.get(tok);
      if (found !== undefined) ids[i] = found;
      else if (this.numOovIndices === 0) missing.push(tok);
      else if (this.numOovIndices === 1) ids[i] = oovStart;
      else ids[i] = oovStart + this.oovBucket(tok);
    });
    if (missing.length > 0) {
      throw new ValueError(
        `${this.where()}: with numOovIndices=0 every input must be in the vocabulary; found OOV ` +
          `values ${JSON.stringify(missing.slice(0, 10))}; consider numOovIndices=1`,
      );
    }
    return ids;
  }

  /** Which OOV slot an unknown token takes when there are several. */
  private oovBucket(tok: T): number {
    const n = this.numOovIndices;
    if (typeof tok === "number" && this.oovMethod === "floormod") return ((tok % n) + n) % n;
    return hashBucket(String(tok), n, this.salt);
  }

  /** `invert`: indices back to tokens; the mask index 0 gives the mask token, others OOV. */
  private invertLookup(x: Tensor): Tensor {
    const ids = integerValues(x, this.where(), "indices");
    const start = this.tokenStartIndex();
    const masked = this.maskToken !== null;
    if (
      this.oovToken === null &&
      ids.some((i) => !(masked && i === 0) && !this.tokens[i - start])
    ) {
      throw new ValueError(`${this.where()}: invert found an OOV index but oovToken is null`);
    }
    const tokens = ids.map((i) =>
      masked && i === 0
        ? (this.maskToken as T)
        : i >= start && i - start < this.tokens.length
          ? this.tokens[i - start]!
          : (this.oovToken as T),
    );
    return this.tokensTensor(tokens, x.shape);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    if (this.outputMode === "int") return [...inputShape];
    return categoricalShape(inputShape, this.outputMode, this.depth());
  }

  override computeOutputDtype(): DType {
    if (this.invert) return this.vocabularyDtype === "string" ? "string" : "int32";
    if (this.outputMode === "int") return "int32";
    return this.dtype === "float64" ? "float64" : "float32";
  }

  /** Keras writes an empty build config: the layer has no shape-dependent state. */
  getBuildConfig(): Record<string, unknown> {
    return {};
  }

  // ------------------------------------------------------------ saving

  /**
   * Keras's `save_assets`: an adapted (or `setVocabulary`'d, or file-given) vocabulary goes to
   * `vocabulary.txt` in the layer's assets folder, special tokens included, one a line; a
   * vocabulary given as a list is in the config instead, so nothing is written.
   */
  saveAssets(): Record<string, Uint8Array> {
    if (this.inputVocabulary !== null) return {};
    const text = this.getVocabulary(true)
      .map((t) => String(t))
      .join("\n");
    return { "vocabulary.txt": new TextEncoder().encode(text) };
  }

  /** Keras's `load_assets`: the vocabulary from `vocabulary.txt` (idf weights stay as loaded). */
  loadAssets(files: Readonly<Record<string, Uint8Array>>): void {
    if (this.inputVocabulary !== null) return;
    const bytes = files["vocabulary.txt"];
    if (!bytes) {
      throw new StrataError(
        `${this.where()}: expected the asset vocabulary.txt in the model file; it is missing`,
      );
    }
    const values = vocabularyLines(new TextDecoder().decode(bytes)).map((l) => this.parseToken(l));
    if (values.length === 0) return;
    // As Keras's set_vocabulary: leading special tokens are recognised and dropped. The idf
    // weights (loaded with the variables, before the assets) already span every slot.
    const start = this.tokenStartIndex();
    const special = this.specialTokens();
    const found = values.length >= start && special.every((s, i) => values[i] === s);
    this.setTokens(found ? values.slice(start) : values, "vocabulary asset");
  }

  /** Keras's `save_own_variables`: the idf weights in "tf_idf" mode, by name. */
  saveOwnVariables(): Record<string, Tensor> {
    if (this.outputMode !== "tf_idf" || this.idf === null) return {};
    return { idf_weights: fromValues(this.idf.slice(), [this.idf.length]) };
  }

  /**
   * Keras's `load_own_variables`: the saved idf weights in "tf_idf" mode (a layer saved before it
   * had any wrote none, and then has none).
   */
  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void {
    const t = store.idf_weights;
    if (this.outputMode !== "tf_idf" || !t) return;
    this.idf = Float32Array.from(t.dataSync() as ArrayLike<number>, Number);
  }

  // ------------------------------------------------------------ config

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      invert: this.invert,
      max_tokens: this.maxTokens,
      num_oov_indices: this.numOovIndices,
      oov_token: this.oovToken,
      mask_token: this.maskToken,
      output_mode: this.outputMode,
      sparse: this.sparse,
      pad_to_max_tokens: this.padToMaxTokens,
      vocabulary_dtype: this.vocabularyDtype,
      idf_weights: this.inputIdfWeights ? [...this.inputIdfWeights] : null,
      vocabulary: this.inputVocabulary ? [...this.inputVocabulary] : null,
      vocabulary_size: this.frozenVocabSize,
      oov_method: this.oovMethod,
      salt: this.salt ? [...this.salt] : null,
    };
  }
}

function numberList(values: NumbersLike): number[] {
  if (values instanceof Tensor) {
    if (values.dtype === "string")
      throw new DTypeError(`idfWeights must be numbers; received strings`);
    return Array.from(values.dataSync() as ArrayLike<number>, Number);
  }
  return Array.from(values as ArrayLike<number>, Number);
}
