/**
 * Helpers of the keras.ops.numpy files (not public ops): float inputs as Keras's NumPy backend
 * makes them, and float64 host evaluation for the functions that no kernel computes.
 */
import { DTypeError } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { type DType, allocate, isFloat, promoteTypes } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, asTensorPair, castTo } from "./core.js";

/** Float math on int/bool input computes in float32 (Keras's floatx). */
export function floatInput(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.dtype === "string") throw new DTypeError("expected a numeric tensor; received strings");
  return isFloat(t.dtype) ? t : castTo(t, "float32");
}

/** Both operands in their promoted dtype, made float (float32 for ints). */
export function floatPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [x, y] = asTensorPair(a, b);
  const t = promoteTypes(x.dtype, y.dtype);
  const f: DType = isFloat(t) ? t : "float32";
  return [castTo(x, f), castTo(y, f)];
}

/** Applies a float64 host function to every element (for functions no kernel computes). */
export function hostMap(x: Tensor, fn: (v: number) => number): Tensor {
  const values = x.dataSync();
  const out = allocate(x.dtype === "float64" ? "float64" : "float32", values.length);
  for (let i = 0; i < values.length; i++) out[i] = fn(Number(values[i]));
  return tensor(out, [...x.shape]);
}

/**
 * Integer arguments given as JS arrays (which would otherwise become float32 tensors) as int32,
 * as Keras reads Python int lists; a non-integer value among them is an error.
 */
export function intInput(x: TensorLike, op: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return t;
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i])) {
      throw new DTypeError(`${op}: ${arg} must be integers; received ${v[i]}`);
    }
  }
  return castTo(t, "int32");
}
