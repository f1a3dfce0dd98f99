import {
  type ArrayFor,
  BYTES_PER_ELEMENT,
  type NumericDType,
  type TypedArray,
  allocate,
} from "../tensor/dtype.js";
import type { Backend, HostArrays, Kernels } from "./backend.js";

/*
 * What the CPU backends (ts, native, reference) share: storage is a garbage-collected typed array
 * that kernels work on in place, so a tensor needs no freeing, and reading it is free.
 */

/** A backend over host typed arrays with the given kernels. */
export function hostBackend(name: string, kernels: Kernels<HostArrays>): Backend<HostArrays> {
  return {
    name,
    hostMemory: true,
    kernels,
    allocate: (dtype, size, zeroed) =>
      zeroed ? allocate(dtype, size) : allocateUnfilled(dtype, size),
    fromHost: (values) => values,
    readSync: (storage) => storage,
    read: (storage) => Promise.resolve(storage),
    arena: {
      allocate: (bytes) => viewOf(unfilledBuffer(bytes), 0, "uint8", bytes),
      view: (arena, byteOffset, dtype, size) =>
        viewOf(arena.buffer as ArrayBuffer, arena.byteOffset + byteOffset, dtype, size),
    },
  };
}

const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer;

/**
 * Like `allocate`, but the contents are arbitrary: only for outputs a kernel writes in full
 * (elementwise, matmul). Zero-filling a large result costs one more pass over its memory; below
 * 4 KiB, or outside Node, it is zero-filled anyway.
 */
export function allocateUnfilled<D extends NumericDType>(dtype: D, size: number): ArrayFor[D];
export function allocateUnfilled(dtype: NumericDType, size: number): TypedArray {
  if (poisonUnfilled) return allocate(dtype, size).fill(POISON[dtype]);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (bytes < 4096 || NodeBuffer === undefined) return allocate(dtype, size);
  return viewOf(unfilledBuffer(bytes), 0, dtype, size);
}

/** Memory with arbitrary contents (Node's Buffer pool is bypassed: it may be large). */
function unfilledBuffer(bytes: number): ArrayBuffer {
  return NodeBuffer
    ? (NodeBuffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer)
    : new ArrayBuffer(bytes);
}

/** `size` values of `dtype` in `buffer` from `byteOffset`, as that dtype's typed array. */
function viewOf(
  buffer: ArrayBuffer,
  byteOffset: number,
  dtype: NumericDType,
  size: number,
): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, byteOffset, size);
    case "float64":
      return new Float64Array(buffer, byteOffset, size);
    case "int32":
      return new Int32Array(buffer, byteOffset, size);
    case "uint8":
      return new Uint8ClampedArray(buffer, byteOffset, size);
    case "bool":
      return new Uint8Array(buffer, byteOffset, size);
  }
}

/*
 * A debugging aid for kernel authors: with STRATA_POISON_UNFILLED=1 (or setPoisonUnfilled(true)),
 * every unfilled output starts as NaN (floats), -2^31 (int32) or 0xAB (uint8, bool), so an element a
 * kernel forgets to write shows up in the results instead of passing as a lucky zero.
 */
const POISON: Record<NumericDType, number> = {
  float32: NaN,
  float64: NaN,
  int32: -(2 ** 31),
  uint8: 0xab,
  bool: 0xab,
};
let poisonUnfilled =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.STRATA_POISON_UNFILLED === "1";

/** Turns the poisoning of unfilled outputs on or off (tests); returns the previous setting. */
export function setPoisonUnfilled(on: boolean): boolean {
  const was = poisonUnfilled;
  poisonUnfilled = on;
  return was;
}
