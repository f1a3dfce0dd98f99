/**
 * `st.datasets.reuters`: 11,228 Reuters newswires labelled over 46 topics (Keras's
 * `keras.datasets.reuters`), as sequences of word indices, read from Keras's `reuters.npz`.
 *
 * `loadData(opts)` returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` as `number[][]` (ragged;
 * Keras returns object arrays of lists), `y` as a 1-D int32 tensor of topic ids 0–45. Keras's
 * processing, step for step: all newswires are shuffled by `np.random.RandomState(seed)` (replayed
 * exactly), `startChar` is prepended and `indexFrom` added, sequences of length ≥ `maxlen` are
 * dropped, words outside [skipTop, numWords) become `oovChar`, and the first
 * `int(n · (1 − testSplit))` newswires form the training set.
 */
import { ValueError } from "../../errors.js";
import { parseNpz } from "../../io/npy.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile } from "./cache.js";
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

const NPZ_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916";
const WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921";

export interface ReutersOptions extends DatasetOptions, SequenceOptions {
  /** File name of Keras's npz in the cache folder (Keras's `path`). Default `"reuters.npz"`. */
  path?: string;
  /** Fraction of the newswires used as test data, in [0, 1). Default 0.2. */
  testSplit?: number;
}

/** `keras.datasets.reuters.load_data(...)`: see the file comment. */
export async function loadData(opts: ReutersOptions = {}): Promise<Splits<number[][], Tensor>> {
  checkSequenceOptions(opts, "reuters.loadData");
  const testSplit = opts.testSplit ?? 0.2;
  if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit < 1)) {
    throw new ValueError(
      `reuters.loadData: testSplit must be in [0, 1). Received: testSplit=${testSplit}`,
    );
  }
  const fname = opts.path ?? "reuters.npz";
  const bytes = await getFile({ fname, url: `${KERAS_ORIGIN}reuters.npz`, hash: NPZ_SHA256 }, opts);
  const arrays = parseNpz(bytes, { keys: ["x", "y"] }, fname);
  const rng = new RandomState(opts.seed ?? 113);
  let [xs, labels] = shuffleTogether(
    sequencesFrom(arrays, "x", fname),
    labelsFrom(arrays, "y", fname),
    rng,
  );
  const startChar = opts.startChar === undefined ? 1 : opts.startChar;
  xs = markAndOffset(xs, startChar, opts.indexFrom ?? 3);
  if (opts.maxlen) [xs, labels] = removeLongSeq(opts.maxlen, xs, labels);
  const oovChar = opts.oovChar === undefined ? 2 : opts.oovChar;
  xs = cutVocabulary(xs, opts.numWords, opts.skipTop ?? 0, oovChar);
  // Python's int(len(xs) * (1 - test_split)): the same double arithmetic, truncated.
  const idx = Math.trunc(xs.length * (1 - testSplit));
  return [
    [xs.slice(0, idx), labelTensor(labels.slice(0, idx))],
    [xs.slice(idx), labelTensor(labels.slice(idx))],
  ];
}

/**
 * `keras.datasets.reuters.get_word_index()`: word → rank (1 = most frequent). Add `indexFrom` (3)
 * to match `loadData`'s indices. The object has no prototype, so any word is a safe key.
 */
export async function getWordIndex(
  opts: DatasetOptions & { path?: string } = {},
): Promise<Record<string, number>> {
  const fname = opts.path ?? "reuters_word_index.json";
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}reuters_word_index.json`, hash: WORD_INDEX_MD5 },
    opts,
  );
  return Object.assign(
    Object.create(null) as Record<string, number>,
    JSON.parse(Buffer.from(bytes).toString("utf8")),
  );
}

/** `keras.datasets.reuters.get_label_names()`: topic names, indexed by label. */
export function getLabelNames(): string[] {
  return [
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
  ];
}
