/**
 * Keras's intersection-over-union metrics: a weighted [numClasses, numClasses] confusion matrix
 * (rows: true class, columns: predicted class) accumulated over everything seen; the result is
 * the mean over `targetClassIds` of TP / (TP + FP + FN), counting only classes that appeared.
 * `IoU` and `MeanIoU` take integer classes (or, with sparseYTrue / sparseYPred false, scores
 * whose argmax over `axis` is the class); `OneHotIoU` / `OneHotMeanIoU` take one-hot labels;
 * `BinaryIoU` thresholds y_pred (≥ threshold is class 1). Entries outside [0, numClasses) and
 * those labelled `ignoreClass` are left out. As in Keras 3.16 the default dtype is "int32", so
 * sample weights count as integers (Keras casts them); dtype "float32" keeps fractional weights.
 */
import type { Variable } from "../../autodiff/variable.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast, greaterEqual } from "../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../ops/movement.js";
import { argmax } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import { type DType, checkDType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON } from "../losses/loss.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

export interface IoUOptions extends Omit<MetricOptions, "dtype"> {
  /**
   * Keras's default is an integer dtype ("int32"): sample weights are then truncated to integers,
   * as Keras casts them (pass "float32" for fractional weights). The result is float32.
   */
  dtype?: DType | "int" | "int64";
  /** The number of classes (the confusion matrix is numClasses × numClasses). */
  numClasses: number;
  /** The classes averaged in the result. */
  targetClassIds: readonly number[];
  /** A label (e.g. a "void" class such as −1 or 255) left out of the matrix. */
  ignoreClass?: number | null;
  /** y_true holds class ids (true, default) or scores to take the argmax of. */
  sparseYTrue?: boolean;
  /** y_pred holds class ids (true, default) or scores to take the argmax of. */
  sparseYPred?: boolean;
  /** The class axis of dense inputs; default −1. */
  axis?: number;
}

function classIds(x: TensorLike, sparse: boolean, axis: number): Float64Array {
  const t = asTensor(x);
  const ids = sparse ? t : argmax(t, axis);
  return Float64Array.from(ids.dataSync(), Number);
}

/** Keras `IoU`: the mean IoU of the classes in `targetClassIds`. */
export class IoU extends Metric {
  readonly numClasses: number;
  readonly targetClassIds: number[];
  readonly ignoreClass: number | null;
  readonly sparseYTrue: boolean;
  readonly sparseYPred: boolean;
  readonly axis: number;
  protected readonly totalCm: Variable;
  /** The dtype Keras's config names ("int32" by default); the state itself is kept in float32. */
  protected readonly kerasDType: DType;

  constructor(opts: IoUOptions) {
    const requested = checkDType(
      opts.dtype === "int" || opts.dtype === undefined ? "int32" : opts.dtype,
      "IoU",
    );
    super({
      ...opts,
      dtype: isFloat(requested) ? requested : "float32",
      name: opts.name ?? "io_u",
    });
    this.kerasDType = requested;
    this.direction = "up";
    const n = opts.numClasses;
    if (!Number.isInteger(n) || n < 1) {
      throw new ValueError(
        `${this.name}: num_classes must be a positive integer; received num_classes=${String(n)}`,
      );
    }
    const ids = [...(opts.targetClassIds ?? [])];
    if (ids.length === 0 || ids.some((i) => !Number.isInteger(i) || i < 0)) {
      throw new ValueError(
        `${this.name}: target_class_ids must be a non-empty list of class ids; received ${JSON.stringify(opts.targetClassIds)}`,
      );
    }
    if (Math.max(...ids) >= n) {
      throw new ValueError(
        `Target class id ${Math.max(...ids)} is out of range, which is [0, ${n}).`,
      );
    }
    this.numClasses = n;
    this.targetClassIds = ids;
    this.ignoreClass = opts.ignoreClass ?? null;
    this.sparseYTrue = opts.sparseYTrue ?? true;
    this.sparseYPred = opts.sparseYPred ?? true;
    this.axis = opts.axis ?? -1;
    this.totalCm = this.addVariable([n, n], "total_confusion_matrix");
  }

  /** Adds one batch of (true class, predicted class, weight) to the confusion matrix. */
  protected accumulate(
    t: Float64Array,
    p: Float64Array,
    sampleWeight: TensorLike | null | undefined,
  ): void {
    if (t.length !== p.length) {
      throw new ShapeError(
        `${this.name}: y_true and y_pred must hold as many entries after flattening; received ${t.length} and ${p.length}`,
      );
    }
    let w: ArrayLike<number> | null = null;
    if (sampleWeight !== null && sampleWeight !== undefined) {
      const sw = cast(asTensor(sampleWeight), "float64");
      const flat = sw.rank > 1 ? reshape(sw, [sw.size]) : sw;
      try {
        w = Array.from(broadcastTo(flat, [t.length]).dataSync(), (v) =>
          // An integer dtype truncates the weights, as Keras's cast does.
          isFloat(this.kerasDType) ? Number(v) : Math.trunc(Number(v)),
        );
      } catch {
        throw new ShapeError(
          `${this.name}: sample_weight of shape ${fmtShape(sw.shape)} does not broadcast to the ${t.length} entries of y_true`,
        );
      }
    }
    const n = this.numClasses;
    const cm = new Float64Array(n * n);
    for (let i = 0; i < t.length; i++) {
      const a = Math.trunc(t[i]!);
      const b = Math.trunc(p[i]!);
      if (!(a >= 0 && a < n && b >= 0 && b < n)) continue;
      if (this.ignoreClass !== null && a === this.ignoreClass) continue;
      cm[a * n + b]! += w ? w[i]! : 1;
    }
    const old = this.totalCm.value.dataSync();
    this.totalCm.assign(
      tensor(
        Array.from(cm, (v, i) => Number(old[i]) + v),
        [n, n],
        this.dtype,
      ),
    );
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() =>
      this.accumulate(
        classIds(yTrue, this.sparseYTrue, this.axis),
        classIds(yPred, this.sparseYPred, this.axis),
        sampleWeight,
      ),
    );
  }

  result(): Tensor {
    const n = this.numClasses;
    const cm = Array.from(this.totalCm.value.dataSync(), Number);
    const f = Math.fround;
    let total = 0;
    let valid = 0;
    for (const c of this.targetClassIds) {
      let row = 0;
      let col = 0;
      for (let k = 0; k < n; k++) {
        row += cm[c * n + k]!;
        col += cm[k * n + c]!;
      }
      const tp = cm[c * n + c]!;
      const denominator = f(row + col - tp);
      if (denominator > 1e-9) {
        valid++;
        total += f(tp / (denominator + EPSILON));
      }
    }
    return tensor(total / (valid + EPSILON), [], isFloat(this.kerasDType) ? this.dtype : "float32");
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      dtype: this.kerasDType,
      num_classes: this.numClasses,
      target_class_ids: this.targetClassIds,
      ignore_class: this.ignoreClass,
      sparse_y_true: this.sparseYTrue,
      sparse_y_pred: this.sparseYPred,
      axis: this.axis,
    };
  }
}

export type MeanIoUOptions = Omit<IoUOptions, "targetClassIds">;

/** Keras `MeanIoU`: the IoU averaged over every class. */
export class MeanIoU extends IoU {
  /** Set by the constructor for its base (not one of its own options). */
  static readonly extraOptions: readonly string[] = ["targetClassIds"];
  constructor(opts: MeanIoUOptions) {
    super({
      ...opts,
      name: opts.name ?? "mean_io_u",
      targetClassIds: Array.from({ length: opts.numClasses }, (_, i) => i),
    });
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.target_class_ids;
    return config;
  }
}

export interface BinaryIoUOptions extends Pick<IoUOptions, "name" | "dtype"> {
  /** [0], [1] or [0, 1] (default). */
  targetClassIds?: readonly number[];
  /** y_pred ≥ threshold is class 1; default 0.5. */
  threshold?: number;
}

/** Keras `BinaryIoU`: IoU of 0/1 labels against thresholded predictions. */
export class BinaryIoU extends IoU {
  /** Set by the constructor for its base (not one of its own options). */
  static readonly extraOptions: readonly string[] = ["numClasses"];
  readonly threshold: number;
  constructor(opts: BinaryIoUOptions = {}) {
    super({
      ...opts,
      name: opts.name ?? "binary_io_u",
      numClasses: 2,
      targetClassIds: opts.targetClassIds ?? [0, 1],
    });
    this.threshold = opts.threshold ?? 0.5;
  }
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: TensorLike | null,
  ): void {
    updating(() => {
      const p = greaterEqual(cast(asTensor(yPred), "float32"), this.threshold);
      this.accumulate(classIds(yTrue, true, -1), classIds(p, true, -1), sampleWeight);
    });
  }
  override getConfig(): Record<string, unknown> {
    return {
      target_class_ids: this.targetClassIds,
      threshold: this.threshold,
      name: this.name,
      dtype: this.kerasDType,
    };
  }
}

export type OneHotIoUOptions = Omit<IoUOptions, "sparseYTrue">;

/** Keras `OneHotIoU`: IoU of one-hot labels (argmax over `axis`) and scores. */
export class OneHotIoU extends IoU {
  /** Set by the constructor for its base (not one of its own options). */
  static readonly extraOptions: readonly string[] = ["sparseYTrue"];
  constructor(opts: OneHotIoUOptions) {
    super({
      ...opts,
      name: opts.name ?? "one_hot_io_u",
      sparseYTrue: false,
      sparseYPred: opts.sparseYPred ?? false,
    });
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.sparse_y_true;
    return config;
  }
}

export type OneHotMeanIoUOptions = Omit<IoUOptions, "sparseYTrue" | "targetClassIds">;

/** Keras `OneHotMeanIoU`: mean IoU over every class of one-hot labels and scores. */
export class OneHotMeanIoU extends MeanIoU {
  /** Set by the constructor for its base (not one of its own options). */
  static override readonly extraOptions: readonly string[] = ["sparseYTrue"];
  constructor(opts: OneHotMeanIoUOptions) {
    super({
      ...opts,
      name: opts.name ?? "one_hot_mean_io_u",
      sparseYTrue: false,
      sparseYPred: opts.sparseYPred ?? false,
    });
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.sparse_y_true;
    return config;
  }
}
