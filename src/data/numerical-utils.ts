/**
 * Keras `utils.normalize` (keras/src/utils/numerical_utils.py): `x` divided by its `order`-norm
 * along `axis`. As in Keras, a tensor goes through `ops.normalize` (the norm floored at
 * epsilon), while plain arrays — Keras's NumPy input — are divided by their norm with zero norms
 * replaced by 1 (and `axis` null meaning the norm of everything).
 */
import { ValueError } from "../errors.js";
import { normalize as opsNormalize } from "../ops/nn-extra.js";
import { abs, divide, equal, power, where } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { tensor } from "../tensor/creation.js";
import type { TypedArray } from "../tensor/dtype.js";
import { type NestedArray, Tensor } from "../tensor/tensor.js";

export function normalize(
  x: Tensor | NestedArray | TypedArray,
  axis: number | null = -1,
  order = 2,
): Tensor {
  if (!Number.isInteger(order) || order < 1) {
    throw new ValueError(`normalize: order must be an integer ≥ 1; received order=${order}`);
  }
  if (x instanceof Tensor) return opsNormalize(x, axis ?? -1, order);
  const t = tensor(x as NestedArray, undefined, ArrayBuffer.isView(x) ? undefined : "float64");
  const f = t.dtype === "float64" || t.dtype === "float32" ? t : t.cast("float32");
  // ‖x‖_p = (Σ|x|^p)^(1/p); zero norms become 1, as NumPy code in Keras does.
  const norm = power(sum(power(abs(f), order), axis, axis !== null), 1 / order);
  const safe = where(equal(norm, 0), 1, norm);
  return divide(f, safe);
}
