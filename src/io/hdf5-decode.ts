/**
 * Turns the raw bytes of a dataset or an attribute into values: typed arrays named as NumPy names
 * them, or strings for fixed-length string types.
 */
import type { Hdf5Type } from "./hdf5-object.js";

/** The element type of a dataset, named as NumPy names it. */
export type Hdf5DType =
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "string";

/** What `Hdf5Dataset.read` returns, by dtype. */
export type Hdf5Array =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

export function dtypeName(t: Hdf5Type): Hdf5DType {
  if (t.kind === "string") return "string";
  return `${t.kind}${t.size * 8}` as Hdf5DType;
}

/** Copies the raw bytes into a typed array, swapping bytes for a big-endian type. */
export function decode(raw: Uint8Array, t: Hdf5Type, count: number): Hdf5Array {
  if (t.kind === "string") {
    const text = new TextDecoder();
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const item = raw.subarray(i * t.size, (i + 1) * t.size);
      const end = item.indexOf(0);
      out.push(text.decode(end < 0 ? item : item.subarray(0, end)).replace(/ +$/, ""));
    }
    return out;
  }
  // A fresh, aligned copy: `raw` may be a Node Buffer (whose slice() shares memory) at any offset.
  const copy = new Uint8Array(raw);
  if (!t.littleEndian) {
    for (let i = 0; i < copy.length; i += t.size) copy.subarray(i, i + t.size).reverse();
  }
  const buf = copy.buffer;
  const name = dtypeName(t);
  switch (name) {
    case "float32":
      return new Float32Array(buf, 0, count);
    case "float64":
      return new Float64Array(buf, 0, count);
    case "int8":
      return new Int8Array(buf, 0, count);
    case "int16":
      return new Int16Array(buf, 0, count);
    case "int32":
      return new Int32Array(buf, 0, count);
    case "int64":
      return new BigInt64Array(buf, 0, count);
    case "uint8":
      return new Uint8Array(buf, 0, count);
    case "uint16":
      return new Uint16Array(buf, 0, count);
    case "uint32":
      return new Uint32Array(buf, 0, count);
    default:
      return new BigUint64Array(buf, 0, count);
  }
}
