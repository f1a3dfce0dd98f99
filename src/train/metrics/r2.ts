/**
 * Keras's `R2Score`: the coefficient of determination over everything seen, per output column
 * (sums of y, y², squared residuals and weights), aggregated by `classAggregation` (null: one
 * score per column, "uniform_average", "variance_weighted_average"); `numRegressors` > 0 gives
 * the adjusted R² (falling back to the plain score, with a warning, when samples are too few).
 */
import type { Variable } from "../../autodiff/variable.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast } from "../../ops/elementwise.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { squeezeOrExpandToSameRank } from "../losses/loss.js";
import { weightsFor } from "./f-score.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

export type R2Aggregation = "uniform_average" | "variance_weighted_average" | null;

export interface R2ScoreOptions extends MetricOptions {
  /** How the columns' scores combine; default "uniform_average". */
  classAggregation?: R2Aggregation;
  /** Independent regressors for the adjusted R²; default 0 (plain R²). */
  numRegressors?: number;
}

interface R2State {
  sum: Variable;
  squaredSum: Variable;
  residual: Variable;
  count: Variable;
}

export class R2Score extends Metric {
  readonly classAggregation: R2Aggregation;
  readonly numRegressors: number;
  private readonly numSamples: Variable;
  private state: R2State | null = null;

  constructor(opts: R2ScoreOptions = {}) {
    super({ ...opts, name: opts.name ?? "r2_score" });
    this.direction = "up";
    const agg = opts.classAggregation === undefined ? "uniform_average" : opts.classAggregation;
    if (![null, "uniform_average", "variance_weighted_average"].includes(agg)) {
      throw new ValueError(
        `${this.name}: invalid value for argument class_aggregation; expected one of null, ` +
          `"uniform_average", "variance_weighted_average"; received class_aggregation=${JSON.stringify(agg)}`,
      );
    }
    const p = opts.numRegressors ?? 0;
    if (typeof p !== "number" || !(p >= 0)) {
      throw new ValueError(
        `${this.name}: invalid value for argument num_regressors; expected a value >= 0; received num_regressors=${String(p)}`,
      );
    }
    this.classAggregation = agg;
    this.numRegressors = p;
    this.numSamples = this.addVariable([], "num_samples");
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() => {
      const [t, p] = squeezeOrExpandToSameRank(
        cast(asTensor(yTrue), "float64"),
        cast(asTensor(yPred), "float64"),
      );
      if (t.rank !== 2 || p.rank !== 2) {
        throw new ShapeError(
          `${this.name}: R2Score expects 2D inputs with shape (batch_size, output_dim); received ` +
            `y_pred.shape=${fmtShape(p.shape)} and y_true.shape=${fmtShape(t.shape)}`,
        );
      }
      const [rows, c] = t.shape as [number, number];
      if (!this.state) {
        this.state = {
          squaredSum: this.addVariable([c], "squared_sum"),
          sum: this.addVariable([c], "sum"),
          residual: this.addVariable([c], "residual"),
          count: this.addVariable([c], "count"),
        };
      }
      const f = this.dtype === "float32" ? Math.fround : (x: number): number => x;
      const tv = Array.from(t.dataSync(), (v) => f(Number(v)));
      const pv = Array.from(p.dataSync(), (v) => f(Number(v)));
      const w = weightsFor(sampleWeight ?? 1, t.shape, this.name)!;
      const sum = new Float64Array(c);
      const sq = new Float64Array(c);
      const res = new Float64Array(c);
      const count = new Float64Array(c);
      let samples = 0;
      for (let r = 0; r < rows; r++) {
        let nonzero = false;
        for (let j = 0; j < c; j++) {
          const i = r * c + j;
          const wi = w[i]!;
          sum[j]! += tv[i]! * wi;
          sq[j]! += tv[i]! * tv[i]! * wi;
          res[j]! += (tv[i]! - pv[i]!) ** 2 * wi;
          count[j]! += wi;
          if (wi !== 0) nonzero = true;
        }
        if (nonzero) samples++;
      }
      const bump = (v: Variable, d: ArrayLike<number>, shape: number[]): void => {
        const old = v.value.dataSync();
        v.assign(
          tensor(
            Array.from(d, (x, i) => Number(old[i]) + x),
            shape,
            this.dtype,
          ),
        );
      };
      bump(this.state.sum, sum, [c]);
      bump(this.state.squaredSum, sq, [c]);
      bump(this.state.residual, res, [c]);
      bump(this.state.count, count, [c]);
      bump(this.numSamples, [samples], []);
    });
  }

  result(): Tensor {
    if (!this.state) return tensor(Number.NaN, [], this.dtype);
    const read = (v: Variable): number[] => Array.from(v.value.dataSync(), Number);
    const sum = read(this.state.sum);
    const sq = read(this.state.squaredSum);
    const res = read(this.state.residual);
    const count = read(this.state.count);
    const total = sum.map((s, j) => sq[j]! - s * (s / count[j]!));
    const raw = total.map((tot, j) => {
      const v = 1 - res[j]! / tot;
      return Number.isFinite(v) || Number.isNaN(v) ? v : 0;
    });
    let score: number | number[];
    if (this.classAggregation === "uniform_average") {
      score = raw.reduce((a, v) => a + v, 0) / raw.length;
    } else if (this.classAggregation === "variance_weighted_average") {
      score = raw.reduce((a, v, j) => a + total[j]! * v, 0) / total.reduce((a, v) => a + v, 0);
    } else {
      score = raw;
    }
    if (this.numRegressors !== 0) {
      const n = Number(this.numSamples.value.item());
      const p = this.numRegressors;
      if (p > n - 1) {
        process.emitWarning(
          "More independent predictors than datapoints in adjusted R2 score. Falling back to standard R2 score.",
        );
      } else if (p === n - 1) {
        process.emitWarning(
          "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
        );
      } else {
        const adjust = (s: number): number => 1 - ((1 - s) * (n - 1)) / (n - p - 1);
        score = Array.isArray(score) ? score.map(adjust) : adjust(score);
      }
    }
    return Array.isArray(score)
      ? tensor(score, [score.length], this.dtype)
      : tensor(score, [], this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      class_aggregation: this.classAggregation,
      num_regressors: this.numRegressors,
    };
  }
}
