/**
 * Keras's dtype helpers of `keras.backend` / `keras.utils`: `standardize_dtype`, `is_float_dtype`,
 * `is_int_dtype` and `result_type`, over Strata's dtypes (float32, float64, int32, uint8, bool,
 * string; int64 is accepted and stored as int32, API.md rule 5). Keras dtypes Strata does not
 * store (float16, bfloat16, int8, …) are refused by name rather than silently mapped.
 */
import { floatx } from "./config.js";
import { ValueError } from "../errors.js";
import { DTYPES, type DType, promoteTypes } from "./dtype.js";

/**
 * Keras `standardize_dtype(dtype)`: null gives the default float dtype ("float32"), a known
 * dtype name itself ("int64" gives "int32", the storage Strata uses for it); anything else is a
 * ValueError "Invalid dtype".
 */
export function standardizeDtype(dtype: unknown): DType {
  if (dtype === null || dtype === undefined) return floatx();
  const name =
    typeof dtype === "object" && dtype !== null && "dtype" in dtype
      ? (dtype as { dtype: unknown }).dtype
      : dtype;
  if (name === "int64") return "int32";
  if (typeof name === "string" && (DTYPES as readonly string[]).includes(name)) {
    return name as DType;
  }
  throw new ValueError(
    `standardizeDtype: Invalid dtype: ${String(name)}; expected one of ${[...DTYPES, "int64"].join(", ")}`,
  );
}

/** Keras `is_float_dtype(dtype)`: the standardized name starts with "float". */
export function isFloatDtype(dtype: unknown): boolean {
  return standardizeDtype(dtype).startsWith("float");
}

/** Keras `is_int_dtype(dtype)`: the standardized name starts with "int" or "uint". */
export function isIntDtype(dtype: unknown): boolean {
  const d = standardizeDtype(dtype);
  return d.startsWith("int") || d.startsWith("uint");
}

/**
 * Keras `result_type(*dtypes)`: the least upper bound of the dtypes on Keras's (JAX's) promotion
 * lattice — bool < uint8 < int32 < float32 < float64 on Strata's dtypes; with no dtypes, the
 * default float dtype.
 */
export function resultType(...dtypes: unknown[]): DType {
  if (dtypes.length === 0) return floatx();
  return dtypes.map(standardizeDtype).reduce((a, b) => promoteTypes(a, b));
}
