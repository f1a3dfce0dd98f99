import type { Variable } from "../../autodiff/variable.js";
import { applyUpdate } from "../../ops/optimizer-update.js";
import type { UpdateRule } from "../../backend/backend.js";
import type { Tensor } from "../../tensor/tensor.js";

/**
 * An update rule that a backend may run as one fused kernel (UpdateRule in
 * src/backend/backend.ts): `hyper` is the rule's list with the decay entry (index 1) left at 0;
 * `applyFused` fills it per variable.
 */
export interface FusedRule {
  rule: UpdateRule;
  hyper: Float64Array;
}

/**
 * One fused step (ops/optimizer-update.ts), or null where the backend has no such kernel or the
 * variable is not float: the optimizer then takes its op-by-op rule, which is the definition.
 */
export function applyFused(
  fused: FusedRule,
  w: Tensor,
  g: Tensor,
  slots: readonly Variable[],
  decay: number,
): Tensor | null {
  fused.hyper[1] = decay;
  return applyUpdate(fused.rule, w, g, slots, fused.hyper);
}
