import type { Variable } from "../autodiff/variable.js";
import type { UpdateRule } from "../backend/backend.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { castTo, kernels, unfilled } from "./core.js";

/*
 * An optimizer step for one weight as one pass, where the backend has the optional applyUpdate
 * kernel. Optimizers define their rules op by op (src/train/optimizers/); this only runs the same
 * rule faster, and says so by returning null when it cannot, so the caller takes the definition.
 */

/**
 * The new weight after `rule` (see UpdateRule) with gradient g: the slots are updated in place
 * (each Variable copies its storage first if its value was ever handed out) and the weight is a
 * fresh tensor, so no tensor anyone holds changes. Null where the backend has no applyUpdate
 * kernel or w is not float. Not recorded: optimizer steps run outside any tape.
 */
export function applyUpdate(
  rule: UpdateRule,
  w: Tensor,
  g: Tensor,
  slots: readonly Variable[],
  hyper: Float64Array,
): Tensor | null {
  const k = kernels();
  if (!k.applyUpdate || !isFloat(w.dtype)) return null;
  const out = unfilled(w.shape, w.dtype);
  const slotStorage = slots.map((s) => s.writableStorage());
  k.applyUpdate(rule, w.storage, castTo(g, w.dtype).storage, slotStorage, out.storage, hyper);
  return out;
}
