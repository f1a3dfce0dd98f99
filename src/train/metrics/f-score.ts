/**
 * Keras's `FBetaScore` and `F1Score`: per-class (or micro) counts of true positives, false
 * positives and false negatives over [batch, classes] data, combined as
 * (1 + β²)·P·R / (β²·P + R); `average` null (one score per class), "micro", "macro" or
 * "weighted" (by each class's support). Predictions are binarized by `threshold`, or with no
 * threshold by marking each row's maximum (when it is non-zero).
 */
import type { Variable } from "../../autodiff/variable.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast } from "../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../ops/movement.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON } from "../losses/loss.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

export type FScoreAverage = "micro" | "macro" | "weighted" | null;

export interface FBetaScoreOptions extends MetricOptions {
  /** null (default): one score per class; "micro", "macro" or "weighted": one number. */
  average?: FScoreAverage;
  /** Weight of recall against precision; > 0, default 1. */
  beta?: number;
  /** In (0, 1]: y_pred > threshold is positive; null (default): each row's maximum is. */
  threshold?: number | null;
}

/** Sample weights [batch], [batch, 1], [batch, classes] or a scalar, as a [batch, classes] array. */
export function weightsFor(
  sampleWeight: TensorLike | null | undefined,
  shape: readonly number[],
  where: string,
): Float64Array | null {
  if (sampleWeight === null || sampleWeight === undefined) return null;
  let w = cast(asTensor(sampleWeight), "float64");
  if (w.rank >= 1 && w.rank < shape.length) {
    w = reshape(w, [...w.shape, ...new Array<number>(shape.length - w.rank).fill(1)]);
  }
  try {
    return Float64Array.from(broadcastTo(w, shape).dataSync(), Number);
  } catch {
    throw new ShapeError(
      `${where}: sample_weight of shape ${fmtShape(w.shape)} does not broadcast to y_true's shape ${fmtShape(shape)}`,
    );
  }
}

export class FBetaScore extends Metric {
  readonly average: FScoreAverage;
  readonly beta: number;
  readonly threshold: number | null;
  private counts: { tp: Variable; fp: Variable; fn: Variable; support: Variable } | null = null;

  constructor(opts: FBetaScoreOptions = {}) {
    super({ ...opts, name: opts.name ?? "fbeta_score" });
    this.direction = "up";
    const average = opts.average ?? null;
    if (![null, "micro", "macro", "weighted"].includes(average)) {
      throw new ValueError(
        `${this.name}: invalid average argument value; expected one of null, "micro", "macro", ` +
          `"weighted"; received average=${JSON.stringify(average)}`,
      );
    }
    const beta = opts.beta ?? 1;
    if (typeof beta !== "number" || !(beta > 0)) {
      throw new ValueError(
        `${this.name}: invalid beta argument value; it should be a number > 0; received beta=${String(beta)}`,
      );
    }
    const threshold = opts.threshold ?? null;
    if (
      threshold !== null &&
      (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1))
    ) {
      throw new ValueError(
        `${this.name}: invalid threshold argument value; it should verify 0 < threshold <= 1; ` +
          `received threshold=${String(threshold)}`,
      );
    }
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  private build(numClasses: number): NonNullable<FBetaScore["counts"]> {
    const shape = this.average === "micro" ? [] : [numClasses];
    this.counts = {
      tp: this.addVariable(shape, "true_positives"),
      fp: this.addVariable(shape, "false_positives"),
      fn: this.addVariable(shape, "false_negatives"),
      support: this.addVariable(shape, "intermediate_weights"),
    };
    return this.counts;
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() => {
      const t = asTensor(yTrue);
      const p = asTensor(yPred);
      if (t.rank !== 2 || p.rank !== 2) {
        throw new ShapeError(
          `${this.name}: FBetaScore expects 2D inputs with shape (batch_size, output_dim); ` +
            `received y_pred.shape=${fmtShape(p.shape)} and y_true.shape=${fmtShape(t.shape)}`,
        );
      }
      const [rows, c] = p.shape as [number, number];
      const counts = this.counts ?? this.build(c);
      const f = this.dtype === "float32" ? Math.fround : (x: number): number => x;
      const pv = Array.from(p.dataSync(), (v) => f(Number(v)));
      const tv = Array.from(broadcastTo(cast(t, "float64"), p.shape).dataSync(), Number);
      const w = weightsFor(sampleWeight, p.shape, this.name);
      const n = this.average === "micro" ? 1 : c;
      const tp = new Float64Array(n);
      const fp = new Float64Array(n);
      const fn = new Float64Array(n);
      const support = new Float64Array(n);
      const thr = this.threshold === null ? null : f(this.threshold);
      for (let r = 0; r < rows; r++) {
        const rowMax = Math.max(...pv.slice(r * c, r * c + c));
        for (let j = 0; j < c; j++) {
          const i = r * c + j;
          const v = pv[i]!;
          const pred = thr === null ? (v >= rowMax && Math.abs(v) > 1e-9 ? 1 : 0) : v > thr ? 1 : 0;
          const z = tv[i]!;
          const wi = w ? w[i]! : 1;
          const k = n === 1 ? 0 : j;
          tp[k]! += pred * z * wi;
          fp[k]! += pred * (1 - z) * wi;
          fn[k]! += (1 - pred) * z * wi;
          support[k]! += z * wi;
        }
      }
      const shape = n === 1 && this.average === "micro" ? [] : [n];
      const bump = (v: Variable, d: Float64Array): void => {
        const old = v.value.dataSync();
        v.assign(
          tensor(
            Array.from(d, (x, i) => Number(old[i]) + x),
            shape,
            this.dtype,
          ),
        );
      };
      bump(counts.tp, tp);
      bump(counts.fp, fp);
      bump(counts.fn, fn);
      bump(counts.support, support);
    });
  }

  result(): Tensor {
    if (!this.counts) {
      return this.average === null ? tensor([], [0], this.dtype) : tensor(0, [], this.dtype);
    }
    const f = this.dtype === "float32" ? Math.fround : (x: number): number => x;
    const tp = Array.from(this.counts.tp.value.dataSync(), Number);
    const fp = Array.from(this.counts.fp.value.dataSync(), Number);
    const fn = Array.from(this.counts.fn.value.dataSync(), Number);
    const support = Array.from(this.counts.support.value.dataSync(), Number);
    const b2 = this.beta * this.beta;
    const scores = tp.map((x, i) => {
      const precision = f(x / (x + fp[i]! + EPSILON));
      const recall = f(x / (x + fn[i]! + EPSILON));
      return f((precision * recall) / (b2 * precision + recall + EPSILON)) * (1 + b2);
    });
    if (this.average === null) return tensor(scores, [scores.length], this.dtype);
    if (this.average === "weighted") {
      const total = support.reduce((a, v) => a + v, 0) + EPSILON;
      return tensor(
        scores.reduce((a, s, i) => a + (s * support[i]!) / total, 0),
        [],
        this.dtype,
      );
    }
    return tensor(scores.reduce((a, s) => a + s, 0) / scores.length, [], this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      average: this.average,
      beta: this.beta,
      threshold: this.threshold,
    };
  }
}

export class F1Score extends FBetaScore {
  /** Set by the constructor for its base (not one of its own options). */
  static readonly extraOptions: readonly string[] = ["beta"];
  constructor(opts: Omit<FBetaScoreOptions, "beta"> = {}) {
    super({ ...opts, beta: 1, name: opts.name ?? "f1_score" });
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.beta;
    return config;
  }
}
