/**
 * Keras's `CTC` loss: integer label sequences y_true [batch, maxLength] (0 is the blank and pads
 * the end) against per-frame logits y_pred [batch, frames, classes]; every frame counts and a
 * label sequence's length is its number of non-zero entries. The math is `ops.ctcLoss`.
 */
import { ShapeError, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { ctcLoss } from "../../ops/ctc.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Loss, type LossOptions } from "./loss.js";

/** The CTC loss per sample, with the blank (mask index) 0. */
export function ctc(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const t = asTensor(yTrue);
  const p = asTensor(yPred);
  if (t.rank !== 2) {
    throw new ShapeError(
      `ctc: targets y_true are expected to be a tensor of shape (batch_size, max_length) in ` +
        `integer format; received y_true.shape=${fmtShape(t.shape)}`,
    );
  }
  if (p.rank !== 3) {
    throw new ShapeError(
      `ctc: logits y_pred are expected to be a tensor of shape (batch_size, max_length, ` +
        `num_classes); received y_pred.shape=${fmtShape(p.shape)}`,
    );
  }
  const [batch, frames] = p.shape as [number, number];
  const labels = t.dataSync();
  const width = t.shape[1]!;
  const labelLength = Array.from({ length: t.shape[0]! }, (_, b) => {
    let n = 0;
    for (let i = 0; i < width; i++) if (Number(labels[b * width + i]) !== 0) n++;
    return n;
  });
  return ctcLoss(t, p, labelLength, new Array<number>(batch).fill(frames), 0);
}

export class CTC extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "ctc" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return ctc(yTrue, yPred);
  }
}
