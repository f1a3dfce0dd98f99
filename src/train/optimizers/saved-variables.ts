/**
 * Setting, saving and loading an optimizer's variables as one ordered list: Keras `set_weights`
 * and the `.keras` weights layout (`store["0"]`, `store["1"]`, …). `where` names the optimizer.
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";

/** Assigns `weights[i]` to `vars[i]`, after checking that the counts match. */
export function setVariables(
  where: string,
  vars: readonly Variable[],
  weights: readonly Tensor[],
): void {
  if (weights.length !== vars.length) {
    throw new ValueError(`${where}: expected ${vars.length} weights; received ${weights.length}`);
  }
  vars.forEach((v, i) => v.assign(weights[i]!));
}

/** Writes `vars[i]` as `store[String(i)]`. */
export function saveVariables(vars: readonly Variable[], store: Record<string, Tensor>): void {
  vars.forEach((v, i) => (store[String(i)] = v.value));
}

/** Reads what `saveVariables` wrote; like Keras, skips (with a warning) on a count mismatch. */
export function loadVariables(
  where: string,
  vars: readonly Variable[],
  store: Record<string, Tensor>,
): void {
  const n = Object.keys(store).length;
  if (n !== vars.length) {
    console.warn(
      `Skipping variable loading for optimizer '${where}', because it has ${vars.length} ` +
        `variables whereas the saved optimizer has ${n} variables.`,
    );
    return;
  }
  vars.forEach((v, i) => v.assign(store[String(i)]!));
}
