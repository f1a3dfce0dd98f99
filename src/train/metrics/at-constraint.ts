/**
 * Keras's constrained confusion metrics (`SensitivitySpecificityBase`): with `numThresholds`
 * evenly spaced thresholds in [0, 1] (0.5 alone when 1), the best value of one rate among the
 * thresholds where another rate reaches the target: `SensitivityAtSpecificity`,
 * `SpecificityAtSensitivity`, `PrecisionAtRecall`, `RecallAtPrecision`. `classId` picks one
 * column of a [batch, classes] input.
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { asTensor } from "../../ops/core.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { divideNoNan, updateConfusionMatrix } from "./confusion.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

export interface AtConstraintOptions extends MetricOptions {
  /** How many thresholds to try; default 200. */
  numThresholds?: number;
  /** Only this class (last axis of y_pred) counts. */
  classId?: number | null;
}

/**
 * Keras's positional target (`PrecisionAtRecall(0.5, num_thresholds=…)`) or the object form a
 * config gives (`{recall: 0.5, numThresholds}`), as one options object.
 */
function withTarget<K extends string>(
  key: K,
  first: number | (AtConstraintOptions & Record<K, number>),
  opts: AtConstraintOptions,
): AtConstraintOptions & Record<K, number> {
  if (typeof first === "object" && first !== null) return first;
  if (key in opts) {
    throw new ValueError(
      `${key} given twice: positionally (${String(first)}) and as an option (${String((opts as Record<string, unknown>)[key])})`,
    );
  }
  return { ...opts, [key]: first } as AtConstraintOptions & Record<K, number>;
}

type Rates = { tp: number[]; fp: number[]; tn: number[]; fn: number[] };

abstract class SensitivitySpecificityBase extends Metric {
  readonly numThresholds: number;
  readonly classId: number | null;
  readonly thresholds: number[];
  private readonly evenly: boolean;
  private readonly tp: Variable;
  private readonly fp: Variable;
  private readonly tn: Variable;
  private readonly fn: Variable;

  constructor(
    protected readonly value: number,
    valueName: string,
    defaultName: string,
    opts: AtConstraintOptions,
  ) {
    super({ ...opts, name: opts.name ?? defaultName });
    this.direction = "up";
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new ValueError(
        `${this.name}: argument ${valueName} must be in the range [0, 1]; received ${valueName}=${String(value)}`,
      );
    }
    const n = opts.numThresholds ?? 200;
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValueError(
        `${this.name}: argument num_thresholds must be an integer > 0; received num_thresholds=${String(n)}`,
      );
    }
    this.numThresholds = n;
    this.classId = opts.classId ?? null;
    if (n === 1) {
      this.thresholds = [0.5];
      this.evenly = false;
    } else {
      this.thresholds = [0, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1];
      this.evenly = true;
    }
    const T = this.thresholds.length;
    this.tp = this.addVariable([T], "true_positives");
    this.fp = this.addVariable([T], "false_positives");
    this.tn = this.addVariable([T], "true_negatives");
    this.fn = this.addVariable([T], "false_negatives");
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() =>
      updateConfusionMatrix({ tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn }, yTrue, yPred, {
        thresholds: this.thresholds,
        evenly: this.evenly,
        classId: this.classId,
        sampleWeight:
          sampleWeight === null || sampleWeight === undefined ? null : asTensor(sampleWeight),
        dtype: this.dtype,
        where: this.name,
      }),
    );
  }

  protected rates(): Rates {
    const read = (v: Variable): number[] => Array.from(v.value.dataSync(), Number);
    return { tp: read(this.tp), fp: read(this.fp), tn: read(this.tn), fn: read(this.fn) };
  }

  /** max over thresholds of `dependent` where `constrained` ≥ the target (0 when none is). */
  protected maxUnderConstraint(constrained: number[], dependent: number[]): Tensor {
    const f = this.dtype === "float32" ? Math.fround : (x: number): number => x;
    const target = f(this.value);
    let best = 0;
    constrained.forEach((c, i) => {
      if (f(c) >= target) best = Math.max(best, f(dependent[i]!));
    });
    return tensor(best, [], this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), class_id: this.classId };
  }
}

const sum = (a: number[], b: number[]): number[] => a.map((x, i) => x + b[i]!);

/** The best sensitivity (recall) among thresholds whose specificity is ≥ `specificity`. */
export class SensitivityAtSpecificity extends SensitivitySpecificityBase {
  readonly specificity: number;
  /** Keras's `SensitivityAtSpecificity(specificity, {numThresholds, classId, name})`, or all as one object. */
  constructor(specificity: number, opts?: AtConstraintOptions);
  constructor(opts: AtConstraintOptions & { specificity: number });
  constructor(
    first: number | (AtConstraintOptions & { specificity: number }),
    more: AtConstraintOptions = {},
  ) {
    const opts = withTarget("specificity", first, more);
    super(opts.specificity, "specificity", "sensitivity_at_specificity", opts);
    this.specificity = opts.specificity;
  }
  result(): Tensor {
    const r = this.rates();
    return this.maxUnderConstraint(
      divideNoNan(r.tn, sum(r.tn, r.fp)),
      divideNoNan(r.tp, sum(r.tp, r.fn)),
    );
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_thresholds: this.numThresholds,
      specificity: this.specificity,
    };
  }
}

/** The best specificity among thresholds whose sensitivity is ≥ `sensitivity`. */
export class SpecificityAtSensitivity extends SensitivitySpecificityBase {
  readonly sensitivity: number;
  /** Keras's `SpecificityAtSensitivity(sensitivity, {numThresholds, classId, name})`, or all as one object. */
  constructor(sensitivity: number, opts?: AtConstraintOptions);
  constructor(opts: AtConstraintOptions & { sensitivity: number });
  constructor(
    first: number | (AtConstraintOptions & { sensitivity: number }),
    more: AtConstraintOptions = {},
  ) {
    const opts = withTarget("sensitivity", first, more);
    super(opts.sensitivity, "sensitivity", "specificity_at_sensitivity", opts);
    this.sensitivity = opts.sensitivity;
  }
  result(): Tensor {
    const r = this.rates();
    return this.maxUnderConstraint(
      divideNoNan(r.tp, sum(r.tp, r.fn)),
      divideNoNan(r.tn, sum(r.tn, r.fp)),
    );
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_thresholds: this.numThresholds,
      sensitivity: this.sensitivity,
    };
  }
}

/** The best precision among thresholds whose recall is ≥ `recall`. */
export class PrecisionAtRecall extends SensitivitySpecificityBase {
  readonly recall: number;
  /** Keras's `PrecisionAtRecall(recall, {numThresholds, classId, name})`, or all as one object. */
  constructor(recall: number, opts?: AtConstraintOptions);
  constructor(opts: AtConstraintOptions & { recall: number });
  constructor(
    first: number | (AtConstraintOptions & { recall: number }),
    more: AtConstraintOptions = {},
  ) {
    const opts = withTarget("recall", first, more);
    super(opts.recall, "recall", "precision_at_recall", opts);
    this.recall = opts.recall;
  }
  result(): Tensor {
    const r = this.rates();
    return this.maxUnderConstraint(
      divideNoNan(r.tp, sum(r.tp, r.fn)),
      divideNoNan(r.tp, sum(r.tp, r.fp)),
    );
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_thresholds: this.numThresholds, recall: this.recall };
  }
}

/** The best recall among thresholds whose precision is ≥ `precision`. */
export class RecallAtPrecision extends SensitivitySpecificityBase {
  readonly precision: number;
  /** Keras's `RecallAtPrecision(precision, {numThresholds, classId, name})`, or all as one object. */
  constructor(precision: number, opts?: AtConstraintOptions);
  constructor(opts: AtConstraintOptions & { precision: number });
  constructor(
    first: number | (AtConstraintOptions & { precision: number }),
    more: AtConstraintOptions = {},
  ) {
    const opts = withTarget("precision", first, more);
    super(opts.precision, "precision", "recall_at_precision", opts);
    this.precision = opts.precision;
  }
  result(): Tensor {
    const r = this.rates();
    return this.maxUnderConstraint(
      divideNoNan(r.tp, sum(r.tp, r.fp)),
      divideNoNan(r.tp, sum(r.tp, r.fn)),
    );
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_thresholds: this.numThresholds, precision: this.precision };
  }
}
