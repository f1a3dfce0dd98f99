/**
 * Optimizer state saved by Keras before 3.0, lined up with a Keras 3 (Strata) optimizer's
 * variables. Keras 3 saves `iteration, learning_rate, slots…`; older writers saved no
 * learning-rate variable:
 * - tf.keras 2.11+'s optimizers (`is_legacy_optimizer: false`, registered as `Custom>Adam`)
 *   saved `iteration` then their slots in Keras 3's order (Adam's m and v interleaved variable
 *   by variable, RMSprop's kinds one after the other), in legacy `.h5` optimizer_weights and in
 *   tf.keras 2.13–2.15 `.keras` archives alike;
 * - Keras 2.0–2.10 (optimizer_v2) saved `iterations` then each kind of slot for every variable
 *   in turn (`Adam/dense/kernel/m:0` for every variable, then every `…/v:0`): the same order
 *   when the optimizer keeps one slot per variable (SGD's momentum); otherwise the values are
 *   put in Keras 3's order by (variable, kind), once the saved names show exactly that
 *   structure (a run of `n` names per kind, kinds in Keras 3's order of creation);
 * - Keras ≤ 2.2 saved the same kind-by-kind lists under names that say nothing
 *   (`training/Adam/Variable_3:0`), plus an unused 1-element `vhat` per variable for Adam: the
 *   `vhat`s are dropped and the runs are recognized by the variables' shapes.
 * Where the order is known, the optimizer's current learning rate (from its config) is put back
 * in its place, so the saved state restores; anywhere else the values are returned as they are,
 * and the caller's count and shape checks leave the optimizer fresh with Keras's warning, as
 * Keras 3 does.
 */
import type { Variable } from "../../autodiff/variable.js";
import type { Optimizer } from "../../train/optimizers/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/** Which writer saved the state: tf.keras 2.11+'s new optimizers, or an older Keras 2. */
export type LegacyOptimizerKind = "tf-keras-new" | "keras2";

/**
 * `values` (as saved, in order, named `savedNames`) lined up with `opt.variables`: the
 * optimizer's learning rate inserted at Keras 3's place, and Keras 2's kind-by-kind slots
 * reordered, where the file's order is known; else `values` unchanged.
 */
export function alignLegacyOptimizerState(
  opt: Optimizer,
  values: readonly Tensor[],
  kind: LegacyOptimizerKind,
  trainable: readonly Variable[],
  savedNames: readonly string[] = [],
): Tensor[] {
  const vars = opt.variables;
  const lr = vars[1];
  const hasLrVariable = lr !== undefined && lr.name.endsWith("/learning_rate");
  const n = trainable.length;
  if (!hasLrVariable || n === 0) return [...values];
  let saved = [...values];
  let names = [...savedNames];
  if (kind === "keras2" && saved.length === vars.length - 1 + n) {
    // Keras ≤ 2.2's Adam kept an unused 1-element `vhat` per variable when amsgrad was off.
    const tail = saved.slice(-n);
    if (tail.every((t) => t.shape.length === 1 && t.shape[0] === 1)) {
      saved = saved.slice(0, -n);
      names = names.slice(0, -n);
    }
  }
  if (saved.length !== vars.length - 1) return [...values];
  const kinds = (vars.length - 2) / n;
  if (kind === "tf-keras-new" || kinds === 1) return [saved[0]!, lr.value, ...saved.slice(1)];
  if (!Number.isInteger(kinds)) return [...values];
  const slotValues = saved.slice(1);
  const runs =
    runsFromNames(names.slice(1), n, kinds) || runsFromShapes(slotValues, trainable, kinds);
  const order = runs ? strataSlotOrder(opt, vars.slice(2), trainable, kinds) : null;
  if (!order) return [...values];
  return [saved[0]!, lr.value, ...order.map((i) => slotValues[i]!)];
}

/** Whether the names form `kinds` runs of n, one slot kind each (`…/m:0` then `…/v:0`). */
function runsFromNames(names: readonly string[], n: number, kinds: number): boolean {
  if (names.length !== kinds * n) return false;
  const kindOf = (name: string) => name.replace(/:\d+$/, "").split("/").pop() ?? "";
  const seen: string[] = [];
  for (let k = 0; k < kinds; k++) {
    const run = names.slice(k * n, (k + 1) * n).map(kindOf);
    if (run.some((x) => x !== run[0]) || seen.includes(run[0]!)) return false;
    seen.push(run[0]!);
  }
  return true;
}

/**
 * Whether the values form `kinds` runs that each match the variables' shapes in order: how
 * Keras ≤ 2.2 laid them out under names that say nothing (`training/Adam/Variable_3:0`).
 */
function runsFromShapes(
  values: readonly Tensor[],
  trainable: readonly Variable[],
  kinds: number,
): boolean {
  const n = trainable.length;
  if (values.length !== kinds * n) return false;
  return values.every((t, i) => t.shape.join() === trainable[i % n]!.shape.join());
}

/**
 * For each of Strata's slot variables, the index of its value in Keras 2's kind-by-kind list
 * (`kind · n + variable`), kinds in the order Strata creates them (the order Keras 2 created
 * them too); null when the names do not show that structure.
 */
function strataSlotOrder(
  opt: Optimizer,
  slots: readonly Variable[],
  trainable: readonly Variable[],
  kinds: number,
): number[] | null {
  const n = trainable.length;
  // Strata's slot names are `<optimizer>/<variable name, / and : as _>_<slot>`.
  const prefixes = trainable.map((v) => `${opt.name}/${v.name.replace(/[/:]/g, "_")}_`);
  const slotKinds: string[] = [];
  const seen = new Map<string, number>();
  const order: number[] = [];
  for (const slot of slots) {
    let best = -1;
    prefixes.forEach((p, i) => {
      if (slot.name.startsWith(p) && (best < 0 || p.length > prefixes[best]!.length)) best = i;
    });
    if (best < 0) return null;
    const slotKind = slot.name.slice(prefixes[best]!.length);
    if (!slotKinds.includes(slotKind)) slotKinds.push(slotKind);
    const count = seen.get(slotKind) ?? 0;
    seen.set(slotKind, count + 1);
    if (count !== best) return null; // a kind's slots follow the variables' order
    order.push(slotKinds.indexOf(slotKind) * n + best);
  }
  return slotKinds.length === kinds ? order : null;
}

/**
 * The kind of a legacy `.h5` training_config's optimizer (before any upgrade): tf.keras 2.11+
 * wrote `is_legacy_optimizer: false` and a `Custom>` registered class name.
 */
export function legacyOptimizerKind(optimizerConfig: unknown): LegacyOptimizerKind {
  if (typeof optimizerConfig !== "object" || optimizerConfig === null) return "keras2";
  const o = optimizerConfig as { class_name?: unknown; config?: { is_legacy_optimizer?: unknown } };
  const isNew =
    o.config?.is_legacy_optimizer === false ||
    (typeof o.class_name === "string" && o.class_name.startsWith("Custom>"));
  return isNew ? "tf-keras-new" : "keras2";
}
