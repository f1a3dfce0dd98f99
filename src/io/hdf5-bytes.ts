/**
 * Bounds-checked little-endian reads over an HDF5 file held in memory. Every read checks its
 * range against the buffer, so a truncated or corrupt file fails with a StrataError that says
 * what was being read and where, never with a raw RangeError or a read of garbage.
 */
import { StrataError } from "../errors.js";

/** HDF5's "undefined address": every byte 0xFF. */
export const UNDEFINED_ADDRESS = -1;

export class Hdf5Bytes {
  private readonly view: DataView;
  /** Size of file offsets and of lengths, from the superblock (8 for h5py's files). */
  offsetSize = 8;
  lengthSize = 8;
  /** Addresses in the file are relative to this (0 unless the file has a user block). */
  base = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(message: string): never {
    throw new StrataError(`${this.where}: ${message}`);
  }

  /** Checks that `size` bytes at `at` lie inside the file; `what` names the structure read. */
  check(at: number, size: number, what: string): void {
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(size) || at < 0 || size < 0) {
      this.fail(`${what}: bad offset ${at} (size ${size})`);
    }
    if (at + size > this.bytes.length) {
      this.fail(
        `${what} at byte ${at} needs ${size} bytes; the file has ${this.bytes.length} (truncated?)`,
      );
    }
  }

  u8(at: number, what: string): number {
    this.check(at, 1, what);
    return this.view.getUint8(at);
  }

  u16(at: number, what: string): number {
    this.check(at, 2, what);
    return this.view.getUint16(at, true);
  }

  u32(at: number, what: string): number {
    this.check(at, 4, what);
    return this.view.getUint32(at, true);
  }

  /** An unsigned integer of `size` bytes (1, 2, 4 or 8); above 2^53 it is an error. */
  uint(at: number, size: number, what: string): number {
    this.check(at, size, what);
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + this.view.getUint8(at + i);
    if (!Number.isSafeInteger(value)) this.fail(`${what} at byte ${at}: value too large`);
    return value;
  }

  /** A file address (offsetSize bytes), made absolute; UNDEFINED_ADDRESS when all 0xFF. */
  address(at: number, what: string): number {
    this.check(at, this.offsetSize, what);
    let allOnes = true;
    for (let i = 0; i < this.offsetSize; i++)
      if (this.view.getUint8(at + i) !== 0xff) allOnes = false;
    if (allOnes) return UNDEFINED_ADDRESS;
    return this.uint(at, this.offsetSize, what) + this.base;
  }

  /** A length field (lengthSize bytes). */
  len(at: number, what: string): number {
    return this.uint(at, this.lengthSize, what);
  }

  /** Checks the 4-byte ASCII signature of a structure ("TREE", "SNOD", "HEAP" …). */
  signature(at: number, expected: string, what: string): void {
    this.check(at, expected.length, what);
    const got = String.fromCharCode(...this.bytes.subarray(at, at + expected.length));
    if (got !== expected) {
      this.fail(
        `${what} at byte ${at}: expected signature "${expected}", found ${JSON.stringify(got)}`,
      );
    }
  }

  /** A NUL-terminated string starting at `at`, read no further than `end`. */
  cstring(at: number, end: number, what: string): string {
    this.check(at, 0, what);
    const stop = Math.min(end, this.bytes.length);
    let i = at;
    while (i < stop && this.bytes[i] !== 0) i++;
    if (i >= stop) this.fail(`${what} at byte ${at}: unterminated string`);
    return new TextDecoder().decode(this.bytes.subarray(at, i));
  }

  slice(at: number, size: number, what: string): Uint8Array {
    this.check(at, size, what);
    return this.bytes.subarray(at, at + size);
  }
}
