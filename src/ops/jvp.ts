/**
 * keras.ops.jvp (also `ops.linalg.jvp`, where Keras lists it). It needs the reverse-mode `grad`
 * of autodiff/grad.ts, which itself imports op files, so it lives in a file no op imports.
 */
import { grad } from "../autodiff/grad.js";
import { ValueError } from "../errors.js";
import { zerosLike } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "./core.js";
import { add, multiply } from "./elementwise.js";
import { sum } from "./reduce.js";

/**
 * Forward-mode derivative of `fun` at `primals` along `tangents`: `[fun(primals), J·tangents]`
 * (with `hasAux`, fun returns `[out, aux]` and jvp `[out, J·t, aux]`). Computed with two reverse
 * passes: J·t = ∂/∂u ⟨uᵀJ, t⟩, exact for functions of float tensors.
 */
export function jvp(
  fun: (...xs: Tensor[]) => Tensor | [Tensor, unknown],
  primals: readonly TensorLike[],
  tangents: readonly TensorLike[],
  hasAux = false,
): [Tensor, Tensor] | [Tensor, Tensor, unknown] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError("jvp: primals and tangents must be lists of the same length");
  }
  const xs = primals.map((p) => asTensor(p));
  const ts = tangents.map((t, i) => asTensor(t, xs[i]!.dtype));
  const call = (...a: Tensor[]): { out: Tensor; aux: unknown } => {
    const r = fun(...a);
    return hasAux
      ? { out: (r as [Tensor, unknown])[0], aux: (r as [Tensor, unknown])[1] }
      : { out: r as Tensor, aux: undefined };
  };
  const { out, aux } = call(...xs);
  const u0 = zerosLike(out);
  // g(u) = Σ_i ⟨(uᵀJ)_i, t_i⟩ is linear in u with gradient J·t.
  const g = (u: Tensor): Tensor => {
    const vjps = grad((...a: Tensor[]) => sum(multiply(call(...a).out, u)))(...xs) as Tensor[];
    return vjps.reduce<Tensor>(
      (acc, d, i) => add(acc, sum(multiply(d, ts[i]!))),
      zerosLike(sum(out)),
    );
  };
  const jt = grad(g)(u0);
  return hasAux ? [out, jt, aux] : [out, jt];
}
