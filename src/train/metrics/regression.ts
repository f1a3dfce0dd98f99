import { ValueError } from "../../errors.js";
import {
  cosineSimilarityValue,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "../losses/regression.js";
import type { MetricOptions } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";

export { RootMeanSquaredError } from "./reduction.js";

/** Running mean of mean((y_true − y_pred)², axis=−1). */
export class MeanSquaredError extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(meanSquaredError, { ...opts, name: opts.name ?? "mean_squared_error" });
    this.direction = "down";
  }
}

/** Running mean of mean(|y_true − y_pred|, axis=−1). */
export class MeanAbsoluteError extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(meanAbsoluteError, { ...opts, name: opts.name ?? "mean_absolute_error" });
    this.direction = "down";
  }
}

/** Running mean of 100 · mean(|(y_true − y_pred) / y_true|, axis=−1). */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(meanAbsolutePercentageError, {
      ...opts,
      name: opts.name ?? "mean_absolute_percentage_error",
    });
    this.direction = "down";
  }
}

/** Running mean of mean((log(1 + y_pred) − log(1 + y_true))², axis=−1). */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(meanSquaredLogarithmicError, {
      ...opts,
      name: opts.name ?? "mean_squared_logarithmic_error",
    });
    this.direction = "down";
  }
}

/** Running mean of the (positive) cosine similarity along `axis`. */
export class CosineSimilarity extends MeanMetricWrapper {
  readonly axis: number;
  constructor(opts: MetricOptions & { axis?: number } = {}) {
    const axis = opts.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `CosineSimilarity: axis must be an integer; received axis=${String(opts.axis)}`,
      );
    }
    super((t, p) => cosineSimilarityValue(t, p, axis), {
      ...opts,
      name: opts.name ?? "cosine_similarity",
    });
    this.axis = axis;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Running mean of mean(log cosh(y_pred − y_true), axis=−1); Keras names it "logcosh". */
export class LogCoshError extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(logCosh, { ...opts, name: opts.name ?? "logcosh" });
    this.direction = "down";
  }
}
