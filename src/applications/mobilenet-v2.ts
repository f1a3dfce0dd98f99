/**
 * `st.applications.mobilenetV2`: Keras's `keras.applications.mobilenet_v2` — MobileNetV2
 * (inverted residual blocks: 1×1 expansion, 3×3 depthwise, linear 1×1 projection, added to the
 * input where shapes agree; ReLU6; width `alpha`; 3,538,984 parameters with the top, 2,257,984
 * without), its input preprocessing ("tf": scaled to [-1, 1]) and `decodePredictions`. Keras
 * publishes weights for alpha 0.35/0.5/0.75/1.0/1.3/1.4 at 96, 128, 160, 192 and 224 pixels.
 */
import { ValueError } from "../errors.js";
import { ReLU } from "../layers/activations/relu.js";
import { Conv2D } from "../layers/conv/conv.js";
import { DepthwiseConv2D } from "../layers/conv/depthwise-conv2d.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Dense } from "../layers/core/dense.js";
import { SymbolicTensor } from "../layers/layer.js";
import { Add } from "../layers/merging/arithmetic.js";
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
import {
  call,
  checkInputTensorWidth,
  correctPad,
  makeDivisible,
  positiveNumber,
  pyFloat,
  pySide,
  splitOptions,
} from "./mobilenet-common.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHT_PATH =
  "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";

/** The sides and widths Keras publishes weights for. */
const SIDES = [96, 128, 160, 192, 224];
const ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];

export interface MobileNetV2Options extends ApplicationOptions {
  /** Width multiplier: the filters of every block times alpha (the last 1×1 only above 1). */
  alpha?: number;
}

/** Keras's 17 inverted residual blocks: (filters, stride, expansion); block 0 does not expand. */
const BLOCKS: [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });

/**
 * Keras `MobileNetV2(input_shape, alpha, include_top, weights, input_tensor, pooling, classes,
 * classifier_activation, name)`. The default name is Keras's `mobilenetv2_<alpha>_<rows>`.
 */
export async function MobileNetV2(opts: MobileNetV2Options = {}): Promise<Model> {
  const where = "MobileNetV2";
  const { own, common } = splitOptions(where, opts, ["alpha"]);
  const alpha = positiveNumber(where, "alpha", own.alpha ?? 1);
  const given = common.inputShape ?? null;
  const tensor = common.inputTensor instanceof SymbolicTensor ? common.inputTensor : null;
  checkInputTensorWidth(where, tensor, given);
  // A square published side, of the shape or else of the input tensor, is the default size.
  const [r, c] = given ? [given[0], given[1]] : tensor ? [tensor.shape[1], tensor.shape[2]] : [];
  const defaultSize = r === c && SIDES.includes(r as number) ? r! : 224;
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
    if (!ALPHAS.includes(alpha)) {
      throw new ValueError(
        `${where}: if imagenet weights are being loaded, alpha must be one of 0.35, 0.50, ` +
          `0.75, 1.0, 1.3 or 1.4 only; Received: alpha=${alpha}`,
      );
    }
    if (rows !== cols || !SIDES.includes(rows as number)) {
      rows = 224;
      console.warn(
        `${where}: inputShape is undefined or non-square, or rows is not in ` +
          `[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the default.`,
      );
    }
  }

  const input = imageInput(o);
  let x = call(
    new Conv2D(makeDivisible(32 * alpha, 8), 3, {
      strides: 2,
      padding: "same",
      useBias: false,
      name: "Conv1",
    }),
    input,
  );
  x = call(bn("bn_Conv1"), x);
  x = call(new ReLU({ maxValue: 6, name: "Conv1_relu" }), x);
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResBlock(x, { filters, alpha, stride, expansion, id });
  });
  // No alpha on the last convolution below 1 (the paper's choice); above 1 it widens too.
  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = call(new Conv2D(lastFilters, 1, { useBias: false, name: "Conv_1" }), x);
  x = call(bn("Conv_1_bn"), x);
  x = call(new ReLU({ maxValue: 6, name: "out_relu" }), x);
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D(), x);
    validateActivation(where, classifierActivation, o.weights);
    x = call(new Dense(o.classes, { activation: classifierActivation, name: "predictions" }), x);
  } else {
    x = poolingHead(x, o.pooling);
  }
  const name = opts.name ?? `mobilenetv2_${alpha.toFixed(2)}_${pySide(rows)}`;
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name });
  const fname =
    `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pyFloat(alpha)}_${pySide(rows)}` +
    `${o.includeTop ? "" : "_no_top"}.h5`;
  await loadApplicationWeights(where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHT_PATH}${fname}`,
    hash: null,
  });
  return model;
}

/**
 * Keras's `_inverted_res_block`: (block 0 skips it) a bias-free 1×1 expansion to `expansion ×`
 * the input channels (`block_<id>_expand`, `_expand_BN`, `_expand_relu`); a 3×3 depthwise
 * convolution (stride 2: `correct_pad` padding, "valid"); a linear 1×1 projection to
 * `filters · alpha` rounded to a multiple of 8; `_add` with the input when shapes agree.
 */
function invertedResBlock(
  inputs: SymbolicTensor,
  b: { filters: number; alpha: number; stride: number; expansion: number; id: number },
): SymbolicTensor {
  const inChannels = inputs.shape.at(-1)!;
  const pointwiseFilters = makeDivisible(Math.trunc(b.filters * b.alpha), 8);
  let x = inputs;
  let prefix = `block_${b.id}_`;
  if (b.id > 0) {
    x = call(
      new Conv2D(b.expansion * inChannels, 1, {
        padding: "same",
        useBias: false,
        activation: null,
        name: `${prefix}expand`,
      }),
      x,
    );
    x = call(bn(`${prefix}expand_BN`), x);
    x = call(new ReLU({ maxValue: 6, name: `${prefix}expand_relu` }), x);
  } else {
    prefix = "expanded_conv_";
  }
  if (b.stride === 2) {
    x = call(new ZeroPadding2D({ padding: correctPad(x, 3), name: `${prefix}pad` }), x);
  }
  x = call(
    new DepthwiseConv2D(3, {
      strides: b.stride,
      activation: null,
      useBias: false,
      padding: b.stride === 1 ? "same" : "valid",
      name: `${prefix}depthwise`,
    }),
    x,
  );
  x = call(bn(`${prefix}depthwise_BN`), x);
  x = call(new ReLU({ maxValue: 6, name: `${prefix}depthwise_relu` }), x);
  x = call(
    new Conv2D(pointwiseFilters, 1, {
      padding: "same",
      useBias: false,
      activation: null,
      name: `${prefix}project`,
    }),
    x,
  );
  x = call(bn(`${prefix}project_BN`), x);
  if (inChannels === pointwiseFilters && b.stride === 1) {
    return call(new Add({ name: `${prefix}add` }), [inputs, x]);
  }
  return x;
}

/** Images in [0, 255] as MobileNetV2 expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("mobilenetV2.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
