/** Keras's `classWeight`: sample weights read from each batch's labels. */
import { ValueError } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Batch } from "./data-adapter.js";

/**
 * The batch with each sample weighing its class's weight (the class is the label, or the argmax of
 * a one-hot row; 1 for a class not listed). Like Keras, it refuses batches that carry sample
 * weights and models with several outputs.
 */
export function weighByClass(batch: Batch, weights: Readonly<Record<number, number>>): Batch {
  if (batch.sampleWeight) {
    throw new ValueError(
      "fit: you cannot give classWeight and sample weights at the same time; received a dataset batch with sample weights",
    );
  }
  if (batch.y?.length !== 1) {
    throw new ValueError(
      `fit: classWeight is only supported for models with a single output; received ${batch.y?.length ?? 0} targets`,
    );
  }
  return { ...batch, sampleWeight: classWeights(batch.y[0]!, weights) };
}

function classWeights(y: Tensor, weights: Readonly<Record<number, number>>): Tensor {
  const n = y.shape[0] ?? 0;
  const perRow = n === 0 ? 0 : y.size / n;
  const out = new Float32Array(n);
  const labels = y.dataSync();
  for (let i = 0; i < n; i++) {
    let cls = labels[i * perRow]!;
    if (perRow > 1) {
      let best = -Infinity;
      for (let j = 0; j < perRow; j++) {
        const v = labels[i * perRow + j]!;
        if (v > best) [best, cls] = [v, j];
      }
    }
    out[i] = weights[Math.round(cls)] ?? 1;
  }
  return tensor(out);
}
