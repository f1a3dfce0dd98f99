/**
 * The hash functions behind Keras's Hashing, HashedCrossing and the lookup layers' OOV buckets,
 * bit for bit as TensorFlow computes them (Keras calls TF's string ops):
 * - `tf.strings.to_hash_bucket_fast`: FarmHash Fingerprint64 of the UTF-8 bytes, mod the bins
 *   (Fingerprint64 from the `farmhash-modern` package);
 * - `tf.strings.to_hash_bucket_strong`: SipHash-2-4 keyed by two uint64 words, mod the bins
 *   (written here: a few lines over BigInt, checked against SipHash's reference vectors);
 * - `tf.sparse.cross_hashed`: TF's FingerprintCat64 folded over the features' fingerprints,
 *   starting from TF's default hash key.
 * All arithmetic is unsigned 64-bit, on BigInt.
 */
import { fingerprint64 } from "farmhash-modern";

const MASK64 = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/** FarmHash Fingerprint64 of a string's UTF-8 bytes (TF's `Fingerprint64`). */
export function farmFingerprint64(value: string): bigint {
  return fingerprint64(utf8.encode(value));
}

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK64;
}

/** SipHash-2-4 of `bytes` under the 128-bit key (k0, k1), each a uint64 (TF's `StrongKeyedHash`). */
export function sipHash64(k0: bigint, k1: bigint, bytes: Uint8Array): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK64;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK64;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK64;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const n = bytes.length;
  const whole = n - (n % 8);
  for (let i = 0; i < whole; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(bytes[i + j]!);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  // The last block: the remaining bytes, little-endian, with the length's low byte on top.
  let last = BigInt(n & 0xff) << 56n;
  for (let j = 0; j < n % 8; j++) last |= BigInt(bytes[whole + j]!) << BigInt(8 * j);
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  for (let r = 0; r < 4; r++) round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}

/** A salt as Keras stores it: two non-negative integers (a single one is used twice). */
export type Salt = readonly [number, number];

/** `tf.strings.to_hash_bucket_fast` (no salt) or `to_hash_bucket_strong` (salt) of one string. */
export function hashBucket(value: string, numBuckets: number, salt: Salt | null): number {
  const h =
    salt === null
      ? farmFingerprint64(value)
      : sipHash64(BigInt(salt[0]) & MASK64, BigInt(salt[1]) & MASK64, utf8.encode(value));
  return Number(h % BigInt(numBuckets));
}

/** TF's `FingerprintCat64`: combines two fingerprints, order-dependent. */
export function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  const kMul = 0xc6a4a7935bd1e995n;
  const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);
  let r = fp1 ^ kMul;
  r ^= (shiftMix((fp2 * kMul) & MASK64) * kMul) & MASK64;
  r = (r * kMul) & MASK64;
  r = (shiftMix(r) * kMul) & MASK64;
  return shiftMix(r);
}

/** `tf.sparse.cross_hashed`'s default `hash_key` (TF's `_DEFAULT_HASH_KEY`). */
export const CROSS_HASH_KEY = 0xdecafcaffen;

/**
 * One feature of a cross as TF's hashed crosser sees it: a string's Fingerprint64, an integer's
 * own value as uint64 (two's complement for negatives).
 */
export function crossFeature(value: string | number): bigint {
  return typeof value === "string" ? farmFingerprint64(value) : BigInt.asUintN(64, BigInt(value));
}

/** The bin of one crossed sample: the key folded with each feature in order, mod `numBins`. */
export function crossBucket(features: readonly (string | number)[], numBins: number): number {
  let h = CROSS_HASH_KEY;
  for (const f of features) h = fingerprintCat64(h, crossFeature(f));
  return Number(h % BigInt(numBins));
}
