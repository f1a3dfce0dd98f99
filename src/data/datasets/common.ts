/**
 * Pieces the dataset loaders share: the return type, npz-member access, and the word-sequence
 * processing that Keras's `imdb.load_data` and `reuters.load_data` apply (seeded shuffle, start
 * and OOV markers, `index_from` offset, `maxlen` filtering, `num_words` / `skip_top` cut).
 */
import { StrataError, ValueError } from "../../errors.js";
import type { NpyArray } from "../../io/npy.js";
import { npyToTensor } from "../npy.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { RandomState } from "./random-state.js";

/** What every `loadData` returns: `[[xTrain, yTrain], [xTest, yTest]]`, as Keras's tuples. */
export type Splits<X, Y> = [[X, Y], [X, Y]];

/** The npz member `key` as a tensor. */
export function tensorFrom(arrays: Map<string, NpyArray>, key: string, where: string): Tensor {
  const arr = arrays.get(key);
  if (!arr) throw new StrataError(`${where}: no array named "${key}"`);
  return npyToTensor(arr, `${where}/${key}.npy`);
}

/** One pickled sequence (a Python list of ints, or a 1-D int array) as a number[]. */
function toIntList(item: unknown, where: string): number[] {
  const values = Array.isArray(item)
    ? item
    : item !== null && typeof item === "object" && "data" in item
      ? Array.from((item as NpyArray).data as ArrayLike<unknown>)
      : undefined;
  if (!values || !values.every((v) => typeof v === "number" && Number.isInteger(v))) {
    throw new StrataError(`${where}: expected sequences of integers (lists of word indices)`);
  }
  return values as number[];
}

/** An object array of sequences from an npz as `number[][]`. */
export function sequencesFrom(
  arrays: Map<string, NpyArray>,
  key: string,
  where: string,
): number[][] {
  const arr = arrays.get(key);
  if (!arr) throw new StrataError(`${where}: no array named "${key}"`);
  if (!Array.isArray(arr.data)) {
    throw new StrataError(
      `${where}/${key}.npy: expected an object array of sequences, found "${arr.descr}"`,
    );
  }
  return arr.data.map((item) => toIntList(item, `${where}/${key}.npy`));
}

/** An integer label array from an npz as Int32Array. */
export function labelsFrom(arrays: Map<string, NpyArray>, key: string, where: string): Int32Array {
  const t = tensorFrom(arrays, key, where);
  if (t.dtype !== "int32")
    throw new StrataError(`${where}/${key}.npy: expected integer labels, found ${t.dtype}`);
  return t.dataSync() as Int32Array;
}

/** Options of `imdb.loadData` and `reuters.loadData`, named as Keras's, camelCased. */
export interface SequenceOptions {
  /** Keep only words ranked below this (others become `oovChar`). Default: all words. */
  numWords?: number | null;
  /** Words ranked below this become `oovChar`. Default 0. */
  skipTop?: number;
  /** Drop sequences (after the start marker is added) of this length or longer. Default: none. */
  maxlen?: number | null;
  /** Seed of the shuffle (NumPy `RandomState`). Default 113. */
  seed?: number;
  /** Marker prepended to every sequence; `null` for none. Default 1. */
  startChar?: number | null;
  /** Replacement for cut words; `null` drops them instead. Default 2. */
  oovChar?: number | null;
  /** Offset added to every word index. Default 3. */
  indexFrom?: number;
}

function checkInt(value: unknown, name: string, where: string, nullable: boolean): void {
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValueError(
      `${where}: ${name} must be a non-negative integer${nullable ? " or null" : ""}. Received: ${name}=${String(value)}`,
    );
  }
}

export function checkSequenceOptions(opts: SequenceOptions, where: string): void {
  checkInt(opts.numWords, "numWords", where, true);
  checkInt(opts.skipTop, "skipTop", where, false);
  checkInt(opts.maxlen, "maxlen", where, true);
  checkInt(opts.seed, "seed", where, false);
  checkInt(opts.startChar, "startChar", where, true);
  checkInt(opts.oovChar, "oovChar", where, true);
  checkInt(opts.indexFrom, "indexFrom", where, false);
  if (opts.seed !== undefined && opts.seed > 0xffffffff) {
    throw new ValueError(`${where}: seed must be below 2**32. Received: seed=${opts.seed}`);
  }
}

/** Reorders `xs` and `ys` by one `rng.shuffle(arange(n))`, as Keras does. */
export function shuffleTogether(
  xs: number[][],
  ys: Int32Array,
  rng: RandomState,
): [number[][], Int32Array] {
  const order = new Int32Array(xs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  rng.shuffle(order);
  return [Array.from(order, (i) => xs[i]!), Int32Array.from(order, (i) => ys[i]!)];
}

/** Prepends `startChar` and adds `indexFrom` (Keras: `[start_char] + [w + index_from for w in x]`). */
export function markAndOffset(
  xs: number[][],
  startChar: number | null,
  indexFrom: number,
): number[][] {
  return xs.map((x) => {
    const shifted = x.map((w) => w + indexFrom);
    return startChar === null ? shifted : [startChar, ...shifted];
  });
}

/** Keras's `remove_long_seq`: keeps the sequences strictly shorter than `maxlen`. */
export function removeLongSeq(
  maxlen: number,
  xs: number[][],
  ys: Int32Array,
): [number[][], Int32Array] {
  const keep: number[] = [];
  xs.forEach((x, i) => {
    if (x.length < maxlen) keep.push(i);
  });
  return [keep.map((i) => xs[i]!), Int32Array.from(keep, (i) => ys[i]!)];
}

/**
 * The vocabulary cut: words outside [skipTop, numWords) become `oovChar` (or are dropped when it
 * is null). With no `numWords`, Keras uses the largest index present — which, being exclusive,
 * turns that one word into OOV too; kept as Keras does it.
 */
export function cutVocabulary(
  xs: number[][],
  numWords: number | null | undefined,
  skipTop: number,
  oovChar: number | null,
): number[][] {
  let limit = numWords ?? 0;
  if (!limit) {
    limit = -Infinity;
    for (const x of xs) for (const w of x) if (w > limit) limit = w;
  }
  return xs.map((x) =>
    oovChar === null
      ? x.filter((w) => skipTop <= w && w < limit)
      : x.map((w) => (skipTop <= w && w < limit ? w : oovChar)),
  );
}

/** Labels as a 1-D int32 tensor. */
export function labelTensor(ys: Int32Array): Tensor {
  return fromValues(ys, [ys.length]);
}
