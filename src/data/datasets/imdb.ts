/**
 * `st.datasets.imdb`: 25,000 training and 25,000 test movie reviews labelled by sentiment
 * (Keras's `keras.datasets.imdb`), as sequences of word indices.
 *
 * `loadData(opts)` returns `[[xTrain, yTrain], [xTest, yTest]]`. Keras returns object arrays of
 * Python lists; here `x` is a `number[][]` (ragged: pad it with `padSequences`) and `y` a 1-D
 * int32 tensor of 0 (negative) / 1 (positive). The processing is Keras's, step for step: the train
 * and then the test set are shuffled by one `np.random.RandomState(seed)` (replayed exactly),
 * `startChar` is prepended and `indexFrom` added to every index, sequences of length ≥ `maxlen`
 * are dropped, and words outside [skipTop, numWords) become `oovChar`.
 *
 * Sources, in this order (`source: "auto"`):
 * 1. `imdb.npz` (Keras's file) in the cache folder: Keras's exact data.
 * 2. Otherwise, when `imdb_reviews.json.gz` (the 50,000 raw reviews, negative first) and
 *    `imdb_word_index.json` are in the cache folder, the sequences are built from the raw text.
 *    This is NOT byte-identical to Keras's imdb.npz (Keras's 2015 preprocessing script and its
 *    train/test split are not public). The rule: each review is tokenised as Keras's old
 *    `text_to_word_sequence` did (lower-case, the characters !"#$%&()*+,-./:;<=>?@[\]^_`{|}~ tab
 *    and newline become spaces, split on spaces, so apostrophes stay inside words and `<br />`
 *    leaves the token "br", as in Keras's index where "br" is word 7); each word becomes its rank
 *    in the word index, and words missing from the index are skipped (Keras: "words that were not
 *    seen in the training set … have simply been skipped"). The split is balanced and fixed: the
 *    reviews of each label are permuted by `RandomState(2011)` (negatives first, one generator)
 *    and the first half goes to training; each set lists its negatives, then its positives, in
 *    file order. Then the steps above apply as for the npz.
 * 3. Otherwise `imdb.npz` is downloaded from Keras's URL (checked against Keras's sha256).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { StrataError, ValueError } from "../../errors.js";
import { parseNpz } from "../../io/npy.js";
import { textToWordSequence } from "../text-to-word-sequence.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, datasetsDir, getFile, hasLocalFile } from "./cache.js";
import {
  type SequenceOptions,
  type Splits,
  checkSequenceOptions,
  cutVocabulary,
  labelTensor,
  labelsFrom,
  markAndOffset,
  removeLongSeq,
  sequencesFrom,
  shuffleTogether,
} from "./common.js";
import { RandomState } from "./random-state.js";

const NPZ_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f";
const WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f";
const REVIEWS_FILE = "imdb_reviews.json.gz";
const WORD_INDEX_FILE = "imdb_word_index.json";
/** Seed of the fixed train/test split of the raw-review fallback. */
export const REVIEWS_SPLIT_SEED = 2011;

export interface ImdbOptions extends DatasetOptions, SequenceOptions {
  /** File name of Keras's npz in the cache folder (Keras's `path`). Default `"imdb.npz"`. */
  path?: string;
  /** `"auto"` (default) as described above, or force `"npz"` or the raw `"reviews"`. */
  source?: "auto" | "npz" | "reviews";
}

interface Base {
  xTrain: number[][];
  yTrain: Int32Array;
  xTest: number[][];
  yTest: Int32Array;
}

async function fromNpz(opts: ImdbOptions): Promise<Base> {
  const fname = opts.path ?? "imdb.npz";
  const bytes = await getFile({ fname, url: `${KERAS_ORIGIN}imdb.npz`, hash: NPZ_SHA256 }, opts);
  const arrays = parseNpz(bytes, { keys: ["x_train", "y_train", "x_test", "y_test"] }, fname);
  return {
    xTrain: sequencesFrom(arrays, "x_train", fname),
    yTrain: labelsFrom(arrays, "y_train", fname),
    xTest: sequencesFrom(arrays, "x_test", fname),
    yTest: labelsFrom(arrays, "y_test", fname),
  };
}

async function fromReviews(opts: ImdbOptions): Promise<Base> {
  const path = join(datasetsDir(opts), REVIEWS_FILE);
  let reviews: unknown;
  try {
    reviews = JSON.parse(gunzipSync(await readFile(path)).toString("utf8"));
  } catch (err) {
    throw new StrataError(`imdb: could not read ${path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(reviews))
    throw new StrataError(`imdb: ${path} must hold a JSON array of reviews`);
  const { cacheDir, origin, checkHash } = opts;
  const index = new Map(Object.entries(await getWordIndex({ cacheDir, origin, checkHash })));
  const seqs: number[][] = [];
  const byLabel: [number[], number[]] = [[], []];
  reviews.forEach((r: unknown, i) => {
    const { t, s } = (r ?? {}) as { t?: unknown; s?: unknown };
    if (typeof t !== "string" || (s !== 0 && s !== 1)) {
      throw new StrataError(`imdb: review ${i} of ${path} must be {"t": text, "s": 0 or 1}`);
    }
    const seq: number[] = [];
    for (const word of textToWordSequence(t)) {
      const rank = index.get(word);
      if (rank !== undefined) seq.push(rank);
    }
    seqs.push(seq);
    byLabel[s].push(i);
  });
  const rng = new RandomState(REVIEWS_SPLIT_SEED);
  const train: number[] = [];
  const test: number[] = [];
  for (const members of byLabel) {
    const order = rng.permutation(members.length);
    const half = Math.floor(members.length / 2);
    const chosen = (from: number, to: number): number[] =>
      Array.from(order.subarray(from, to), (k) => members[k]!).sort((a, b) => a - b);
    train.push(...chosen(0, half));
    test.push(...chosen(half, members.length));
  }
  const label = (i: number): number => (reviews as { s: number }[])[i]!.s;
  return {
    xTrain: train.map((i) => seqs[i]!),
    yTrain: Int32Array.from(train, label),
    xTest: test.map((i) => seqs[i]!),
    yTest: Int32Array.from(test, label),
  };
}

async function chooseSource(opts: ImdbOptions): Promise<"npz" | "reviews"> {
  const source = opts.source ?? "auto";
  if (source === "npz" || source === "reviews") return source;
  if (source !== "auto") {
    throw new ValueError(
      `imdb.loadData: source must be "auto", "npz" or "reviews". Received: source=${String(source)}`,
    );
  }
  if (await hasLocalFile(opts.path ?? "imdb.npz", opts)) return "npz";
  const raw =
    (await hasLocalFile(REVIEWS_FILE, opts)) && (await hasLocalFile(WORD_INDEX_FILE, opts));
  return raw ? "reviews" : "npz";
}

/** `keras.datasets.imdb.load_data(...)`: see the file comment. */
export async function loadData(opts: ImdbOptions = {}): Promise<Splits<number[][], Tensor>> {
  checkSequenceOptions(opts, "imdb.loadData");
  const base = (await chooseSource(opts)) === "npz" ? await fromNpz(opts) : await fromReviews(opts);
  const rng = new RandomState(opts.seed ?? 113);
  let [xTrain, yTrain] = shuffleTogether(base.xTrain, base.yTrain, rng);
  let [xTest, yTest] = shuffleTogether(base.xTest, base.yTest, rng);
  const startChar = opts.startChar === undefined ? 1 : opts.startChar;
  const indexFrom = opts.indexFrom ?? 3;
  xTrain = markAndOffset(xTrain, startChar, indexFrom);
  xTest = markAndOffset(xTest, startChar, indexFrom);
  if (opts.maxlen) {
    [xTrain, yTrain] = removeLongSeq(opts.maxlen, xTrain, yTrain);
    [xTest, yTest] = removeLongSeq(opts.maxlen, xTest, yTest);
    if (xTrain.length === 0 || xTest.length === 0) {
      throw new ValueError(
        `imdb.loadData: after filtering for sequences shorter than maxlen=${opts.maxlen}, no sequence was kept. Increase maxlen.`,
      );
    }
  }
  const oovChar = opts.oovChar === undefined ? 2 : opts.oovChar;
  const xs = cutVocabulary([...xTrain, ...xTest], opts.numWords, opts.skipTop ?? 0, oovChar);
  return [
    [xs.slice(0, xTrain.length), labelTensor(yTrain)],
    [xs.slice(xTrain.length), labelTensor(yTest)],
  ];
}

/**
 * `keras.datasets.imdb.get_word_index()`: word → rank (1 = most frequent, "the"). Add `indexFrom`
 * (3) to match the indices in `loadData`'s sequences. The object has no prototype, so any word,
 * even "constructor", is a safe key.
 */
export async function getWordIndex(
  opts: DatasetOptions & { path?: string } = {},
): Promise<Record<string, number>> {
  const fname = opts.path ?? WORD_INDEX_FILE;
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}imdb_word_index.json`, hash: WORD_INDEX_MD5 },
    opts,
  );
  return Object.assign(
    Object.create(null) as Record<string, number>,
    JSON.parse(Buffer.from(bytes).toString("utf8")),
  );
}
