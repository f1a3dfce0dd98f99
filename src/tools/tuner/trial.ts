/**
 * KerasTuner's `Trial`: one set of hyperparameter values, its status, the metrics reported for it
 * (per step, one value per execution, averaged) and its score. Saved as `trial.json` in the
 * trial's folder, in KerasTuner's layout (trial_id, hyperparameters, metrics, score, best_step,
 * status, message), so a search can be reloaded.
 */
import { ValueError } from "../../errors.js";
import { HyperParameters, type HyperParametersConfig } from "./hyperparameters.js";
import { type Direction, inferMetricDirection } from "./objective.js";

export type TrialStatus = "RUNNING" | "IDLE" | "INVALID" | "STOPPED" | "COMPLETED" | "FAILED";

interface ObservationConfig {
  value: number[];
  step: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** One metric's values by step (KerasTuner `MetricHistory`). */
export class MetricHistory {
  private readonly observations = new Map<number, number[]>();

  constructor(readonly direction: Direction = "min") {
    if (direction !== "min" && direction !== "max")
      throw new ValueError(
        `direction should be one of "min", "max"; received ${String(direction)}`,
      );
  }

  update(value: number | readonly number[], step: number): void {
    const values = typeof value === "number" ? [value] : [...value];
    const seen = this.observations.get(step);
    if (seen) seen.push(...values);
    else this.observations.set(step, values);
  }

  /** The best of the per-step means (NaN ignored, as numpy's nanmin / nanmax), or null. */
  getBestValue(): number | null {
    const means = [...this.observations.values()].map(mean).filter((v) => !Number.isNaN(v));
    if (this.observations.size === 0) return null;
    if (means.length === 0) return NaN;
    return this.direction === "min" ? Math.min(...means) : Math.max(...means);
  }

  getBestStep(): number | null {
    const best = this.getBestValue();
    if (best === null) return null;
    for (const [step, values] of this.observations) if (mean(values) === best) return step;
    return null;
  }

  getLastValue(): number | null {
    const history = this.getHistory();
    return history.length ? mean(history[history.length - 1]!.value) : null;
  }

  getHistory(): ObservationConfig[] {
    return [...this.observations.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([step, value]) => ({ value: [...value], step }));
  }

  getConfig(): { direction: Direction; observations: ObservationConfig[] } {
    return { direction: this.direction, observations: this.getHistory() };
  }

  static fromConfig(config: { direction: Direction; observations: ObservationConfig[] }) {
    const h = new MetricHistory(config.direction);
    for (const o of config.observations) h.update(o.value, o.step);
    return h;
  }
}

/** Every metric of a trial (KerasTuner `MetricsTracker`). */
export class MetricsTracker {
  readonly metrics = new Map<string, MetricHistory>();

  exists(name: string): boolean {
    return this.metrics.has(name);
  }

  register(name: string, direction?: Direction | null): void {
    if (this.exists(name)) throw new ValueError(`Metric already exists: ${name}`);
    this.metrics.set(name, new MetricHistory(direction ?? inferMetricDirection(name) ?? "min"));
  }

  update(name: string, value: number, step = 0): void {
    if (!this.exists(name)) this.register(name);
    this.metrics.get(name)!.update(Number(value), step);
  }

  private history(name: string): MetricHistory {
    const h = this.metrics.get(name);
    if (!h) throw new ValueError(`Unknown metric: ${name}`);
    return h;
  }

  getBestValue(name: string): number | null {
    return this.history(name).getBestValue();
  }

  getBestStep(name: string): number | null {
    return this.history(name).getBestStep();
  }

  getLastValue(name: string): number | null {
    return this.history(name).getLastValue();
  }

  getConfig() {
    return {
      metrics: Object.fromEntries([...this.metrics].map(([k, h]) => [k, h.getConfig()])),
    };
  }

  static fromConfig(config: ReturnType<MetricsTracker["getConfig"]>): MetricsTracker {
    const t = new MetricsTracker();
    for (const [k, h] of Object.entries(config.metrics))
      t.metrics.set(k, MetricHistory.fromConfig(h));
    return t;
  }
}

export interface TrialState {
  trial_id: string;
  hyperparameters: HyperParametersConfig;
  metrics: ReturnType<MetricsTracker["getConfig"]>;
  score: number | null;
  best_step: number;
  status: TrialStatus;
  message: string | null;
}

export class Trial {
  metrics = new MetricsTracker();
  score: number | null = null;
  bestStep = 0;
  message: string | null = null;

  constructor(
    public hyperparameters: HyperParameters,
    readonly trialId: string,
    public status: TrialStatus = "RUNNING",
  ) {}

  /** KerasTuner's `Trial.summary()`, as lines. */
  summary(print: (line: string) => void = console.log): void {
    print(`Trial ${this.trialId} summary`);
    print("Hyperparameters:");
    const values = Object.entries(this.hyperparameters.values);
    if (values.length === 0) print("default configuration");
    for (const [k, v] of values) print(`${k}: ${String(v)}`);
    if (this.score !== null) print(`Score: ${this.score}`);
    if (this.message !== null) print(this.message);
  }

  getState(): TrialState {
    return {
      trial_id: this.trialId,
      hyperparameters: this.hyperparameters.getConfig(),
      metrics: this.metrics.getConfig(),
      score: this.score,
      best_step: this.bestStep,
      status: this.status,
      message: this.message,
    };
  }

  static fromState(state: TrialState): Trial {
    const t = new Trial(
      HyperParameters.fromConfig(state.hyperparameters),
      state.trial_id,
      state.status,
    );
    t.metrics = MetricsTracker.fromConfig(state.metrics);
    t.score = state.score;
    t.bestStep = state.best_step;
    t.message = state.message;
    return t;
  }
}
