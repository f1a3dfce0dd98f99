/**
 * Keras's overlap losses for segmentation: `Dice` (1 − 2·Σ yp / (Σ y + Σ p + ε)) and `Tversky`
 * (1 − TP / (TP + α·FP + β·FN + ε), soft counts). `axis` chooses the reduced axes: null reduces
 * everything to one scalar, a list such as [1, 2, 3] gives one loss per sample.
 */
import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { add, divide, multiply, subtract } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON, Loss, type LossOptions, toFloatPair } from "./loss.js";

/** Keras's `axis` for these losses: null, an axis or a list of axes. */
export type OverlapAxis = number | number[] | null;

function checkOverlapAxis(where: string, axis: unknown): OverlapAxis {
  const ok = (a: unknown): boolean => typeof a === "number" && Number.isInteger(a);
  if (axis === null || ok(axis) || (Array.isArray(axis) && axis.every(ok))) {
    return axis as OverlapAxis;
  }
  throw new ValueError(
    `${where}: axis must be null, an integer or a list of integers; received axis=${JSON.stringify(axis)}`,
  );
}

/** 1 − 2·Σ(y·p) / (Σ y + Σ p + ε), the sums over `axis` (all axes when null). */
export function dice(yTrue: TensorLike, yPred: TensorLike, axis: OverlapAxis = null): Tensor {
  const ax = checkOverlapAxis("dice", axis);
  const [t, p] = toFloatPair(yTrue, yPred);
  const intersection = sum(multiply(t, p), ax);
  const denominator = add(add(sum(t, ax), sum(p, ax)), EPSILON);
  return subtract(1, divide(multiply(intersection, 2), denominator));
}

export interface TverskyOptions {
  /** Weight of the false positives; default 0.5. */
  alpha?: number;
  /** Weight of the false negatives; default 0.5. */
  beta?: number;
  axis?: OverlapAxis;
}

/** 1 − TP / (TP + α·FP + β·FN + ε) with TP = Σ p·y, FP = Σ p·(1 − y), FN = Σ (1 − p)·y. */
export function tversky(yTrue: TensorLike, yPred: TensorLike, opts: TverskyOptions = {}): Tensor {
  const ax = checkOverlapAxis("tversky", opts.axis ?? null);
  const alpha = opts.alpha ?? 0.5;
  const beta = opts.beta ?? 0.5;
  const [t, p] = toFloatPair(yTrue, yPred);
  const tp = sum(multiply(p, t), ax);
  const fp = sum(multiply(subtract(1, t), p), ax);
  const fn = sum(multiply(t, subtract(1, p)), ax);
  const denominator = add(add(add(tp, multiply(fp, alpha)), multiply(fn, beta)), EPSILON);
  return subtract(1, divide(tp, denominator));
}

export class Dice extends Loss {
  readonly axis: OverlapAxis;
  constructor(opts: LossOptions & { axis?: OverlapAxis } = {}) {
    super({ ...opts, name: opts.name ?? "dice" });
    this.axis = checkOverlapAxis("Dice", opts.axis ?? null);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return dice(yTrue, yPred, this.axis);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export class Tversky extends Loss {
  readonly alpha: number;
  readonly beta: number;
  readonly axis: OverlapAxis;
  constructor(opts: LossOptions & TverskyOptions = {}) {
    super({ ...opts, name: opts.name ?? "tversky" });
    this.alpha = opts.alpha ?? 0.5;
    this.beta = opts.beta ?? 0.5;
    this.axis = checkOverlapAxis("Tversky", opts.axis ?? null);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return tversky(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha, beta: this.beta, axis: this.axis };
  }
}
