import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { uniqueName } from "../../layers/layer.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { sigmoid } from "../../ops/elementwise.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON } from "../losses/loss.js";
import { isEvenlyDistributed, updateConfusionMatrix } from "./confusion.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

export type AUCCurve = "ROC" | "PR";
export type AUCSummationMethod = "interpolation" | "minoring" | "majoring";

export interface AUCOptions extends MetricOptions {
  /** Number of thresholds discretizing the curve (> 1); default 200. */
  numThresholds?: number;
  /** "ROC" (default) or "PR" (precision–recall); Keras also accepts lowercase. */
  curve?: AUCCurve | "roc" | "pr";
  summationMethod?: AUCSummationMethod | "Interpolation" | "Minoring" | "Majoring";
  /** Explicit thresholds in [0, 1] (numThresholds is then ignored); ±ε ends are added. */
  thresholds?: number[] | null;
  /** Compute one AUC per label (last axis of [batch, labels] data) and average them. */
  multiLabel?: boolean;
  numLabels?: number | null;
  /** Non-negative weights of the labels (the average with multiLabel, the counts otherwise). */
  labelWeights?: number[] | null;
  /** y_pred holds logits: a sigmoid is applied first. */
  fromLogits?: boolean;
}

function parseCurve(curve: string): AUCCurve {
  if (curve === "ROC" || curve === "roc") return "ROC";
  if (curve === "PR" || curve === "pr") return "PR";
  throw new ValueError(`AUC: invalid curve value ${JSON.stringify(curve)}; expected "PR" or "ROC"`);
}

function parseSummation(method: string): AUCSummationMethod {
  const lower = method.toLowerCase();
  if (method === lower || method === lower[0]!.toUpperCase() + lower.slice(1)) {
    if (lower === "interpolation" || lower === "minoring" || lower === "majoring") return lower;
  }
  throw new ValueError(
    `AUC: invalid summation_method value ${JSON.stringify(method)}; expected "interpolation", "majoring" or "minoring"`,
  );
}

/**
 * Keras's `AUC`: the area under the ROC (or PR) curve, approximated from confusion counts at
 * `numThresholds` thresholds: 0 − ε, (i+1)/(n−1) for i < n − 2, and 1 + ε. ROC/interpolation
 * sums trapezoids Σ (fpr_i − fpr_{i+1}) · (tpr_i + tpr_{i+1}) / 2; PR/interpolation integrates
 * precision with TP and predicted positives varying linearly between thresholds (Davis & Goadrich).
 */
export class AUC extends Metric {
  readonly numThresholds: number;
  readonly curve: AUCCurve;
  readonly summationMethod: AUCSummationMethod;
  readonly multiLabel: boolean;
  readonly numLabels: number | null;
  readonly labelWeights: number[] | null;
  readonly fromLogits: boolean;
  private readonly thresholdList: number[];
  private readonly initFromThresholds: boolean;
  private readonly evenly: boolean;
  private state: { tp: Variable; fp: Variable; tn: Variable; fn: Variable; labels: number } | null =
    null;

  constructor(opts: AUCOptions = {}) {
    super({ ...opts, name: opts.name ?? uniqueName("auc") });
    this.direction = "up";
    let inner: number[];
    this.initFromThresholds = opts.thresholds !== null && opts.thresholds !== undefined;
    if (this.initFromThresholds) {
      const given = opts.thresholds!;
      if (
        !Array.isArray(given) ||
        given.some((t) => typeof t !== "number" || !(t >= 0 && t <= 1))
      ) {
        throw new ValueError(
          `AUC: thresholds must be numbers in [0, 1]; received thresholds=${JSON.stringify(given)}`,
        );
      }
      inner = [...given].sort((a, b) => a - b);
      this.numThresholds = inner.length + 2;
      this.evenly = isEvenlyDistributed([0, ...inner, 1]);
    } else {
      const n = opts.numThresholds ?? 200;
      if (!Number.isInteger(n) || n <= 1) {
        throw new ValueError(
          `AUC: num_thresholds must be an integer > 1; received num_thresholds=${String(n)}`,
        );
      }
      this.numThresholds = n;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      this.evenly = true;
    }
    // End points just outside [0, 1], so predictions of exactly 0 or 1 are counted.
    this.thresholdList = [0 - EPSILON, ...inner, 1 + EPSILON];
    this.curve = parseCurve(opts.curve ?? "ROC");
    this.summationMethod = parseSummation(opts.summationMethod ?? "interpolation");
    this.multiLabel = opts.multiLabel ?? false;
    this.numLabels = opts.numLabels ?? null;
    this.labelWeights = opts.labelWeights ? [...opts.labelWeights] : null;
    if (this.labelWeights?.some((w) => !(w >= 0))) {
      throw new ValueError(
        `AUC: label_weights must be non-negative; received ${JSON.stringify(opts.labelWeights)}`,
      );
    }
    this.fromLogits = opts.fromLogits ?? false;
    if (this.multiLabel) {
      if (this.numLabels) this.build(this.numLabels);
    } else {
      if (this.numLabels) {
        throw new ValueError("AUC: num_labels is needed only when multi_label is true");
      }
      this.build(1);
    }
  }

  /** The thresholds, end points included. */
  get thresholds(): number[] {
    return [...this.thresholdList];
  }

  private build(labels: number): void {
    const shape = this.multiLabel ? [this.numThresholds, labels] : [this.numThresholds];
    this.state = {
      tp: this.addVariable(shape, "true_positives"),
      fp: this.addVariable(shape, "false_positives"),
      tn: this.addVariable(shape, "true_negatives"),
      fn: this.addVariable(shape, "false_negatives"),
      labels,
    };
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() => {
      let p = asTensor(yPred);
      if (!this.state) {
        if (p.rank !== 2) {
          throw new ValueError(
            `${this.name}: y_pred must have rank 2 when multi_label is true; received y_pred.shape=[${p.shape.join(",")}]`,
          );
        }
        this.build(p.shape[1]!);
      }
      if (this.fromLogits) p = sigmoid(p);
      const { tp, fp, tn, fn } = this.state!;
      updateConfusionMatrix({ tp, fp, tn, fn }, yTrue, p, {
        thresholds: this.thresholdList,
        evenly: this.evenly,
        sampleWeight:
          sampleWeight === null || sampleWeight === undefined ? null : asTensor(sampleWeight),
        multiLabel: this.multiLabel,
        labelWeights: this.multiLabel ? null : this.labelWeights,
        dtype: this.dtype,
        where: this.name,
      });
    });
  }

  override resetState(): void {
    if (this.state) super.resetState();
  }

  result(): Tensor {
    if (!this.state) return tensor(0, [], this.dtype);
    const L = this.state.labels;
    const T = this.numThresholds;
    const tp = this.state.tp.value.dataSync();
    const fp = this.state.fp.value.dataSync();
    const tn = this.state.tn.value.dataSync();
    const fn = this.state.fn.value.dataSync();
    const at = (a: ArrayLike<number>, i: number, l: number): number => a[i * L + l]!;
    const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
    const perLabel: number[] = [];
    for (let l = 0; l < L; l++) {
      let area = 0;
      for (let i = 0; i < T - 1; i++) {
        if (this.curve === "PR" && this.summationMethod === "interpolation") {
          // Within [A, B] precision = (TP_A + slope·(P − P_A)) / P with slope = dTP/dP; its
          // integral over P, scaled by slope / total positives, is
          // slope · (dTP + intercept · log(P_A / P_B)) / (TP_B + FN_B).
          const pA = at(tp, i, l) + at(fp, i, l);
          const pB = at(tp, i + 1, l) + at(fp, i + 1, l);
          const dtp = at(tp, i, l) - at(tp, i + 1, l);
          const slope = ratio(dtp, Math.max(pA - pB, 0));
          const intercept = at(tp, i + 1, l) - slope * pB;
          const safeRatio = pA > 0 && pB > 0 ? ratio(pA, Math.max(pB, 0)) : 1;
          area += ratio(
            slope * (dtp + intercept * Math.log(safeRatio)),
            Math.max(at(tp, i + 1, l) + at(fn, i + 1, l), 0),
          );
          continue;
        }
        const recall = (k: number): number => ratio(at(tp, k, l), at(tp, k, l) + at(fn, k, l));
        const x =
          this.curve === "ROC"
            ? (k: number): number => ratio(at(fp, k, l), at(fp, k, l) + at(tn, k, l))
            : recall;
        const y =
          this.curve === "ROC"
            ? recall
            : (k: number): number => ratio(at(tp, k, l), at(tp, k, l) + at(fp, k, l));
        const [y0, y1] = [y(i), y(i + 1)];
        const height =
          this.summationMethod === "interpolation"
            ? (y0 + y1) / 2
            : this.summationMethod === "minoring"
              ? Math.min(y0, y1)
              : Math.max(y0, y1);
        area += (x(i) - x(i + 1)) * height;
      }
      perLabel.push(area);
    }
    let value: number;
    if (!this.multiLabel) value = perLabel[0]!;
    else if (!this.labelWeights) value = perLabel.reduce((s, v) => s + v, 0) / L;
    else {
      const w = this.labelWeights;
      value = ratio(
        perLabel.reduce((s, v, l) => s + v * (w[l] ?? 0), 0),
        w.reduce((s, v) => s + v, 0),
      );
    }
    return tensor(value, [], this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      num_thresholds: this.numThresholds,
      curve: this.curve,
      summation_method: this.summationMethod,
      multi_label: this.multiLabel,
      num_labels: this.numLabels,
      label_weights: this.labelWeights,
      from_logits: this.fromLogits,
    };
    if (this.initFromThresholds) config.thresholds = this.thresholdList.slice(1, -1);
    return config;
  }
}
