/**
 * How DenseNet, Xception, InceptionV3 and InceptionResNetV2 end, as Keras builds them: with the
 * top, `avg_pool` (global average pooling) and the `predictions` Dense; without it, the optional
 * global pooling (named by the family where Keras names it). Then the functional model on the
 * input's sources and the family's published weights (or a path, or none).
 */
import { Dense } from "../layers/core/dense.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { Model } from "../models/model.js";
import { type ResolvedOptions, modelInputs, poolingHead } from "./application-args.js";
import { type WeightsFile, loadApplicationWeights } from "./weights.js";

/** A family's published files: with the top and without. */
export interface PublishedWeights {
  top: WeightsFile;
  noTop: WeightsFile;
}

/** Keras's `keras-applications` file `fname` under `base`, with Keras's md5 `hash`. */
export function published(base: string, fname: string, hash: string): WeightsFile {
  return { fname, url: `${base}${fname}`, hash };
}

/** The top or the pooling head on `x`, the model, and its weights. */
export async function finishApplication(
  where: string,
  o: ResolvedOptions,
  input: SymbolicTensor,
  x: SymbolicTensor,
  spec: { poolNames?: { avg?: string; max?: string }; weights: PublishedWeights },
): Promise<Model> {
  if (o.includeTop) {
    x = new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x) as SymbolicTensor;
    x = new Dense(o.classes, { activation: o.classifierActivation, name: "predictions" }).apply(
      x,
    ) as SymbolicTensor;
  } else {
    x = poolingHead(x, o.pooling, spec.poolNames);
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  await loadApplicationWeights(
    where,
    model,
    o.weights,
    o.includeTop ? spec.weights.top : spec.weights.noTop,
  );
  return model;
}
