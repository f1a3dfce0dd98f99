/**
 * Keras's correlation metrics: `pearsonCorrelation` and `concordanceCorrelation` compute one
 * coefficient per row along `axis` (they are differentiable compositions of ops);
 * `PearsonCorrelation` and `ConcordanceCorrelation` average them over every sample seen.
 */
import type { TensorLike } from "../../ops/core.js";
import { add, divide, multiply, square, subtract } from "../../ops/elementwise.js";
import { mean, std, variance } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON, squeezeOrExpandToSameRank, toFloatPair } from "../losses/loss.js";
import type { MetricOptions } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";

/** Pearson's r along `axis`: mean of the product of the standardized y_true and y_pred. */
export function pearsonCorrelation(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(...toFloatPair(yTrue, yPred));
  const tc = subtract(t, mean(t, axis, true));
  const pc = subtract(p, mean(p, axis, true));
  const tn = divide(tc, std(tc, axis, true));
  const pn = divide(pc, std(pc, axis, true));
  return mean(multiply(tn, pn), axis);
}

/**
 * Lin's concordance correlation along `axis`, as Keras computes it:
 * mean(2·(y_true − mean(y_pred))·(y_pred − mean(y_pred)) / (var(y_true) + var(y_pred) +
 * (mean(y_true) − mean(y_pred))² + ε)).
 */
export function concordanceCorrelation(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(...toFloatPair(yTrue, yPred));
  const tMean = mean(t, axis, true);
  const pMean = mean(p, axis, true);
  const tVar = variance(subtract(t, tMean), axis, true);
  const pVar = variance(subtract(p, pMean), axis, true);
  const covar = multiply(subtract(t, pMean), subtract(p, pMean));
  const norm = add(add(tVar, pVar), square(subtract(tMean, pMean)));
  return mean(divide(multiply(covar, 2), add(norm, EPSILON)), axis);
}

export interface CorrelationOptions extends MetricOptions {
  /** The axis each coefficient is computed along; default −1. */
  axis?: number;
}

export class PearsonCorrelation extends MeanMetricWrapper {
  readonly axis: number;
  constructor(opts: CorrelationOptions = {}) {
    const axis = opts.axis ?? -1;
    super((t, p) => pearsonCorrelation(t, p, axis), {
      ...opts,
      name: opts.name ?? "pearson_correlation",
    });
    this.axis = axis;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, axis: this.axis };
  }
}

export class ConcordanceCorrelation extends MeanMetricWrapper {
  readonly axis: number;
  constructor(opts: CorrelationOptions = {}) {
    const axis = opts.axis ?? -1;
    super((t, p) => concordanceCorrelation(t, p, axis), {
      ...opts,
      name: opts.name ?? "concordance_correlation",
    });
    this.axis = axis;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, axis: this.axis };
  }
}
