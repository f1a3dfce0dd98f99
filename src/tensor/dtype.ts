import { DTypeError } from "../errors.js";

/**
 * Keras's dtype strings. float32 is the default; float64 serves exact references (gradient
 * checks); uint8 holds images; `string` is host-only (text inputs, dataset columns, the text
 * layers) and has no arithmetic. `int64` is accepted wherever Keras code writes it and stored as
 * int32, as Keras's JAX backend does without x64 (see `checkDType`).
 */
export type DType = "float32" | "float64" | "int32" | "uint8" | "bool" | "string";
/** The dtypes held in numeric storage (every dtype but string). */
export type NumericDType = Exclude<DType, "string">;
/** What users may write: every dtype, and int64 (stored as int32). */
export type DTypeName = DType | "int64";

export const NUMERIC_DTYPES: readonly NumericDType[] = [
  "float32",
  "float64",
  "int32",
  "uint8",
  "bool",
];
export const DTYPES: readonly DType[] = [...NUMERIC_DTYPES, "string"];

/**
 * Host storage by dtype. uint8 is a Uint8ClampedArray, so that its typed array says which dtype it
 * holds (bool is the plain Uint8Array): stores into it saturate at 0 and 255.
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8ClampedArray | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

export interface ArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  uint8: Uint8ClampedArray;
  bool: Uint8Array;
}

export function allocate<D extends NumericDType>(dtype: D, size: number): ArrayFor[D];
export function allocate(dtype: NumericDType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "uint8":
      return new Uint8ClampedArray(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** Bytes per value of each numeric dtype, as stored. */
export const BYTES_PER_ELEMENT: Readonly<Record<NumericDType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
};

export function dtypeOf(data: TypedArray): NumericDType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8ClampedArray) return "uint8";
  return "bool";
}

export function isFloat(dtype: DType): dtype is "float32" | "float64" {
  return dtype === "float32" || dtype === "float64";
}

export function isInt(dtype: DType): dtype is "int32" | "uint8" {
  return dtype === "int32" || dtype === "uint8";
}

/**
 * A dtype string as Keras code writes it, checked: "int64" becomes int32, the storage Keras's JAX
 * backend gives it without x64 (values that do not fit are an error where values are converted).
 */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === "int64") return "int32";
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) {
    return dtype as DType;
  }
  throw new DTypeError(
    `${where}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${[...DTYPES, "int64"].join(", ")}`,
  );
}

/** Like checkDType, for places that need numeric storage (a string dtype is an error there). */
export function checkNumericDType(dtype: unknown, where: string): NumericDType {
  const dt = checkDType(dtype, where);
  if (dt === "string") {
    throw new DTypeError(`${where}: dtype "string" is not allowed here; expected a numeric dtype`);
  }
  return dt;
}

const RANK: Record<NumericDType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/**
 * NumPy-style promotion over this small lattice: bool < uint8 < int32 < float32 < float64.
 * Strings only meet strings.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === "string" || b === "string") {
    if (a === b) return a;
    throw new DTypeError(`cannot combine a string tensor with a ${a === "string" ? b : a} tensor`);
  }
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a plain JS number takes next to a tensor of `other` dtype. Python scalars are "weak"
 * in Keras: `int32_tensor + 1` stays int32, `uint8_tensor + 1` stays uint8, `int32_tensor + 0.5`
 * becomes float32.
 */
export function weakScalarType(value: number | boolean, other: DType): DType {
  if (typeof value === "boolean") return "bool";
  if (isFloat(other)) return other;
  return Number.isInteger(value)
    ? other === "bool" || other === "string"
      ? "int32"
      : other
    : "float32";
}
