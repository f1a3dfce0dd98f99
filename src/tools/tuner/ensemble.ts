/**
 * Ensembles (Deep Learning with Python, ch. 13): the weighted average of several models'
 * predictions, e.g. of the best models a search found:
 *
 *   const preds = await st.tuner.averagePredictions(await tuner.getBestModels(3), xTest);
 *
 * A function rather than an Ensemble model class: it takes any trained models (found by a tuner
 * or not), needs no saving format of its own, and is the book's `0.5 * preds_a + 0.25 * preds_b …`
 * written once with its checks. Weights are normalized to sum to 1 (equal by default).
 */
import { ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import type { Model } from "../../models/model.js";
import { add, multiply } from "../../ops/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DataStructure } from "../../train/data-adapter.js";

export interface AveragePredictionsOptions {
  /** One non-negative weight per model (normalized to sum to 1); equal weights by default. */
  weights?: readonly number[];
  /** Forwarded to each model's predict. */
  batchSize?: number;
}

export async function averagePredictions(
  models: readonly Model[],
  x: DataStructure,
  opts: AveragePredictionsOptions = {},
): Promise<Tensor> {
  checkOptionNames("averagePredictions", opts, ["weights", "batchSize"]);
  if (!Array.isArray(models) || models.length === 0)
    throw new ValueError("averagePredictions: expected a non-empty list of models; received none");
  const weights = opts.weights ?? models.map(() => 1);
  if (weights.length !== models.length)
    throw new ValueError(
      `averagePredictions: expected one weight per model (${models.length}); received ${weights.length} weights`,
    );
  if (weights.some((w) => !(typeof w === "number" && w >= 0 && Number.isFinite(w))))
    throw new ValueError(
      `averagePredictions: weights must be finite numbers >= 0; received [${weights.join(", ")}]`,
    );
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw new ValueError("averagePredictions: the weights sum to 0");
  let sum: Tensor | null = null;
  let firstShape: readonly number[] = [];
  for (const [i, model] of models.entries()) {
    const out = await model.predict(x, { batchSize: opts.batchSize, verbose: 0 });
    if (!(out instanceof Tensor))
      throw new ValueError(
        `averagePredictions: model ${i} ("${model.name}") has several outputs; expected models with one output`,
      );
    if (sum === null) firstShape = out.shape;
    else if (out.shape.join() !== firstShape.join())
      throw new ValueError(
        `averagePredictions: model ${i} ("${model.name}") predicts shape ${fmtShape(out.shape)}; model 0 predicts ${fmtShape(firstShape)}`,
      );
    const term = multiply(out, weights[i]! / total);
    sum = sum === null ? term : add(sum, term);
  }
  return sum!;
}
