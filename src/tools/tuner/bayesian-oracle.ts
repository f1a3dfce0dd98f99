/**
 * KerasTuner's `BayesianOptimizationOracle`: after `numInitialPoints` random trials (default
 * 3 × the number of hyperparameters, at least 3), each trial fits a Gaussian process to the scores
 * seen so far — every non-fixed hyperparameter mapped to its cumulative probability in [0, 1] — and
 * takes the point minimizing the lower confidence bound μ − β·σ (scores to maximize are negated),
 * searched from 50 random starts. Running trials count as their predicted μ + σ, so parallel
 * workers spread out. Where KerasTuner runs scipy's L-BFGS-B from each start, this oracle runs a
 * bounded pattern search (no gradients needed); both find the local minima of the same function.
 */
import { ValueError } from "../../errors.js";
import { GaussianProcess } from "./gaussian-process.js";
import { Fixed, type HpValue, type HyperParameter } from "./hyperparameter.js";
import { HyperParameters } from "./hyperparameters.js";
import { Oracle, type OracleOptions, type OracleState, type PopulateResult } from "./oracle.js";
import { SeededStream } from "./seeded-random.js";

export interface BayesianOptions extends OracleOptions {
  numInitialPoints?: number | null;
  alpha?: number;
  beta?: number;
}

const RESTARTS = 50;

export class BayesianOptimizationOracle extends Oracle {
  numInitialPoints: number | null;
  alpha: number;
  beta: number;
  private gp: GaussianProcess;
  private readonly stream: SeededStream;

  constructor(opts: BayesianOptions = {}) {
    const { numInitialPoints, alpha, beta, ...rest } = opts;
    super({ ...rest, maxTrials: rest.maxTrials === undefined ? 10 : rest.maxTrials });
    if (
      numInitialPoints !== undefined &&
      numInitialPoints !== null &&
      !(Number.isInteger(numInitialPoints) && numInitialPoints > 0)
    )
      throw new ValueError(
        `BayesianOptimization: numInitialPoints must be a positive integer; received ${numInitialPoints}`,
      );
    if (alpha !== undefined && !(alpha > 0))
      throw new ValueError(`BayesianOptimization: alpha must be positive; received ${alpha}`);
    if (beta !== undefined && !(beta >= 0))
      throw new ValueError(`BayesianOptimization: beta must be >= 0; received ${beta}`);
    this.numInitialPoints = numInitialPoints ?? null;
    this.alpha = alpha ?? 1e-4;
    this.beta = beta ?? 2.6;
    this.gp = new GaussianProcess(this.alpha);
    this.stream = new SeededStream(this.seed);
  }

  protected populateSpace(): PopulateResult {
    const completed = [...this.trials.values()].filter((t) => t.status === "COMPLETED");
    const dimensions = this.hyperparameters.space.length;
    const initial = this.numInitialPoints ?? Math.max(3 * dimensions, 3);
    if (completed.length < initial || this.nonFixedSpace().length === 0) {
      const values = this.randomValues();
      return values === null ? { status: "STOPPED", values: null } : { status: "RUNNING", values };
    }
    const { x, y } = this.vectorizeTrials();
    this.gp.fit(x, y);
    const lcb = (point: number[]) => {
      const { mean, std } = this.gp.predict(point);
      return mean - this.beta * std;
    };
    const d = x[0]!.length;
    let bestValue = Infinity;
    let bestPoint: number[] = [];
    for (let r = 0; r < RESTARTS; r++) {
      const start = Array.from({ length: d }, () => this.stream.next());
      const { point, value } = patternSearch(lcb, start);
      if (value < bestValue) [bestValue, bestPoint] = [value, point];
    }
    return { status: "RUNNING", values: this.vectorToValues(bestPoint) };
  }

  private nonFixedSpace(): HyperParameter[] {
    return this.hyperparameters.space.filter((hp) => !(hp instanceof Fixed));
  }

  /** Each trial as a point in [0, 1]^d and its score to minimize. */
  private vectorizeTrials(): { x: number[][]; y: number[] } {
    const x: number[][] = [];
    const y: number[] = [];
    const ongoing = new Set([...this.ongoingTrials.values()].map((t) => t.trialId));
    for (const trial of this.trials.values()) {
      const hps = trial.hyperparameters;
      const point = this.nonFixedSpace().map((hp) => {
        const value = hps.isActive(hp) && hp.name in hps.values ? hps.values[hp.name]! : hp.default;
        return hp.valueToProb(value);
      });
      let score: number;
      if (ongoing.has(trial.trialId)) {
        const { mean, std } = this.gp.predict(point);
        score = mean + std;
      } else if (trial.status === "COMPLETED") {
        score = this.objective.direction === "max" ? -trial.score! : trial.score!;
      } else {
        continue;
      }
      x.push(point.map(finiteOrZero));
      y.push(finiteOrZero(score));
    }
    return { x, y };
  }

  private vectorToValues(vector: readonly number[]): Record<string, HpValue> {
    const hps = new HyperParameters();
    let index = 0;
    for (const hp of this.hyperparameters.space) {
      hps.merge([hp]);
      // Kept below 1: an Int with log sampling and no step would map 1 to maxValue + 1.
      const value =
        hp instanceof Fixed ? hp.value : hp.probToValue(Math.min(vector[index++]!, 1 - 1e-12));
      if (hps.isActive(hp)) hps.values[hp.name] = value;
    }
    return hps.values;
  }

  override getState(): OracleState {
    return {
      ...super.getState(),
      num_initial_points: this.numInitialPoints,
      alpha: this.alpha,
      beta: this.beta,
    };
  }

  override setState(state: OracleState): void {
    super.setState(state);
    this.numInitialPoints = state.num_initial_points as number | null;
    this.alpha = state.alpha as number;
    this.beta = state.beta as number;
    this.gp = new GaussianProcess(this.alpha);
  }
}

/** numpy's nan_to_num(posinf=0, neginf=0) as KerasTuner applies it. */
function finiteOrZero(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Number.isFinite(v) ? v : 0;
}

/**
 * A bounded compass search: from `start`, try a step up and down along each axis (clipped to
 * [0, 1]), move on any improvement, halve the step when none; stop below 1e-4.
 */
export function patternSearch(
  f: (point: number[]) => number,
  start: readonly number[],
): { point: number[]; value: number } {
  let point = [...start];
  let value = f(point);
  let step = 0.25;
  for (let iter = 0; iter < 200 && step > 1e-4; iter++) {
    let moved = false;
    for (let i = 0; i < point.length; i++) {
      for (const sign of [1, -1]) {
        const trial = [...point];
        trial[i] = Math.min(1, Math.max(0, trial[i]! + sign * step));
        if (trial[i] === point[i]) continue;
        const v = f(trial);
        if (v < value) {
          [point, value, moved] = [trial, v, true];
          break;
        }
      }
    }
    if (!moved) step /= 2;
  }
  return { point, value };
}
