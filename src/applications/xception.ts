/**
 * `st.applications.xception`: Keras's `keras.applications.xception` — Xception (an entry flow of
 * two convolutions and three separable blocks with strided 1×1 projection shortcuts, eight
 * residual middle blocks of three 728-filter separable convolutions, an exit flow; default
 * 299×299, at least 71×71), its input preprocessing ("tf": scaled to [-1, 1]) and
 * `decodePredictions`. Layer names are Keras's: the named `block<b>_…` layers, and the
 * shortcuts' convolutions, BNs and additions left unnamed as Keras leaves them.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { SeparableConv2D } from "../layers/conv/separable-conv.js";
import { Activation } from "../layers/core/activation.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Add } from "../layers/merging/arithmetic.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { MaxPooling2D } from "../layers/pooling/pooling.js";
import type { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import {
  type ApplicationOptions,
  familyPreprocessOptions,
  imageInput,
  resolveOptions,
} from "./application-args.js";
import { finishApplication, published } from "./application-top.js";
import * as imagenetUtils from "./imagenet-utils.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/";

type T = SymbolicTensor;
const call = (layer: { apply(t: T | T[]): unknown }, x: T | T[]): T => layer.apply(x) as T;
// Keras's channel axis -1, default epsilon and momentum.
const bn = (name?: string): BatchNormalization => new BatchNormalization({ axis: -1, name });
const relu = (name: string): Activation => new Activation("relu", { name });
const sepconv = (filters: number, name: string): SeparableConv2D =>
  new SeparableConv2D(filters, 3, { padding: "same", useBias: false, name });

/** The unnamed strided 1×1 projection shortcut and its BN. */
function projection(x: T, filters: number): T {
  const r = call(new Conv2D(filters, 1, { strides: 2, padding: "same", useBias: false }), x);
  return call(bn(), r);
}

/**
 * An entry-flow or exit block `block<b>`: (ReLU unless `preRelu` is false) separable conv +
 * BN, ReLU, separable conv + BN, 3×3/2 max pooling, added to the projection of the input.
 */
function downBlock(x: T, b: number, filters: [number, number], preRelu = true): T {
  const residual = projection(x, filters[1]);
  if (preRelu) x = call(relu(`block${b}_sepconv1_act`), x);
  x = call(sepconv(filters[0], `block${b}_sepconv1`), x);
  x = call(bn(`block${b}_sepconv1_bn`), x);
  x = call(relu(`block${b}_sepconv2_act`), x);
  x = call(sepconv(filters[1], `block${b}_sepconv2`), x);
  x = call(bn(`block${b}_sepconv2_bn`), x);
  x = call(new MaxPooling2D(3, { strides: 2, padding: "same", name: `block${b}_pool` }), x);
  return call(new Add(), [x, residual]);
}

/** Keras `Xception`: 22,910,480 parameters with the top, 20,861,480 without. */
export async function Xception(opts: ApplicationOptions = {}): Promise<Model> {
  const where = "Xception";
  const o = await resolveOptions(where, opts, { name: "xception", defaultSize: 299, minSize: 71 });
  const input = imageInput(o);
  let x = call(new Conv2D(32, 3, { strides: 2, useBias: false, name: "block1_conv1" }), input);
  x = call(bn("block1_conv1_bn"), x);
  x = call(relu("block1_conv1_act"), x);
  x = call(new Conv2D(64, 3, { useBias: false, name: "block1_conv2" }), x);
  x = call(bn("block1_conv2_bn"), x);
  x = call(relu("block1_conv2_act"), x);
  x = downBlock(x, 2, [128, 128], false);
  x = downBlock(x, 3, [256, 256]);
  x = downBlock(x, 4, [728, 728]);
  for (let b = 5; b <= 12; b++) {
    const residual = x;
    for (let i = 1; i <= 3; i++) {
      x = call(relu(`block${b}_sepconv${i}_act`), x);
      x = call(sepconv(728, `block${b}_sepconv${i}`), x);
      x = call(bn(`block${b}_sepconv${i}_bn`), x);
    }
    x = call(new Add(), [x, residual]);
  }
  x = downBlock(x, 13, [728, 1024]);
  x = call(sepconv(1536, "block14_sepconv1"), x);
  x = call(bn("block14_sepconv1_bn"), x);
  x = call(relu("block14_sepconv1_act"), x);
  x = call(sepconv(2048, "block14_sepconv2"), x);
  x = call(bn("block14_sepconv2_bn"), x);
  x = call(relu("block14_sepconv2_act"), x);
  const fname = "xception_weights_tf_dim_ordering_tf_kernels";
  return finishApplication(where, o, input, x, {
    weights: {
      top: published(BASE, `${fname}.h5`, "0a58e3b7378bc2990ea3b43d5981f1f6"),
      noTop: published(BASE, `${fname}_notop.h5`, "b0042744bf5b25fce3cb969f33bebb97"),
    },
  });
}

/** Images in [0, 255] as Xception expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("xception.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
