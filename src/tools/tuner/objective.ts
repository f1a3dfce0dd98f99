/**
 * KerasTuner's objectives: a metric name and whether to minimize or maximize it. A string's
 * direction is inferred as KerasTuner does (`infer_metric_direction`): "val_" and "weighted_"
 * dropped, losses and error metrics minimized, the accuracy-like metrics (accuracy, precision,
 * recall, AUC …) maximized. A list of objectives is one `MultiObjective`: the sum of the ones to
 * minimize minus the sum of the ones to maximize, minimized.
 */
import { ValueError } from "../../errors.js";
import { getLoss } from "../../train/losses/index.js";
import { getMetric } from "../../train/metrics/index.js";

export type Direction = "min" | "max";

/** KerasTuner's `_MAX_METRICS` and `_MAX_METRIC_FNS`: the metrics where higher is better. */
const MAX_METRICS = new Set([
  "Accuracy",
  "BinaryAccuracy",
  "CategoricalAccuracy",
  "SparseCategoricalAccuracy",
  "TopKCategoricalAccuracy",
  "SparseTopKCategoricalAccuracy",
  "TruePositives",
  "TrueNegatives",
  "Precision",
  "Recall",
  "AUC",
  "SensitivityAtSpecificity",
  "SpecificityAtSensitivity",
  "accuracy",
  "categorical_accuracy",
  "binary_accuracy",
  "sparse_categorical_accuracy",
]);

/** The direction of a Keras metric or loss name, or null when the name is not one. */
export function inferMetricDirection(metric: string): Direction | null {
  let name = metric;
  if (name.startsWith("val_")) name = name.slice(4);
  if (name.startsWith("weighted_")) name = name.slice(9);
  if (name === "loss" || name === "crossentropy" || name === "ce") return "min";
  if (name === "acc" || MAX_METRICS.has(name)) return "max";
  for (const make of [() => getMetric(name), () => getLoss(name)]) {
    let resolved: object | null = null;
    try {
      resolved = make();
    } catch {
      continue;
    }
    if (resolved) return MAX_METRICS.has(resolved.constructor.name) ? "max" : "min";
  }
  return null;
}

/** KerasTuner `Objective(name, direction)`. */
export class Objective {
  constructor(
    readonly name: string,
    readonly direction: Direction,
  ) {
    if (typeof name !== "string" || name === "")
      throw new ValueError(`Objective: name must be a non-empty string; received ${String(name)}`);
    if (direction !== "min" && direction !== "max")
      throw new ValueError(
        `Objective("${name}"): direction must be "min" or "max"; received ${String(direction)}`,
      );
  }

  /** Whether the logs hold what the objective needs. */
  hasValue(logs: Readonly<Record<string, number>>): boolean {
    return this.name in logs;
  }

  getValue(logs: Readonly<Record<string, number>>): number {
    return logs[this.name]!;
  }

  betterThan(a: number, b: number): boolean {
    return (a > b && this.direction === "max") || (a < b && this.direction === "min");
  }

  toString(): string {
    return `Objective(name="${this.name}", direction="${this.direction}")`;
  }

  toJSON(): unknown {
    return { name: this.name, direction: this.direction };
  }
}

/** Used when no objective is given: the trial's result must then be one number to minimize. */
export class DefaultObjective extends Objective {
  constructor() {
    super("default_objective", "min");
  }
}

/** Several objectives summed into one to minimize (maximized ones subtracted). */
export class MultiObjective extends Objective {
  readonly directions: ReadonlyMap<string, Direction>;

  constructor(readonly objectives: readonly Objective[]) {
    super("multi_objective", "min");
    this.directions = new Map(objectives.map((o) => [o.name, o.direction]));
  }

  override hasValue(logs: Readonly<Record<string, number>>): boolean {
    return [...this.directions.keys()].every((k) => k in logs);
  }

  override getValue(logs: Readonly<Record<string, number>>): number {
    let total = 0;
    for (const [name, value] of Object.entries(logs)) {
      const direction = this.directions.get(name);
      if (direction === "min") total += value;
      else if (direction === "max") total -= value;
    }
    return total;
  }

  override toString(): string {
    return `Multi${super.toString()}: [${this.objectives.map(String).join(", ")}]`;
  }
}

export type ObjectiveLike = string | Objective | readonly (string | Objective)[];

/** KerasTuner `create_objective`. */
export function createObjective(objective: ObjectiveLike | null | undefined): Objective {
  if (objective === null || objective === undefined) return new DefaultObjective();
  if (Array.isArray(objective))
    return new MultiObjective((objective as (string | Objective)[]).map(createObjective));
  if (objective instanceof Objective) return objective;
  if (typeof objective !== "string")
    throw new ValueError(
      `objective not understood: expected a string, an Objective or a list of them; received ${String(objective)}`,
    );
  const direction = inferMetricDirection(objective);
  if (direction === null)
    throw new ValueError(
      `Could not infer optimization direction ("min" or "max") for unknown metric "${objective}". ` +
        `Please specify the objective as an Objective, for example new Objective("${objective}", "min").`,
    );
  return new Objective(objective, direction);
}
