// The mutations of the file fuzzer: bit flips, bytes and integer fields overwritten with values
// that break parsers (0, 0x7f…, 0xff…, the file's length, lengths past it), truncation at any
// offset and at the structure boundaries a format scanner found, chunks deleted, duplicated or
// copied over others, and digit runs in text headers (npy, tar, pickle, JSON) replaced.
import type { Prng } from "./prng.js";

/** A field a format scanner found: `width` little-endian bytes at `at`. */
export interface Field {
  at: number;
  width: 1 | 2 | 4 | 8;
}

/** A fixture as the mutator sees it: its bytes and the structure a scanner found in it. */
export interface Seed {
  label: string;
  bytes: Uint8Array;
  /** Integer fields worth corrupting (sizes, counts, offsets, addresses). */
  fields: Field[];
  /** Offsets where a structure starts or ends: truncation points. */
  boundaries: number[];
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function writeUint(out: Uint8Array, at: number, width: number, value: bigint): void {
  for (let i = 0; i < width && at + i < out.length; i++) {
    out[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  }
}

function readUint(bytes: Uint8Array, at: number, width: number): bigint {
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] ?? 0);
  return v;
}

/** Values for an integer field of `width` bytes that a reader must bound-check. */
function interestingValue(rng: Prng, seed: Seed, field: Field): bigint {
  const len = BigInt(seed.bytes.length);
  const max = (1n << BigInt(8 * field.width)) - 1n;
  const old = readUint(seed.bytes, field.at, field.width);
  const other = seed.fields.length > 0 ? rng.pick(seed.fields) : field;
  const choices: bigint[] = [
    0n,
    1n,
    max,
    max >> 1n,
    (max >> 1n) + 1n,
    max - 1n,
    len,
    len - 1n,
    len + 1n,
    len * 2n,
    old + 1n,
    old - 1n,
    old + 8n,
    old ^ (1n << BigInt(rng.int(8 * field.width))),
    BigInt(rng.int(Number(len) + 1)),
    readUint(seed.bytes, other.at, field.width),
    1n << 31n,
    (1n << 32n) - 1n,
    1n << 40n,
    1n << 53n,
  ];
  return rng.pick(choices) & max;
}

function pickOffset(rng: Prng, seed: Seed): number {
  return rng.int(Math.max(1, seed.bytes.length));
}

/** One mutation, named so that results can be told apart by kind. */
export type MutationKind =
  "bitflip" | "byte" | "field" | "truncate" | "delete" | "duplicate" | "overwrite-chunk" | "digits";

const KINDS: [MutationKind, number][] = [
  ["bitflip", 3],
  ["byte", 2],
  ["field", 5],
  ["truncate", 3],
  ["delete", 1],
  ["duplicate", 1],
  ["overwrite-chunk", 1],
  ["digits", 2],
];
const TOTAL = KINDS.reduce((a, [, w]) => a + w, 0);

function pickKind(rng: Prng): MutationKind {
  let r = rng.next() * TOTAL;
  for (const [kind, w] of KINDS) if ((r -= w) < 0) return kind;
  return "bitflip";
}

function chunk(rng: Prng, n: number): [number, number] {
  const start = rng.int(Math.max(1, n));
  const size = rng.chance(0.7) ? rng.range(1, 16) : rng.range(1, Math.max(1, n >> 3));
  return [start, Math.min(n, start + size)];
}

const NUMBER_TEXTS = [
  "0",
  "-1",
  "1",
  "255",
  "65536",
  "2147483648",
  "4294967296",
  "9007199254740993",
  "99999999999999999999",
  "1e309",
  "-0",
  "",
  "NaN",
  "0x10",
  "7777777777",
];

/** Applies one mutation of `kind` to `bytes` (a copy is returned; `bytes` is not changed). */
function applyOne(rng: Prng, seed: Seed, bytes: Uint8Array, kind: MutationKind): Uint8Array {
  const n = bytes.length;
  const s = { ...seed, bytes };
  switch (kind) {
    case "bitflip": {
      const out = bytes.slice();
      for (let k = rng.range(1, 8); k > 0 && n > 0; k--) out[rng.int(n)]! ^= 1 << rng.int(8);
      return out;
    }
    case "byte": {
      const out = bytes.slice();
      for (let k = rng.range(1, 4); k > 0 && n > 0; k--)
        out[rng.int(n)] = rng.pick(INTERESTING_BYTES);
      return out;
    }
    case "field": {
      const inRange = seed.fields.filter((f) => f.at + f.width <= n);
      const field: Field =
        inRange.length > 0 && rng.chance(0.85)
          ? rng.pick(inRange)
          : { at: pickOffset(rng, s), width: rng.pick([1, 2, 4, 8] as const) };
      const out = bytes.slice();
      writeUint(out, field.at, field.width, interestingValue(rng, s, field));
      return out;
    }
    case "truncate": {
      const marks = seed.boundaries.filter((b) => b < n);
      let at: number;
      if (marks.length > 0 && rng.chance(0.6)) at = rng.pick(marks) + rng.range(-2, 2);
      else if (rng.chance(0.3)) at = n - rng.range(1, 64);
      else at = rng.int(n);
      return bytes.slice(0, Math.max(0, Math.min(n - 1, at)));
    }
    case "delete": {
      const [a, b] = chunk(rng, n);
      const out = new Uint8Array(n - (b - a));
      out.set(bytes.subarray(0, a));
      out.set(bytes.subarray(b), a);
      return out;
    }
    case "duplicate": {
      const [a, b] = chunk(rng, n);
      const at = rng.int(n + 1);
      const out = new Uint8Array(n + (b - a));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(a, b), at);
      out.set(bytes.subarray(at), at + (b - a));
      return out;
    }
    case "overwrite-chunk": {
      const [a, b] = chunk(rng, n);
      const out = bytes.slice();
      out.set(bytes.subarray(a, b), rng.int(Math.max(1, n - (b - a))));
      return out;
    }
    case "digits": {
      // A run of ASCII digits (npy shapes, tar sizes, pickle text opcodes, JSON numbers).
      const runs: [number, number][] = [];
      for (let i = 0; i < n && runs.length < 4096; i++) {
        if (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
          let j = i;
          while (j < n && bytes[j]! >= 0x30 && bytes[j]! <= 0x39) j++;
          runs.push([i, j]);
          i = j;
        }
      }
      if (runs.length === 0) return applyOne(rng, seed, bytes, "byte");
      const [a, b] = rng.pick(runs);
      const text = new TextEncoder().encode(rng.pick(NUMBER_TEXTS));
      const out = new Uint8Array(n - (b - a) + text.length);
      out.set(bytes.subarray(0, a));
      out.set(text, a);
      out.set(bytes.subarray(b), a + text.length);
      return out;
    }
  }
}

/** A mutated copy of `seed`: one mutation, or two to three stacked. */
export function mutate(rng: Prng, seed: Seed): { bytes: Uint8Array; kinds: MutationKind[] } {
  const kinds: MutationKind[] = [];
  let bytes = seed.bytes;
  const count = rng.chance(0.75) ? 1 : rng.range(2, 3);
  for (let i = 0; i < count; i++) {
    const kind = pickKind(rng);
    kinds.push(kind);
    bytes = applyOne(rng, seed, bytes, kind);
  }
  return { bytes, kinds };
}
