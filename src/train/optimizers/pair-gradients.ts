/** Matches one optimizer step's gradients to its variables: one each, same shapes, nulls skipped. */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError, fmtShape } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";

/** The non-null gradients and their variables, in order; `where` names the optimizer in errors. */
export function pairGradients(
  where: string,
  grads: readonly (Tensor | null)[],
  vars: readonly Variable[],
): [Tensor[], Variable[]] {
  if (grads.length !== vars.length) {
    throw new ValueError(
      `${where}: expected one gradient per variable (${vars.length}); received ${grads.length} gradients`,
    );
  }
  const gs: Tensor[] = [];
  const vs: Variable[] = [];
  grads.forEach((g, i) => {
    if (g === null || g === undefined) return;
    const v = vars[i]!;
    if (g.shape.length !== v.shape.length || g.shape.some((d, k) => d !== v.shape[k])) {
      throw new ValueError(
        `${where}: the gradient of ${v.name} must have shape ${fmtShape(v.shape)}; received ${fmtShape(g.shape)}`,
      );
    }
    gs.push(g);
    vs.push(v);
  });
  if (gs.length === 0) throw new ValueError(`${where}: no gradients provided for any variable`);
  return [gs, vs];
}
