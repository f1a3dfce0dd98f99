/**
 * What the monitoring callbacks (EarlyStopping, ModelCheckpoint) share, after Keras's
 * `MonitorCallback`: which way the monitored quantity improves, and the improvement test.
 */
import { ValueError } from "../../errors.js";
import type { CallbackModel } from "./callback.js";

export type Mode = "auto" | "min" | "max";

/** Keras's `io_utils.print_msg`: the messages of `verbose: 1` callbacks go to stdout. */
export function printMsg(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** Keras warns and falls back to "auto" for an unknown mode (it can only come from untyped JS). */
export function checkMode(mode: unknown, who: string): Mode {
  if (mode === "auto" || mode === "min" || mode === "max") return mode;
  console.warn(`${who} mode ${String(mode)} is unknown, fallback to auto mode.`);
  return "auto";
}

// For a metric the model does not know (a custom log, or a model without compiled metrics), the
// direction follows the name: Keras 2's rule (`"acc" in name` → max) widened to the metrics Keras 3
// marks "up", and the error-like names it marks "down".
const UP = /acc|auc|precision|recall|f1_score|fbeta|iou|r2_score|cosine_similarity/;
const DOWN =
  /loss|error|crossentropy|hinge|divergence|poisson|log_cosh|logcosh|^mse$|^mae$|^mape$|^msle$|^rmse$/;

/**
 * Resolves "auto" into "min" or "max", as Keras does on the first epoch end (the metrics exist by
 * then): "loss" is minimized, a compiled metric goes the way its `direction` says, otherwise the
 * name decides; a name that says nothing is an error, as in Keras.
 */
export function resolveMode(
  mode: Mode,
  monitor: string,
  model: CallbackModel | null,
  who: string,
): "min" | "max" {
  if (mode !== "auto") return mode;
  const name = monitor.startsWith("val_") ? monitor.slice(4) : monitor;
  if (name === "loss") return "min";
  const metric = model?.compiled?.metrics.find((m) => m.name === name);
  if (metric?.direction) return metric.direction === "up" ? "max" : "min";
  if (UP.test(name)) return "max";
  if (DOWN.test(name)) return "min";
  throw new ValueError(
    `${who} callback received monitor=${monitor}, but Strata isn't able to automatically determine ` +
      `whether that metric should be maximized or minimized. Pass mode: "max" in order to monitor based ` +
      `on the highest metric value, or mode: "min" in order to use the lowest value.`,
  );
}

/**
 * Keras's `_is_improvement`: `current` beats `reference` by more than `minDelta` in the mode's
 * direction (`current + minDelta < reference` when minimizing, `current - minDelta > reference`
 * when maximizing). A null reference (nothing seen yet) is always beaten.
 */
export function isImprovement(
  current: number,
  reference: number | null,
  mode: "min" | "max",
  minDelta: number,
): boolean {
  if (reference === null) return true;
  return mode === "min" ? current + minDelta < reference : current - minDelta > reference;
}

/** Keras's option checks: a non-negative integer (patience, cooldown, startFromEpoch). */
export function checkCount(value: number, name: string, who: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValueError(
      `${who}: ${name} must be a non-negative integer. Received: ${name}=${value}`,
    );
  }
  return value;
}

/** A finite number option (minDelta, baseline …). */
export function checkNumber(value: number, name: string, who: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      `${who}: ${name} must be a finite number. Received: ${name}=${String(value)}`,
    );
  }
  return value;
}
