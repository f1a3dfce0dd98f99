/** `metrics.*`: Keras's stateful metrics, the accuracy functions and `getMetric`. */
import { resolveCustomObject, type CustomObjects } from "../../nn/object-registration.js";
import { ValueError } from "../../errors.js";
import { type KerasObject, isKerasObject, toSnakeCase } from "../../nn/serialization.js";
import { getLoss } from "../losses/index.js";
import { Loss, type ShapeSource, crossentropyKind, toFloatPair } from "../losses/loss.js";
import * as losses from "../losses/probabilistic.js";
import {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from "./accuracy.js";
import {
  PrecisionAtRecall,
  RecallAtPrecision,
  SensitivityAtSpecificity,
  SpecificityAtSensitivity,
} from "./at-constraint.js";
import { AUC } from "./auc.js";
import {
  FalseNegatives,
  FalsePositives,
  Precision,
  Recall,
  TrueNegatives,
  TruePositives,
} from "./confusion.js";
import { ConcordanceCorrelation, PearsonCorrelation } from "./correlation.js";
import { F1Score, FBetaScore } from "./f-score.js";
import { BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU } from "./iou.js";
import { Metric, checkOptionsOfMetrics, withoutMetricOptionCheck } from "./metric.js";
import { R2Score } from "./r2.js";
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CategoricalHinge,
  Hinge,
  KLDivergence,
  Poisson,
  SparseCategoricalCrossentropy,
  SquaredHinge,
} from "./probabilistic.js";
import { Mean, MeanMetricWrapper, type MetricFn, RootMeanSquaredError, Sum } from "./reduction.js";
import {
  CosineSimilarity,
  LogCoshError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
} from "./regression.js";

export { Metric, type MetricOptions, type Direction } from "./metric.js";
export { Mean, Sum, MeanMetricWrapper, RootMeanSquaredError, type MetricFn } from "./reduction.js";
export {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
} from "./accuracy.js";
export {
  Precision,
  Recall,
  TruePositives,
  FalsePositives,
  TrueNegatives,
  FalseNegatives,
  type ThresholdOptions,
  type PrecisionRecallOptions,
} from "./confusion.js";
export { AUC, type AUCOptions, type AUCCurve, type AUCSummationMethod } from "./auc.js";
export {
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  LogCoshError,
} from "./regression.js";
export {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  KLDivergence,
  Poisson,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
} from "./probabilistic.js";

export { FBetaScore, F1Score, type FBetaScoreOptions, type FScoreAverage } from "./f-score.js";
export { R2Score, type R2ScoreOptions, type R2Aggregation } from "./r2.js";
export {
  IoU,
  MeanIoU,
  BinaryIoU,
  OneHotIoU,
  OneHotMeanIoU,
  type IoUOptions,
  type MeanIoUOptions,
  type BinaryIoUOptions,
  type OneHotIoUOptions,
  type OneHotMeanIoUOptions,
} from "./iou.js";
export {
  PearsonCorrelation,
  ConcordanceCorrelation,
  pearsonCorrelation,
  concordanceCorrelation,
  type CorrelationOptions,
} from "./correlation.js";
export {
  SensitivityAtSpecificity,
  SpecificityAtSensitivity,
  PrecisionAtRecall,
  RecallAtPrecision,
  type AtConstraintOptions,
} from "./at-constraint.js";

// Keras's metric functions (`keras.metrics.mean_squared_error` …) are its loss functions.
export {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  klDivergence,
  poisson,
} from "../losses/probabilistic.js";
export { categoricalFocalCrossentropy } from "../losses/categorical-variants.js";
export { hinge, squaredHinge, categoricalHinge } from "../losses/hinge.js";
export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  huber,
  logCosh,
} from "../losses/regression.js";

type MetricClass = (new (opts: never) => Metric) & {
  fromConfig(config: Record<string, unknown>): Metric;
};

/** Keras `metrics.ALL_OBJECTS` by class name (IoU and the *At* metrics need constructor arguments). */
const CLASSES: Record<string, MetricClass> = {
  Mean,
  Sum,
  MeanSquaredError,
  RootMeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  LogCoshError,
  AUC,
  FalseNegatives,
  FalsePositives,
  Precision,
  Recall,
  TrueNegatives,
  TruePositives,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  KLDivergence,
  Poisson,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  FBetaScore,
  F1Score,
  R2Score,
  IoU,
  MeanIoU,
  BinaryIoU,
  OneHotIoU,
  OneHotMeanIoU,
  PearsonCorrelation,
  ConcordanceCorrelation,
  SensitivityAtSpecificity,
  SpecificityAtSensitivity,
  PrecisionAtRecall,
  RecallAtPrecision,
};

checkOptionsOfMetrics(Object.values(CLASSES));

/** Keras's metric strings: each class's snake_case name plus the short aliases. */
const STRINGS: Record<string, MetricClass> = {
  ...Object.fromEntries(Object.entries(CLASSES).map(([k, v]) => [toSnakeCase(k), v])),
  bce: BinaryCrossentropy,
  BCE: BinaryCrossentropy,
  mse: MeanSquaredError,
  MSE: MeanSquaredError,
  mae: MeanAbsoluteError,
  MAE: MeanAbsoluteError,
  mape: MeanAbsolutePercentageError,
  MAPE: MeanAbsolutePercentageError,
  msle: MeanSquaredLogarithmicError,
  MSLE: MeanSquaredLogarithmicError,
};

/** The strings `getMetric` accepts (class names aside). */
export const metricNames: readonly string[] = [
  "accuracy",
  "acc",
  "crossentropy",
  "ce",
  ...Object.keys(STRINGS),
];

type Kind = ReturnType<typeof crossentropyKind>;

const ACCURACY: Record<Kind, MetricClass> = {
  binary: BinaryAccuracy,
  sparse_categorical: SparseCategoricalAccuracy,
  categorical: CategoricalAccuracy,
};

const CROSSENTROPY: Record<Kind, MetricClass> = {
  binary: BinaryCrossentropy,
  sparse_categorical: SparseCategoricalCrossentropy,
  categorical: CategoricalCrossentropy,
};

export interface GetMetricOptions {
  /** y_true and y_pred (or their shapes), from which "accuracy" and "crossentropy" are resolved. */
  yTrue?: ShapeSource;
  yPred?: ShapeSource;
  /** The output's loss: the fallback for "accuracy" when no shapes are known. */
  loss?: unknown;
}

function kindFromLoss(loss: unknown): Kind | null {
  let l: Loss | null = null;
  try {
    l = getLoss(loss);
  } catch {
    return null;
  }
  if (l instanceof losses.BinaryCrossentropy || l instanceof losses.BinaryFocalCrossentropy)
    return "binary";
  if (l instanceof losses.SparseCategoricalCrossentropy) return "sparse_categorical";
  if (l instanceof losses.CategoricalCrossentropy) return "categorical";
  return null;
}

function resolveKind(identifier: string, opts: GetMetricOptions): Kind {
  if (opts.yTrue && opts.yPred) return crossentropyKind(opts.yTrue, opts.yPred);
  const fromLoss = opts.loss === undefined ? null : kindFromLoss(opts.loss);
  if (fromLoss) return fromLoss;
  throw new ValueError(
    `getMetric: "${identifier}" is resolved from the shapes of y_true and y_pred (or from a ` +
      `crossentropy loss); pass { yTrue, yPred }`,
  );
}

/**
 * Keras's `compile_utils.get_metric`: a Keras string ("mae", "auc", a class name), a `Metric`, a
 * `Loss` or a `(yTrue, yPred) => values` function (both wrapped in a `MeanMetricWrapper`), or a
 * serialized config. "accuracy"/"acc" (and "crossentropy"/"ce") become the binary, sparse
 * categorical or categorical variant from the shapes of y_true and y_pred — binary when y_pred's
 * last axis is 1, sparse when y_true has a lower rank or a last axis of 1 — and keep the name given.
 * A metric made from a string is named by that string, as in Keras's logs ("mae", "acc").
 */
export function getMetric(identifier: null | undefined, opts?: GetMetricOptions): null;
export function getMetric(
  identifier: string | Metric | Loss | MetricFn | KerasObject,
  opts?: GetMetricOptions,
): Metric;
export function getMetric(identifier: unknown, opts?: GetMetricOptions): Metric | null;
export function getMetric(identifier: unknown, opts: GetMetricOptions = {}): Metric | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Metric) return identifier;
  const custom = resolveCustomObject(identifier);
  if (custom !== undefined) return asMetric(custom, identifier, opts);
  if (typeof identifier === "string") {
    const lower = identifier.toLowerCase();
    if (lower === "accuracy" || lower === "acc") {
      return new ACCURACY[resolveKind(identifier, opts)]({ name: identifier } as never);
    }
    if (lower === "crossentropy" || lower === "ce") {
      return new CROSSENTROPY[resolveKind(identifier, opts)]({ name: identifier } as never);
    }
    const cls =
      (Object.hasOwn(STRINGS, identifier) ? STRINGS[identifier] : undefined) ??
      (Object.hasOwn(CLASSES, identifier) ? CLASSES[identifier] : undefined);
    if (cls) return new cls({ name: identifier } as never);
    throw new ValueError(
      `getMetric: unknown metric ${JSON.stringify(identifier)}; expected one of ${metricNames.join(", ")} ` +
        `(or a Metric class name)`,
    );
  }
  if (identifier instanceof Loss) {
    const loss = identifier;
    const m = new MeanMetricWrapper((t, p) => loss.call(...toFloatPair(t, p, loss.dtype)), {
      name: loss.name,
    });
    m.direction = "down";
    return m;
  }
  if (typeof identifier === "function") return new MeanMetricWrapper(identifier as MetricFn);
  if (isKerasObject(identifier)) return deserialize(identifier);
  throw new ValueError(
    `getMetric: expected a metric (string, Metric, Loss, function or config); received ${String(identifier)}`,
  );
}

/** Keras `metrics.get`. */
export const get = getMetric;

/** Keras `metrics.serialize`. */
export function serialize(metric: Metric): KerasObject {
  return metric.serialize();
}

/** A registered custom metric: a `Metric` as it is; a function or a `Loss` as `getMetric` wraps one. */
function asMetric(custom: unknown, identifier: unknown, opts: GetMetricOptions): Metric {
  if (custom instanceof Metric) return custom;
  if (typeof custom === "function" || custom instanceof Loss) return getMetric(custom, opts)!;
  throw new ValueError(
    `getMetric: the custom object for ${JSON.stringify(identifier)} is not a metric; received ${String(custom)}`,
  );
}

/**
 * Keras `metrics.deserialize`: a serialized metric back to a `Metric`. Registered custom
 * objects, `customObjects` and an active `CustomObjectScope` come first.
 */
export function deserialize(config: KerasObject, customObjects: CustomObjects = {}): Metric {
  const custom = resolveCustomObject(config, customObjects);
  if (custom !== undefined) return asMetric(custom, config, {});
  // Keras writes a metric given as a function as {class_name: "function", config: "<its name>"}.
  if (config.class_name === "function" && typeof config.config === "string") {
    return getMetric(config.config)!;
  }
  // Keras 3 looks the class up in ALL_OBJECTS_DICT, which holds the snake_case names and the
  // short aliases too ({class_name: "mean_absolute_error"} and {class_name: "mae"} both work).
  const name = config.class_name;
  const cls =
    (Object.hasOwn(CLASSES, name) ? CLASSES[name] : undefined) ??
    (Object.hasOwn(STRINGS, name) ? STRINGS[name] : undefined);
  if (!cls) {
    throw new ValueError(
      `deserialize: unknown metric class ${JSON.stringify(config.class_name)}; expected one of ` +
        Object.keys(CLASSES).join(", "),
    );
  }
  return withoutMetricOptionCheck(() => cls.fromConfig(config.config ?? {}));
}
