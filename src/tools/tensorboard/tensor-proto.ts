/**
 * TensorProto values, both ways: `tensorProto` builds the tensors TF2's summary ops write (values
 * packed little-endian in `tensor_content`, strings in `string_val`), and `tensorValues` reads any
 * tensor back, from `tensor_content` or from the typed `*_val` fields other writers use.
 */
import { ValueError } from "../../errors.js";
import type { TensorProtoObject } from "./proto.js";

/** A tensor's shape as TensorShapeProto dims. */
function shapeProto(shape: readonly number[]): TensorProtoObject["tensorShape"] {
  return { dim: shape.map((size) => ({ size })) };
}

/** A DT_FLOAT or DT_DOUBLE tensor holding `values` in `tensor_content`, as TF's C++ writer does. */
export function numericTensorProto(
  dtype: "DT_FLOAT" | "DT_DOUBLE",
  shape: readonly number[],
  values: ArrayLike<number>,
): TensorProtoObject {
  const array = dtype === "DT_FLOAT" ? Float32Array.from(values) : Float64Array.from(values);
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { dtype, tensorShape: shapeProto(shape), tensorContent: littleEndian(bytes, array) };
}

/** A DT_STRING tensor of byte strings (text as UTF-8). */
export function stringTensorProto(
  shape: readonly number[],
  values: readonly (string | Uint8Array)[],
): TensorProtoObject {
  const encoder = new TextEncoder();
  return {
    dtype: "DT_STRING",
    tensorShape: shapeProto(shape),
    stringVal: values.map((v) => (typeof v === "string" ? encoder.encode(v) : v)),
  };
}

const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Typed-array bytes in little-endian order (a copy, byte-swapped, on a big-endian host). */
function littleEndian(bytes: Uint8Array, array: Float32Array | Float64Array): Uint8Array {
  if (!BIG_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const width = array.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!;
  }
  return out;
}

/** A tensor's dims (`[]` for a scalar). */
export function tensorShape(tensor: TensorProtoObject): number[] {
  return (tensor.tensorShape?.dim ?? []).map((d) => Number(d.size ?? 0));
}

/** IEEE half (binary16) bits to a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** bfloat16 bits to a number (the upper half of a float32). */
function bfloat16ToNumber(bits: number): number {
  return new Float32Array(new Uint32Array([(bits & 0xffff) << 16]).buffer)[0]!;
}

/** Element reader per dtype for `tensor_content` (little-endian): width and decoder. */
const CONTENT_READERS: Record<string, [number, (v: DataView, at: number) => number]> = {
  DT_FLOAT: [4, (v, at) => v.getFloat32(at, true)],
  DT_DOUBLE: [8, (v, at) => v.getFloat64(at, true)],
  DT_INT32: [4, (v, at) => v.getInt32(at, true)],
  DT_UINT32: [4, (v, at) => v.getUint32(at, true)],
  DT_INT16: [2, (v, at) => v.getInt16(at, true)],
  DT_UINT16: [2, (v, at) => v.getUint16(at, true)],
  DT_INT8: [1, (v, at) => v.getInt8(at)],
  DT_UINT8: [1, (v, at) => v.getUint8(at)],
  DT_BOOL: [1, (v, at) => v.getUint8(at)],
  DT_INT64: [8, (v, at) => Number(v.getBigInt64(at, true))],
  DT_UINT64: [8, (v, at) => Number(v.getBigUint64(at, true))],
  DT_HALF: [2, (v, at) => halfToNumber(v.getUint16(at, true))],
  DT_BFLOAT16: [2, (v, at) => bfloat16ToNumber(v.getUint16(at, true))],
};

/**
 * A numeric tensor's values, flattened in row-major order. A tensor stored with one value in a
 * `*_val` field and a larger shape is that value repeated, as TensorFlow reads it.
 */
export function tensorNumbers(tensor: TensorProtoObject, where: string): number[] {
  const dtype = tensor.dtype ?? "DT_INVALID";
  const size = tensorShape(tensor).reduce((a, b) => a * b, 1);
  const content = tensor.tensorContent;
  if (content && content.length > 0) {
    const reader = CONTENT_READERS[dtype];
    if (!reader) throw new ValueError(`${where}: cannot read a ${dtype} tensor as numbers`);
    const [width, read] = reader;
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    const out: number[] = [];
    for (let at = 0; at + width <= content.length; at += width) out.push(read(view, at));
    return out;
  }
  let values: number[];
  if (dtype === "DT_FLOAT" || dtype === "DT_COMPLEX64") values = tensor.floatVal ?? [];
  else if (dtype === "DT_DOUBLE") values = tensor.doubleVal ?? [];
  else if (dtype === "DT_INT64") values = tensor.int64Val ?? [];
  else if (dtype === "DT_BOOL") values = (tensor.boolVal ?? []).map(Number);
  else if (dtype === "DT_HALF") values = (tensor.halfVal ?? []).map(halfToNumber);
  else if (dtype === "DT_BFLOAT16") values = (tensor.halfVal ?? []).map(bfloat16ToNumber);
  else if (CONTENT_READERS[dtype]) values = tensor.intVal ?? [];
  else throw new ValueError(`${where}: cannot read a ${dtype} tensor as numbers`);
  if (values.length === 1 && size > 1) return new Array<number>(size).fill(values[0]!);
  return values;
}

/** A DT_STRING tensor's values (raw bytes), flattened. */
export function tensorStrings(tensor: TensorProtoObject, where: string): Uint8Array[] {
  if (tensor.dtype !== "DT_STRING") {
    throw new ValueError(`${where}: expected a DT_STRING tensor, received ${tensor.dtype}`);
  }
  return tensor.stringVal ?? [];
}
