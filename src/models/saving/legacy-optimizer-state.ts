/**
 * Optimizer state saved by Keras before 3.0, lined up with a Keras 3 (Strata) optimizer's
 * variables. Keras 3 saves `iteration, learning_rate, slots…`; older writers saved no
 * learning-rate variable:
 * - tf.keras 2.11+'s optimizers (`is_legacy_optimizer: false`, registered as `Custom>Adam`)
 *   saved `iteration` then their slots in Keras 3's order (Adam's m and v interleaved variable
 *   by variable, RMSprop's kinds one after the other), in legacy `.h5` optimizer_weights and in
 *   tf.keras 2.13–2.15 `.keras` archives alike;
 * - Keras 2.0–2.10 saved `iterations` then each kind of slot for every variable in turn, which is
 *   the same order only when the optimizer keeps one slot per variable (SGD's momentum).
 * Where the order is known to be the same, the optimizer's current learning rate (from its
 * config) is put back in its place, so the saved state restores; anywhere else the values are
 * returned as they are, and the caller's count and shape checks leave the optimizer fresh with
 * Keras's warning, as Keras 3 does.
 */
import type { Optimizer } from "../../train/optimizers/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/** Which writer saved the state: tf.keras 2.11+'s new optimizers, or an older Keras 2. */
export type LegacyOptimizerKind = "tf-keras-new" | "keras2";

/**
 * `values` (as saved, in order) with the optimizer's learning rate inserted at Keras 3's place
 * when the file's writer saved none and its order is known to match; else `values` unchanged.
 */
export function alignLegacyOptimizerState(
  opt: Optimizer,
  values: readonly Tensor[],
  kind: LegacyOptimizerKind,
  trainableCount: number,
): Tensor[] {
  const vars = opt.variables;
  const lr = vars[1];
  const hasLrVariable = lr !== undefined && lr.name.endsWith("/learning_rate");
  if (!hasLrVariable || values.length !== vars.length - 1) return [...values];
  const slotsPerVariable = trainableCount > 0 ? (vars.length - 2) / trainableCount : 0;
  if (kind === "keras2" && slotsPerVariable !== 1) return [...values];
  return [values[0]!, lr.value, ...values.slice(1)];
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
