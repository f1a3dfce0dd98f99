/**
 * Keras's `Circle` loss (Sun et al. 2020) for metric learning: integer labels and L2-normalized
 * embeddings; each sample's similarity to same-label references is pushed up and to other-label
 * references pushed down, each weighted by how far it is from its optimum. Samples whose loss is
 * 0 are masked out of the mean, as Keras does.
 */
import { ShapeError, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import {
  add,
  cast,
  equal,
  greater,
  logicalAnd,
  logicalNot,
  maximum,
  multiply,
  softplus,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, transpose } from "../../ops/movement.js";
import { logSumExp } from "../../ops/reduce.js";
import { eye } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Loss, type LossOptions, floatDtype, setLossMask } from "./loss.js";

export interface CircleOptions {
  /** Labels of the reference embeddings; default y_true. */
  refLabels?: TensorLike | null;
  /** L2-normalized reference embeddings [refs, dim]; default y_pred. */
  refEmbeddings?: TensorLike | null;
  /** Leave each sample's similarity to itself out of the positives; default true. */
  removeDiagonal?: boolean;
  /** Scale of the similarity scores; default 80. */
  gamma?: number;
  /** Relaxation margin; default 0.4. */
  margin?: number;
}

/** Keras's build_pos_neg_masks: same-label pairs (diagonal removed if asked) and the rest. */
function pairMasks(query: Tensor, keys: Tensor, removeDiagonal: boolean): [Tensor, Tensor] {
  const q = reshape(query, [-1, 1]);
  const k = reshape(keys, [-1, 1]);
  let positive = equal(q, transpose(k));
  const negative = logicalNot(positive);
  if (removeDiagonal) {
    positive = logicalAnd(positive, logicalNot(cast(eye(q.size, k.size), "bool")));
  }
  return [positive, negative];
}

/** Per-sample circle loss: softplus(logsumexp over positives + logsumexp over negatives). */
export function circle(yTrue: TensorLike, yPred: TensorLike, opts: CircleOptions = {}): Tensor {
  const p0 = asTensor(yPred);
  const p = cast(p0, floatDtype(p0));
  if (p.rank !== 2) {
    throw new ShapeError(
      `circle: y_pred must be embeddings of shape (batch, dim); received y_pred.shape=${fmtShape(p.shape)}`,
    );
  }
  const labels = cast(asTensor(yTrue), "int32");
  const refs = opts.refEmbeddings == null ? p : cast(asTensor(opts.refEmbeddings), p.dtype);
  const refLabels = opts.refLabels == null ? labels : cast(asTensor(opts.refLabels), "int32");
  const gamma = opts.gamma ?? 80;
  const margin = opts.margin ?? 0.4;
  const distances = maximum(subtract(1, matmul(p, transpose(refs))), 0);
  const [posMask, negMask] = pairMasks(labels, refLabels, opts.removeDiagonal ?? true);
  const posWeights = maximum(multiply(add(distances, margin), cast(posMask, p.dtype)), 0);
  const negWeights = maximum(multiply(subtract(1 + margin, distances), cast(negMask, p.dtype)), 0);
  const posScores = multiply(multiply(posWeights, subtract(margin, distances)), -gamma);
  const negScores = multiply(multiply(negWeights, subtract(1 - margin, distances)), gamma);
  const pLoss = logSumExp(where(posMask, posScores, -Infinity), 1);
  const nLoss = logSumExp(where(negMask, negScores, -Infinity), 1);
  const loss = softplus(add(pLoss, nLoss));
  return setLossMask(loss, greater(loss, 0));
}

export class Circle extends Loss {
  readonly gamma: number;
  readonly margin: number;
  readonly removeDiagonal: boolean;
  constructor(opts: LossOptions & Omit<CircleOptions, "refLabels" | "refEmbeddings"> = {}) {
    super({ ...opts, name: opts.name ?? "circle" });
    this.gamma = opts.gamma ?? 80;
    this.margin = opts.margin ?? 0.4;
    this.removeDiagonal = opts.removeDiagonal ?? true;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return circle(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      gamma: this.gamma,
      margin: this.margin,
      remove_diagonal: this.removeDiagonal,
    };
  }
}
