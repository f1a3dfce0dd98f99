/**
 * `Tokenizer`: Keras 2's `keras.preprocessing.text.Tokenizer`, the book's older text API. It counts
 * words over texts (`fitOnTexts`), numbers them by descending count (index 1 is the most frequent,
 * or the OOV token when there is one; 0 is never a word), and turns texts into index sequences or
 * into bag-of-words matrices (binary, count, freq or tf-idf with Keras's exact weighting).
 * `toJson` / `tokenizerFromJson` read and write Keras's JSON.
 */
import { ValueError } from "../../errors.js";
import { Tensor, fromValues } from "../../tensor/tensor.js";
import { pythonJsonDumps } from "./python-json.js";
import { DEFAULT_FILTERS, textToWordSequence } from "../../data/text-to-word-sequence.js";

/** A text, or a text already split into tokens (Keras accepts lists of tokens too). */
export type TextInput = string | readonly string[];

/** Texts as an iterable of strings / token lists, or a string tensor. */
export type Texts = Iterable<TextInput> | Tensor;

export type MatrixMode = "binary" | "count" | "tfidf" | "freq";

export interface TokenizerOptions {
  /** Keep only the `numWords - 1` most frequent words in sequences and matrices (Keras `num_words`). */
  numWords?: number | null;
  /** Characters removed from texts, replaced by `split` (Keras `filters`). */
  filters?: string;
  /** Lower-case texts (default true). */
  lower?: boolean;
  /** Word separator (default " "). */
  split?: string;
  /** Every character is a token (Keras `char_level`); filters are then not applied, as in Keras. */
  charLevel?: boolean;
  /** Token for words outside the vocabulary; it takes index 1 (Keras `oov_token`). */
  oovToken?: string | null;
  /** Splits a text into tokens in place of the filters/lower/split rules (Keras `analyzer`). */
  analyzer?: ((text: string) => string[]) | null;
  /** Documents seen so far (Keras `document_count`, used when restoring from JSON). */
  documentCount?: number;
}

const MODES: readonly MatrixMode[] = ["binary", "count", "tfidf", "freq"];

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function textsOf(texts: Texts): Iterable<TextInput> {
  return texts instanceof Tensor ? texts.stringValues() : texts;
}

export class Tokenizer {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  readonly analyzer: ((text: string) => string[]) | null;
  documentCount: number;
  /** Occurrences of each word, in first-seen order. */
  wordCounts = new Map<string, number>();
  /** Number of documents each word occurs in. */
  wordDocs = new Map<string, number>();
  /** Word → index (1-based, by descending count; ties keep first-seen order). */
  wordIndex = new Map<string, number>();
  /** Index → word. */
  indexWord = new Map<number, string>();
  /** Word index → number of documents it occurs in. */
  indexDocs = new Map<number, number>();

  constructor(options: TokenizerOptions = {}) {
    const n = options.numWords ?? null;
    if (n !== null && (!Number.isInteger(n) || n < 0)) {
      throw new ValueError(`Tokenizer: numWords must be a non-negative integer; received ${n}`);
    }
    this.numWords = n;
    this.filters = options.filters ?? DEFAULT_FILTERS;
    this.lower = options.lower ?? true;
    this.split = options.split ?? " ";
    this.charLevel = options.charLevel ?? false;
    this.oovToken = options.oovToken ?? null;
    this.analyzer = options.analyzer ?? null;
    this.documentCount = options.documentCount ?? 0;
  }

  /** The tokens of one text, as Keras splits it. */
  private tokens(text: TextInput): string[] {
    if (this.charLevel || typeof text !== "string") {
      const seq = typeof text === "string" ? Array.from(text) : [...text];
      return this.lower ? seq.map((t) => t.toLowerCase()) : seq;
    }
    if (this.analyzer) return this.analyzer(text);
    return textToWordSequence(text, {
      filters: this.filters,
      lower: this.lower,
      split: this.split,
    });
  }

  /** Counts the words of `texts` and (re)numbers the vocabulary by descending count. */
  fitOnTexts(texts: Texts): void {
    for (const text of textsOf(texts)) {
      this.documentCount += 1;
      const seq = this.tokens(text);
      for (const w of seq) increment(this.wordCounts, w);
      for (const w of new Set(seq)) increment(this.wordDocs, w);
    }
    // Array.prototype.sort is stable, as Python's sort: equal counts keep first-seen order.
    const byCount = [...this.wordCounts.entries()].sort((a, b) => b[1] - a[1]);
    const sorted = this.oovToken === null ? [] : [this.oovToken];
    for (const [w] of byCount) sorted.push(w);
    this.wordIndex = new Map(sorted.map((w, i) => [w, i + 1]));
    this.indexWord = new Map(sorted.map((w, i) => [i + 1, w]));
    for (const [w, c] of this.wordDocs) this.indexDocs.set(this.wordIndex.get(w)!, c);
  }

  /** Counts documents per index from index sequences (for tf-idf over sequences). */
  fitOnSequences(sequences: Iterable<readonly number[]>): void {
    for (const seq of sequences) {
      this.documentCount += 1;
      for (const i of new Set(seq)) increment(this.indexDocs, i);
    }
  }

  /** Each text as word indices; words beyond `numWords` or unknown become the OOV index or are dropped. */
  textsToSequences(texts: Texts): number[][] {
    return [...this.textsToSequencesGenerator(texts)];
  }

  /** `textsToSequences` one text at a time (Keras's `texts_to_sequences_generator`). */
  *textsToSequencesGenerator(texts: Texts): Generator<number[]> {
    const oov = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    for (const text of textsOf(texts)) {
      const vect: number[] = [];
      for (const w of this.tokens(text)) {
        const i = this.wordIndex.get(w);
        if (i !== undefined && !(this.numWords && i >= this.numWords)) vect.push(i);
        else if (oov !== undefined) vect.push(oov);
      }
      yield vect;
    }
  }

  /** Each index sequence back to a space-joined text (the inverse of textsToSequences). */
  sequencesToTexts(sequences: Iterable<readonly number[]>): string[] {
    return [...this.sequencesToTextsGenerator(sequences)];
  }

  /** `sequencesToTexts` one sequence at a time (Keras's `sequences_to_texts_generator`). */
  *sequencesToTextsGenerator(sequences: Iterable<readonly number[]>): Generator<string> {
    const oov = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const oovWord = oov === undefined ? undefined : this.indexWord.get(oov);
    for (const seq of sequences) {
      const vect: string[] = [];
      for (const num of seq) {
        const word = this.indexWord.get(num);
        if (word !== undefined && !(this.numWords && num >= this.numWords)) vect.push(word);
        else if (this.oovToken !== null && oovWord !== undefined) vect.push(oovWord);
      }
      yield vect.join(" ");
    }
  }

  /** Texts as a float32 matrix [texts, numWords] in `mode` (default "binary"). */
  textsToMatrix(texts: Texts, mode: MatrixMode = "binary"): Tensor {
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * Index sequences as a float32 matrix [sequences, numWords]; column j is word j (column 0 is
   * never set). With c the count of j in a sequence of length L and N documents fitted:
   * binary 1, count c, freq c / L, tfidf (1 + ln c) · ln(1 + N / (1 + docs(j))).
   */
  sequencesToMatrix(
    sequences: readonly (readonly number[])[],
    mode: MatrixMode = "binary",
  ): Tensor {
    if (!MODES.includes(mode)) {
      throw new ValueError(
        `Tokenizer: unknown vectorization mode; expected one of ${MODES.join(", ")}; received ${String(mode)}`,
      );
    }
    let numWords = this.numWords;
    if (!numWords) {
      if (this.wordIndex.size === 0) {
        throw new ValueError(
          "Tokenizer: specify a dimension (the numWords option), or fit on some text data first",
        );
      }
      numWords = this.wordIndex.size + 1;
    }
    if (mode === "tfidf" && !this.documentCount) {
      throw new ValueError("Tokenizer: fit the Tokenizer on some data before using tfidf mode");
    }
    const x = new Float32Array(sequences.length * numWords);
    sequences.forEach((seq, i) => {
      const counts = new Map<number, number>();
      for (const j of seq) if (j < numWords) increment(counts, j);
      for (const [j, c] of counts) {
        let v: number;
        if (mode === "count") v = c;
        else if (mode === "freq") v = c / seq.length;
        else if (mode === "binary") v = 1;
        else {
          const idf = Math.log(1 + this.documentCount / (1 + (this.indexDocs.get(j) ?? 0)));
          v = (1 + Math.log(c)) * idf;
        }
        x[i * numWords + j] = v;
      }
    });
    return fromValues(x, [sequences.length, numWords]);
  }

  /** Keras's `get_config`: the options and the fitted tables, each table as a JSON string. */
  getConfig(): Record<string, string | number | boolean | null> {
    return {
      num_words: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      char_level: this.charLevel,
      oov_token: this.oovToken,
      document_count: this.documentCount,
      word_counts: pythonJsonDumps(this.wordCounts),
      word_docs: pythonJsonDumps(this.wordDocs),
      index_docs: pythonJsonDumps(this.indexDocs),
      index_word: pythonJsonDumps(this.indexWord),
      word_index: pythonJsonDumps(this.wordIndex),
    };
  }

  /** Keras's `to_json`: `{"class_name": "Tokenizer", "config": {...}}` as Python writes it. */
  toJson(): string {
    return pythonJsonDumps({ class_name: "Tokenizer", config: this.getConfig() });
  }
}

/** One `"key": value` pair of a flat JSON object, and what follows it ("," or "}"). */
const PAIR = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)\s*([,}])/y;

/**
 * A flat JSON object's entries in file order (JSON.parse would move integer-like keys first,
 * and the order of the tables is the tie order of the vocabulary).
 */
function parseTable(config: Record<string, unknown>, key: string): [string, unknown][] {
  const raw = config[key];
  const bad = (): ValueError =>
    new ValueError(`tokenizerFromJson: config.${key} must be a JSON object of strings or numbers`);
  if (typeof raw !== "string") throw bad();
  const body = raw.trim();
  if (!body.startsWith("{")) throw bad();
  if (/^\{\s*\}$/.test(body)) return [];
  const entries: [string, unknown][] = [];
  PAIR.lastIndex = 1;
  for (;;) {
    const m = PAIR.exec(body);
    if (!m) throw bad();
    entries.push([JSON.parse(m[1]!) as string, JSON.parse(m[2]!) as unknown]);
    if (m[3] === "}") break;
  }
  return entries;
}

/** Keras's `tokenizer_from_json`: a Tokenizer from the JSON that `toJson` (or Keras) wrote. */
export function tokenizerFromJson(json: string): Tokenizer {
  const outer = JSON.parse(json) as { config?: Record<string, unknown> };
  const c = outer.config;
  if (!c || typeof c !== "object") {
    throw new ValueError('tokenizerFromJson: expected {"class_name": ..., "config": {...}}');
  }
  const tok = new Tokenizer({
    numWords: (c.num_words as number | null | undefined) ?? null,
    filters: c.filters as string | undefined,
    lower: c.lower as boolean | undefined,
    split: c.split as string | undefined,
    charLevel: c.char_level as boolean | undefined,
    oovToken: (c.oov_token as string | null | undefined) ?? null,
    documentCount: (c.document_count as number | undefined) ?? 0,
  });
  // JSON turned the integer keys into strings; Keras turns them back with int().
  tok.wordCounts = new Map(parseTable(c, "word_counts").map(([k, v]) => [k, Number(v)]));
  tok.wordDocs = new Map(parseTable(c, "word_docs").map(([k, v]) => [k, Number(v)]));
  tok.indexDocs = new Map(parseTable(c, "index_docs").map(([k, v]) => [Number(k), Number(v)]));
  tok.indexWord = new Map(parseTable(c, "index_word").map(([k, v]) => [Number(k), String(v)]));
  tok.wordIndex = new Map(parseTable(c, "word_index").map(([k, v]) => [k, Number(v)]));
  return tok;
}
