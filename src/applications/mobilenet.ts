/**
 * `st.applications.mobilenet`: Keras's `keras.applications.mobilenet` — MobileNet (V1: a 3×3
 * stride-2 convolution, then 13 depthwise-separable blocks with ReLU6; width `alpha`,
 * `depthMultiplier` for the depthwise convolutions; a 1×1 convolution as classifier; 4,253,864
 * parameters with the top, 3,228,864 without), its input preprocessing ("tf": scaled to [-1, 1])
 * and `decodePredictions`. Keras publishes weights for alpha 0.25/0.5/0.75/1.0 at 128, 160, 192
 * and 224 pixels.
 */
import { ValueError } from "../errors.js";
import { ReLU } from "../layers/activations/relu.js";
import { Conv2D } from "../layers/conv/conv.js";
import { DepthwiseConv2D } from "../layers/conv/depthwise-conv2d.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dropout } from "../layers/core/dropout.js";
import { Reshape } from "../layers/core/reshape.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import {
  type ApplicationOptions,
  familyPreprocessOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
  validateActivation,
} from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import { call, positiveNumber, pySide, splitOptions } from "./mobilenet-common.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";

/** The sides Keras publishes weights for (and takes as the default size when square). */
const SIDES = [128, 160, 192, 224];
const ALPHAS: Record<string, string> = { "1": "1_0", "0.75": "7_5", "0.5": "5_0", "0.25": "2_5" };

export interface MobileNetOptions extends ApplicationOptions {
  /** Width multiplier: the filters of every layer times alpha. Default 1. */
  alpha?: number;
  /** Filters per input channel of the depthwise convolutions. Default 1. */
  depthMultiplier?: number;
  /** The dropout rate before the classifier. Default 0.001. */
  dropout?: number;
}

/** The (pointwise filters, stride) of Keras's 13 depthwise-separable blocks. */
const BLOCKS: [number, number][] = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

/**
 * Keras `MobileNet(input_shape, alpha, depth_multiplier, dropout, include_top, weights, …)`.
 * The default name is Keras's `mobilenet_<alpha, 2 decimals>_<rows>`.
 */
export async function MobileNet(opts: MobileNetOptions = {}): Promise<Model> {
  const where = "MobileNet";
  const { own, common } = splitOptions(where, opts, ["alpha", "depthMultiplier", "dropout"]);
  const alpha = positiveNumber(where, "alpha", own.alpha ?? 1);
  const depthMultiplier = positiveNumber(where, "depthMultiplier", own.depthMultiplier ?? 1, true);
  const dropout = own.dropout ?? 1e-3;
  // A square input of a published side is its own default size (what imagenet weights need).
  const given = common.inputShape;
  const defaultSize =
    given && given[0] === given[1] && SIDES.includes(given[0] as number) ? given[0]! : 224;
  // The classifier activation is checked where Keras checks it: when the top is built.
  const o = await resolveOptions(
    where,
    { ...common, classifierActivation: null },
    { name: "", defaultSize, minSize: 32 },
  );
  const classifierActivation =
    common.classifierActivation === undefined ? "softmax" : common.classifierActivation;
  const cols = o.inputShape[1];
  let rows = o.inputShape[0];
  if (o.weights === "imagenet") {
    if (depthMultiplier !== 1) {
      throw new ValueError(
        `${where}: if imagenet weights are being loaded, depthMultiplier must be 1. ` +
          `Received: depthMultiplier=${depthMultiplier}`,
      );
    }
    if (ALPHAS[String(alpha)] === undefined) {
      throw new ValueError(
        `${where}: if imagenet weights are being loaded, alpha can be one of 0.25, 0.50, 0.75 ` +
          `or 1.0 only. Received: alpha=${alpha}`,
      );
    }
    if (rows !== cols || !SIDES.includes(rows as number)) {
      rows = 224;
      console.warn(
        `${where}: inputShape is undefined or non-square, or rows is not in ` +
          `[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the default.`,
      );
    }
  }

  const input = imageInput(o);
  let x = convBlock(input, 32, alpha);
  BLOCKS.forEach(([filters, stride], i) => {
    x = depthwiseConvBlock(x, filters, alpha, depthMultiplier, stride, i + 1);
  });
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D({ keepdims: true }), x);
    x = call(new Dropout(dropout, { name: "dropout" }), x);
    x = call(new Conv2D(o.classes, 1, { padding: "same", name: "conv_preds" }), x);
    x = call(new Reshape([o.classes], { name: "reshape_2" }), x);
    validateActivation(where, classifierActivation, o.weights);
    x = call(new Activation(classifierActivation ?? "linear", { name: "predictions" }), x);
  } else {
    x = poolingHead(x, o.pooling);
  }
  const name = opts.name ?? `mobilenet_${alpha.toFixed(2)}_${pySide(rows)}`;
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name });
  const fname = `mobilenet_${ALPHAS[String(alpha)] ?? ""}_${pySide(rows)}_tf${o.includeTop ? "" : "_no_top"}.h5`;
  await loadApplicationWeights(where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHT_PATH}${fname}`,
    hash: null,
  });
  return model;
}

/** Keras's `_conv_block`: a bias-free 3×3 stride-2 "same" convolution (`conv1`), BN, ReLU6. */
function convBlock(x: SymbolicTensor, filters: number, alpha: number): SymbolicTensor {
  x = call(
    new Conv2D(Math.trunc(filters * alpha), 3, {
      padding: "same",
      useBias: false,
      strides: 2,
      name: "conv1",
    }),
    x,
  );
  x = call(new BatchNormalization({ axis: -1, name: "conv1_bn" }), x);
  return call(new ReLU({ maxValue: 6, name: "conv1_relu" }), x);
}

/**
 * Keras's `_depthwise_conv_block`: (for stride 2, bottom/right zero padding `conv_pad_<id>` and a
 * "valid" convolution) a bias-free 3×3 depthwise convolution `conv_dw_<id>`, BN, ReLU6, then a
 * bias-free 1×1 convolution `conv_pw_<id>` to `filters · alpha`, BN, ReLU6.
 */
function depthwiseConvBlock(
  x: SymbolicTensor,
  filters: number,
  alpha: number,
  depthMultiplier: number,
  stride: number,
  id: number,
): SymbolicTensor {
  if (stride !== 1) {
    x = call(
      new ZeroPadding2D({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: `conv_pad_${id}`,
      }),
      x,
    );
  }
  x = call(
    new DepthwiseConv2D(3, {
      padding: stride === 1 ? "same" : "valid",
      depthMultiplier,
      strides: stride,
      useBias: false,
      name: `conv_dw_${id}`,
    }),
    x,
  );
  x = call(new BatchNormalization({ axis: -1, name: `conv_dw_${id}_bn` }), x);
  x = call(new ReLU({ maxValue: 6, name: `conv_dw_${id}_relu` }), x);
  x = call(
    new Conv2D(Math.trunc(filters * alpha), 1, {
      padding: "same",
      useBias: false,
      strides: 1,
      name: `conv_pw_${id}`,
    }),
    x,
  );
  x = call(new BatchNormalization({ axis: -1, name: `conv_pw_${id}_bn` }), x);
  return call(new ReLU({ maxValue: 6, name: `conv_pw_${id}_relu` }), x);
}

/** Images in [0, 255] as MobileNet expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("mobilenet.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
