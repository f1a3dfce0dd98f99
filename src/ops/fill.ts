/**
 * keras.ops's `full(shape, fillValue, dtype)`: a number fills (tensor/creation's full), a tensor
 * is broadcast to the shape (and cast to `dtype` when given), as NumPy's full does.
 */
import { full as fullOf } from "../tensor/creation.js";
import type { DTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "./core.js";
import { cast } from "./elementwise.js";
import { broadcastTo } from "./movement.js";

export function full(
  shape: readonly number[],
  fillValue: number | boolean | TensorLike,
  dtype?: DTypeName,
): Tensor {
  if (typeof fillValue === "number" || typeof fillValue === "boolean")
    return fullOf(shape, fillValue, dtype);
  const t = asTensor(fillValue);
  return broadcastTo(dtype === undefined ? t : cast(t, dtype), shape);
}
