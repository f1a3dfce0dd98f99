import type { Variable } from "../../autodiff/variable.js";
import type { UpdateRule } from "../../backend/backend.js";
import { kernels } from "../../backend/registry.js";
import { type FloatArray, allocateUnfilled } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * An update rule run by one fused kernel (UpdateRule in src/backend/backend.ts): `hyper` is the
 * rule's list with the decay entry (index 1) left at 0; `applyFused` fills it per variable.
 */
export interface FusedRule {
  rule: UpdateRule;
  hyper: Float64Array;
}

/**
 * One fused step: the slots are updated in place (each Variable copies its buffer first if its
 * value was ever handed out) and the new weight is a fresh tensor, so no tensor anyone holds
 * changes. Returns null for non-float variables, which take the op-by-op rule.
 */
export function applyFused(
  fused: FusedRule,
  w: Tensor,
  g: Tensor,
  slots: readonly Variable[],
  decay: number,
): Tensor | null {
  if (w.dtype !== "float32" && w.dtype !== "float64") return null;
  const out = allocateUnfilled(w.dtype, w.size) as FloatArray;
  fused.hyper[1] = decay;
  kernels().applyUpdate(
    fused.rule,
    w.data as FloatArray,
    g.data as FloatArray,
    slots.map((s) => s.writableData() as FloatArray),
    out,
    fused.hyper,
  );
  return new Tensor(out, w.shape);
}
