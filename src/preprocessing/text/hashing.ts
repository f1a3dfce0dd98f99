/**
 * `oneHot` and `hashingTrick`: Keras 2's hashed word encodings (`keras.preprocessing.text.one_hot` /
 * `hashing_trick`). Each word becomes `hash(word) % (n - 1) + 1`, so indices lie in [1, n) and 0 stays
 * free for padding; different words may collide.
 *
 * Keras's default hash is Python's built-in `hash`, which is salted per process and so gives other
 * indices on every run; Strata's default is the MD5 hash (Keras's `hash_function="md5"`), which is
 * stable and equals Keras's "md5" results exactly.
 */
import { createHash } from "node:crypto";
import { ValueError } from "../../errors.js";
import { type WordSequenceOptions, textToWordSequence } from "../../data/text-to-word-sequence.js";

/** A word hash: "md5", or a function of the word returning a non-negative or negative integer. */
export type HashFunction = "md5" | ((word: string) => number | bigint);

export interface HashingTrickOptions extends WordSequenceOptions {
  /** The hash (Keras `hash_function`); default "md5" (see the file comment). */
  hashFunction?: HashFunction;
}

/** Keras's md5 hash: the 128-bit digest read as an unsigned integer. */
function md5(word: string): bigint {
  return BigInt(`0x${createHash("md5").update(word, "utf8").digest("hex")}`);
}

/** Python's `%`: the result takes the divisor's sign, so it is never negative here. */
function pyMod(h: bigint, m: bigint): bigint {
  const r = h % m;
  return r < 0n ? r + m : r;
}

function toBigInt(h: number | bigint, where: string): bigint {
  if (typeof h === "bigint") return h;
  if (!Number.isInteger(h)) {
    throw new ValueError(`${where}: hashFunction must return an integer; received ${h}`);
  }
  return BigInt(h);
}

/** Encodes `text` as hashed word indices in [1, n): Keras 2's `hashing_trick`. */
export function hashingTrick(text: string, n: number, options: HashingTrickOptions = {}): number[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new ValueError(`hashingTrick: n must be an integer >= 2; received n=${n}`);
  }
  const fn = options.hashFunction ?? "md5";
  if (fn !== "md5" && typeof fn !== "function") {
    throw new ValueError(
      `hashingTrick: hashFunction must be "md5" or a function; received ${String(fn)}`,
    );
  }
  const hash = fn === "md5" ? md5 : (w: string) => toBigInt(fn(w), "hashingTrick");
  const m = BigInt(n - 1);
  return textToWordSequence(text, options).map((w) => Number(pyMod(hash(w), m) + 1n));
}

/** Keras 2's `one_hot`: `hashingTrick` with the default hash (indices in [1, n)). */
export function oneHot(text: string, n: number, options: WordSequenceOptions = {}): number[] {
  return hashingTrick(text, n, {
    filters: options.filters,
    lower: options.lower,
    split: options.split,
  });
}
