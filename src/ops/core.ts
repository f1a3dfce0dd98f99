import { Variable } from "../autodiff/variable.js";
import type { Kernels, OpaqueStorage, Storage } from "../backend/backend.js";
import { activeRecorder, currentBackend, kernelsForOps } from "../backend/index.js";
import { DTypeError } from "../errors.js";
import { refuseBatched } from "../tensor/batched.js";
import { tensor } from "../tensor/creation.js";
import { type DType, type TypedArray, isFloat, weakScalarType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { type NestedArray, Tensor, allocateTensor, copyTensor } from "../tensor/tensor.js";

/** Anything an op accepts as a tensor argument. */
export type TensorLike = Tensor | Variable | NestedArray | TypedArray;

/** The kernels of the current backend (what ops call). */
export function kernels(): Kernels<OpaqueStorage> {
  return kernelsForOps();
}

/** Host values (index lists an op computed) in the current backend's storage, for a kernel. */
export function hostStorage(values: TypedArray): Storage {
  const storage = currentBackend().fromHost(values);
  activeRecorder()?.fromHost(storage, values);
  return storage;
}

export function asTensor(x: TensorLike, dtype?: DType): Tensor {
  refuseBatched(x, "an op without a batching rule");
  const t =
    x instanceof Tensor
      ? x
      : x instanceof Variable
        ? x.value
        : ArrayBuffer.isView(x)
          ? tensor(x as TypedArray)
          : tensor(x as NestedArray, undefined, dtype);
  return dtype && t.dtype !== dtype ? castTo(t, dtype) : t;
}

/**
 * Converts two operands, giving a bare JS number the dtype Keras gives a Python scalar: it takes
 * the tensor's dtype when that can hold it ("weak" typing).
 */
export function asTensorPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === "number" || typeof a === "boolean") {
    const tb = asTensor(b);
    return [asTensor(a, weakScalarType(a, tb.dtype)), tb];
  }
  const ta = asTensor(a);
  if (typeof b === "number" || typeof b === "boolean")
    return [ta, asTensor(b, weakScalarType(b, ta.dtype))];
  return [ta, asTensor(b)];
}

/** A zero-filled output tensor (kernels write into it). */
export function empty(shape: Shape, dtype: DType): Tensor {
  return allocateTensor(shape, dtype, true);
}

/** An output tensor with arbitrary contents, for kernels that write every element. */
export function unfilled(shape: Shape, dtype: DType): Tensor {
  return allocateTensor(shape, dtype, false);
}

/** Non-differentiable dtype conversion used by the ops themselves. */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : copyTensor(x, dtype);
}

export function requireFloat(x: Tensor, op: string, arg = "x"): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: ${arg} must be float32 or float64; received ${x.dtype}`);
  }
}
