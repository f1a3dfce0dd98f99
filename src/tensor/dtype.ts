import { DTypeError } from "../errors.js";

/** Keras's dtype strings. float32 is the default; float64 serves exact references (gradient checks). */
export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

export interface ArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

export function allocate<D extends DType>(dtype: D, size: number): ArrayFor[D];
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** Bytes per value of each dtype, as stored. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  bool: 1,
};

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloat(dtype: DType): dtype is "float32" | "float64" {
  return dtype === "float32" || dtype === "float64";
}

export function checkDType(dtype: unknown, where: string): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) {
    return dtype as DType;
  }
  throw new DTypeError(
    `${where}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`,
  );
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** NumPy-style promotion over this small lattice: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a plain JS number takes next to a tensor of `other` dtype. Python scalars are "weak"
 * in Keras: `int32_tensor + 1` stays int32, `int32_tensor + 0.5` becomes float32.
 */
export function weakScalarType(value: number | boolean, other: DType): DType {
  if (typeof value === "boolean") return "bool";
  if (isFloat(other)) return other;
  return Number.isInteger(value) ? (other === "bool" ? "int32" : other) : "float32";
}
