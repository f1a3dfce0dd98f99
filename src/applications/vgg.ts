/**
 * The VGG architecture as Keras builds it (VGG16 and VGG19 differ only in the convolutions per
 * block): five blocks of 3×3 "same" ReLU convolutions (`block<b>_conv<i>`) each closed by a 2×2
 * max pooling (`block<b>_pool`), then either Keras's classifier (`flatten`, `fc1`, `fc2`,
 * `predictions`) or the optional global pooling.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { Dense } from "../layers/core/dense.js";
import { Flatten } from "../layers/core/flatten.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { MaxPooling2D } from "../layers/pooling/pooling.js";
import { Model } from "../models/model.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
} from "./application-args.js";
import { type WeightsFile, loadApplicationWeights } from "./weights.js";

/** One VGG: its convolutions per block, Keras's default name and its published files. */
export interface VggSpec {
  where: string;
  name: string;
  convsPerBlock: readonly number[];
  weights: { top: WeightsFile; noTop: WeightsFile };
}

const FILTERS = [64, 128, 256, 512, 512];

export async function buildVgg(spec: VggSpec, opts: ApplicationOptions): Promise<Model> {
  const o = await resolveOptions(spec.where, opts, {
    name: spec.name,
    defaultSize: 224,
    minSize: 32,
  });
  const input = imageInput(o);
  let x: SymbolicTensor = input;
  const apply = (layer: { apply(t: SymbolicTensor): unknown }): void => {
    x = layer.apply(x) as SymbolicTensor;
  };
  spec.convsPerBlock.forEach((convs, b) => {
    for (let i = 1; i <= convs; i++) {
      apply(
        new Conv2D(FILTERS[b]!, 3, {
          activation: "relu",
          padding: "same",
          name: `block${b + 1}_conv${i}`,
        }),
      );
    }
    apply(new MaxPooling2D(2, { strides: 2, name: `block${b + 1}_pool` }));
  });
  if (o.includeTop) {
    apply(new Flatten({ name: "flatten" }));
    apply(new Dense(4096, { activation: "relu", name: "fc1" }));
    apply(new Dense(4096, { activation: "relu", name: "fc2" }));
    apply(new Dense(o.classes, { activation: o.classifierActivation, name: "predictions" }));
  } else {
    x = poolingHead(x, o.pooling);
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  await loadApplicationWeights(
    spec.where,
    model,
    o.weights,
    o.includeTop ? spec.weights.top : spec.weights.noTop,
  );
  return model;
}
