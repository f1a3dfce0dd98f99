/**
 * What a FeatureSpace is called on and adapted over, turned into the column tensors its
 * preprocessors take: one tensor per feature of shape (batch, 1) (Keras's `_convert_input` and
 * the reshapes of `__call__`). A bare number or string is one unbatched sample, which Keras
 * rebatches to (1, 1) and unbatches again at the end; a rank-1 column gets a last axis of 1.
 */
import { DTypeError, ValueError } from "../../../errors.js";
import { type TensorLike, asTensor, castTo } from "../../../ops/core.js";
import { expandDims, reshape } from "../../../ops/movement.js";
import { type DTypeName, checkDType } from "../../../tensor/dtype.js";
import { Tensor } from "../../../tensor/tensor.js";
import { Variable } from "../../../autodiff/variable.js";

/** One feature's values: a tensor, a (nested) array of numbers or strings, or one value. */
export type FeatureValue = TensorLike | string | readonly string[] | readonly (readonly string[])[];

/** The data a FeatureSpace is called on: one value (or column) per feature name. */
export type FeatureData = Readonly<Record<string, FeatureValue>>;

/** Whether `x` is a plain name-keyed object (not a tensor, array or typed array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    !(x instanceof Tensor) &&
    !(x instanceof Variable) &&
    !ArrayBuffer.isView(x)
  );
}

/** The value as a tensor, strings as a string tensor. */
export function valueTensor(value: unknown, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (value instanceof Variable) return value.value;
  if (typeof value === "string") return reshape(asTensor([value]), []);
  if (
    typeof value === "number" ||
    typeof value === "boolean" ||
    Array.isArray(value) ||
    ArrayBuffer.isView(value)
  ) {
    return asTensor(value as TensorLike);
  }
  throw new ValueError(
    `${where}: expected a tensor, an array of numbers or strings, or one number or string; ` +
      `received ${value === null ? "null" : typeof value}`,
  );
}

/**
 * One feature's column for its preprocessor: rank 0 becomes (1, 1) (`scalar` is then true),
 * rank 1 gets a last axis; numbers are cast to the feature's dtype, and a string feature must
 * receive strings (and a numeric one numbers).
 */
export function featureColumn(
  value: unknown,
  dtype: DTypeName,
  where: string,
): { column: Tensor; scalar: boolean } {
  let t = valueTensor(value, where);
  const want = checkDType(dtype, where);
  if ((want === "string") !== (t.dtype === "string")) {
    throw new DTypeError(
      `${where}: the feature has dtype ${dtype}, so it expects ` +
        `${want === "string" ? "strings" : "numbers"}; received a ${t.dtype} tensor`,
    );
  }
  if (want !== "string" && t.dtype !== want) t = castTo(t, want);
  if (t.rank === 0) return { column: reshape(t, [1, 1]), scalar: true };
  if (t.rank === 1) return { column: expandDims(t, -1), scalar: false };
  return { column: t, scalar: false };
}
