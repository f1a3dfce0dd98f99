// Finds the structure of a fixture for the mutator: the integer fields of zip headers (sizes,
// offsets, counts, name lengths), the fields of HDF5 structures (superblock, B-tree, heap, symbol
// table and object-header fields, and every 8-byte value that looks like an address into the
// file), and the offsets where those structures start (truncation points).
import type { Field, Seed } from "./mutate.js";

function findAll(bytes: Uint8Array, signature: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + signature.length <= bytes.length; i++) {
    if (signature.every((b, k) => bytes[i + k] === b)) out.push(i);
  }
  return out;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

// Offset and width of each integer field, by zip record (APPNOTE 4.3.7, 4.3.12, 4.3.16).
const ZIP_RECORDS: [number[], [number, 1 | 2 | 4 | 8][]][] = [
  [
    [0x50, 0x4b, 0x03, 0x04],
    [
      [6, 2],
      [8, 2],
      [14, 4],
      [18, 4],
      [22, 4],
      [26, 2],
      [28, 2],
    ],
  ],
  [
    [0x50, 0x4b, 0x01, 0x02],
    [
      [8, 2],
      [10, 2],
      [16, 4],
      [20, 4],
      [24, 4],
      [28, 2],
      [30, 2],
      [32, 2],
      [34, 2],
      [42, 4],
    ],
  ],
  [
    [0x50, 0x4b, 0x05, 0x06],
    [
      [4, 2],
      [6, 2],
      [8, 2],
      [10, 2],
      [12, 4],
      [16, 4],
      [20, 2],
    ],
  ],
];

/** The fields of every zip record in `bytes`. */
export function zipSeed(label: string, bytes: Uint8Array): Seed {
  const fields: Field[] = [];
  const boundaries: number[] = [];
  for (const [signature, layout] of ZIP_RECORDS) {
    for (const at of findAll(bytes, signature)) {
      boundaries.push(at, at + 4);
      for (const [offset, width] of layout) fields.push({ at: at + offset, width });
      boundaries.push(at + layout[layout.length - 1]![0] + layout[layout.length - 1]![1]);
    }
  }
  return { label, bytes, fields, boundaries };
}

const HDF5_SIGNATURES = ["\x89HDF", "TREE", "HEAP", "SNOD", "GCOL", "OHDR", "OCHK"].map(ascii);

/**
 * HDF5 fields: those after every signature (each 2-byte step of the next 48 bytes, as 1-, 2-, 4-
 * and 8-byte integers), every 8-aligned 8-byte value that could be an address into the file, and
 * the first 16 bytes of what each such address points at (version 1 object headers have no
 * signature: their version, message count and size fields are found this way).
 */
export function hdf5Seed(label: string, bytes: Uint8Array): Seed {
  const fields: Field[] = [];
  const boundaries = new Set<number>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const near = (at: number, span: number) => {
    boundaries.add(at);
    for (let k = 0; k < span; k += 2) {
      for (const width of [1, 2, 4, 8] as const) {
        if (at + k + width <= bytes.length && (width < 8 || k % 8 === 0))
          fields.push({ at: at + k, width });
      }
    }
  };
  for (const signature of HDF5_SIGNATURES) for (const at of findAll(bytes, signature)) near(at, 48);
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    const lo = view.getUint32(at, true);
    const hi = view.getUint32(at + 4, true);
    if (hi === 0 && lo > 0 && lo < bytes.length) {
      fields.push({ at, width: 8 });
      near(lo, 16);
    }
  }
  return { label, bytes, fields, boundaries: [...boundaries] };
}

/** Formats without a scanner: random fields only, truncation anywhere (and at text lines). */
export function plainSeed(label: string, bytes: Uint8Array): Seed {
  const boundaries: number[] = [];
  for (let i = 0; i < bytes.length && boundaries.length < 4096; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x7d) boundaries.push(i + 1);
  }
  return { label, bytes, fields: [], boundaries };
}

/** Tar: each 512-byte header's size (124, octal text) and checksum (148) are the fields. */
export function tarSeed(label: string, bytes: Uint8Array): Seed {
  const boundaries: number[] = [];
  const fields: Field[] = [];
  for (let at = 0; at + 512 <= bytes.length; at += 512) {
    boundaries.push(at, at + 100, at + 124, at + 136, at + 148, at + 156, at + 257, at + 345);
    for (const offset of [124, 128, 132, 148, 152, 156]) fields.push({ at: at + offset, width: 4 });
  }
  return { label, bytes, fields, boundaries };
}
