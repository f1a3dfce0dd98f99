/**
 * Keras's EfficientNetV2 skeleton (keras/src/applications/efficientnet_v2.py), shared by
 * B0 … B3, S, M and L: the optional preprocessing inside the model (B models: `Rescaling(1/255)`
 * and a `Normalization` by ImageNet's mean and variance given as constants; S/M/L, or another
 * channel count: `Rescaling(1/128, offset −1)`), the "same"-padded 3×3/2 stem (`stem_conv`,
 * `stem_bn`, `stem_activation`), the stages of fused (conv_type 1) and depthwise (conv_type 0)
 * inverted residual blocks, `top_conv` / `top_bn` / `top_activation`, and the top (`avg_pool`,
 * `top_dropout`, `predictions`) or the optional pooling. BatchNormalization uses momentum 0.9.
 * Layer names and order are Keras's, so Keras's published weight files load by order.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { DepthwiseConv2D } from "../layers/conv/depthwise-conv2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dense } from "../layers/core/dense.js";
import { Dropout } from "../layers/core/dropout.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Add } from "../layers/merging/arithmetic.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { Normalization } from "../layers/preprocessing/numeric/normalization.js";
import { Rescaling } from "../layers/preprocessing/numeric/rescaling.js";
import { Model } from "../models/model.js";
import { Constant } from "../nn/initializers.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
} from "./application-args.js";
import { convInit, denseInit, roundRepeats, squeezeExcite } from "./efficientnet-base.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHTS_PATH =
  "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/";

/** Keras's md5 hashes of the published files: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [string, string]> = {
  b0: ["21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"],
  b1: ["069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"],
  b2: ["424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"],
  b3: ["1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"],
  "-s": ["e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"],
  "-m": ["a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"],
  "-l": ["27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"],
};

/**
 * One stage of Keras's `DEFAULT_BLOCKS_ARGS`: kernel size, repeats, input and output filters,
 * expansion ratio, squeeze-excite ratio, first stride, and whether the block is fused.
 */
export type StageRow = [
  kernelSize: number,
  repeats: number,
  filtersIn: number,
  filtersOut: number,
  expandRatio: number,
  seRatio: number,
  strides: number,
  fused: boolean,
];

/** The B models share one table; Keras scales it by width and depth. */
const B_STAGES: StageRow[] = [
  [3, 1, 32, 16, 1, 0, 1, true],
  [3, 2, 16, 32, 4, 0, 2, true],
  [3, 2, 32, 48, 4, 0, 2, true],
  [3, 3, 48, 96, 4, 0.25, 2, false],
  [3, 5, 96, 112, 6, 0.25, 1, false],
  [3, 8, 112, 192, 6, 0.25, 2, false],
];

export const STAGES: Record<string, StageRow[]> = {
  b0: B_STAGES,
  b1: B_STAGES,
  b2: B_STAGES,
  b3: B_STAGES,
  "-s": [
    [3, 2, 24, 24, 1, 0, 1, true],
    [3, 4, 24, 48, 4, 0, 2, true],
    [3, 4, 48, 64, 4, 0, 2, true],
    [3, 6, 64, 128, 4, 0.25, 2, false],
    [3, 9, 128, 160, 6, 0.25, 1, false],
    [3, 15, 160, 256, 6, 0.25, 2, false],
  ],
  "-m": [
    [3, 3, 24, 24, 1, 0, 1, true],
    [3, 5, 24, 48, 4, 0, 2, true],
    [3, 5, 48, 80, 4, 0, 2, true],
    [3, 7, 80, 160, 4, 0.25, 2, false],
    [3, 14, 160, 176, 6, 0.25, 1, false],
    [3, 18, 176, 304, 6, 0.25, 2, false],
    [3, 5, 304, 512, 6, 0.25, 1, false],
  ],
  "-l": [
    [3, 4, 32, 32, 1, 0, 1, true],
    [3, 7, 32, 64, 4, 0, 2, true],
    [3, 7, 64, 96, 4, 0, 2, true],
    [3, 10, 96, 192, 4, 0.25, 2, false],
    [3, 19, 192, 224, 6, 0.25, 1, false],
    [3, 25, 224, 384, 6, 0.25, 2, false],
    [3, 7, 384, 640, 6, 0.25, 1, false],
  ],
};

const DEPTH_DIVISOR = 8;
const MIN_DEPTH = 8;
const BN_MOMENTUM = 0.9;
const DROPOUT_RATE = 0.2;
const DROP_CONNECT_RATE = 0.2;
const ACTIVATION = "swish";
const BN_AXIS = 3;
const IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406];
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

type Tensor = SymbolicTensor;
const call = (layer: { apply(t: Tensor | Tensor[]): unknown }, x: Tensor | Tensor[]): Tensor =>
  layer.apply(x) as Tensor;
const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: BN_AXIS, momentum: BN_MOMENTUM, name });
const act = (name: string): Activation => new Activation(ACTIVATION, { name });
const conv = (filters: number, kernelSize: number, name: string, strides = 1): Conv2D =>
  new Conv2D(filters, kernelSize, {
    strides,
    padding: "same",
    useBias: false,
    kernelInitializer: convInit(),
    name,
  });

/** V2's `round_filters`: filters × width to a multiple of 8, at least 8 (no 10% rule). */
export function roundFiltersV2(filters: number, widthCoefficient: number): number {
  const scaled = filters * widthCoefficient;
  return Math.max(
    MIN_DEPTH,
    Math.floor(Math.trunc(scaled + DEPTH_DIVISOR / 2) / DEPTH_DIVISOR) * DEPTH_DIVISOR,
  );
}

interface BlockArgs {
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  kernelSize: number;
  strides: number;
  seRatio: number;
}

/** The residual ending both blocks share: drop-connect (`drop`) and `add` when shapes allow. */
function residual(x: Tensor, inputs: Tensor, a: BlockArgs, name: string, rate: number): Tensor {
  if (a.strides !== 1 || a.filtersIn !== a.filtersOut) return x;
  if (rate > 0) {
    x = call(new Dropout(rate, { noiseShape: [null, 1, 1, 1], name: `${name}drop` }), x);
  }
  return call(new Add({ name: `${name}add` }), [x, inputs]);
}

/**
 * Keras's `MBConvBlock`: 1×1 expansion (`expand_conv/bn/activation` when expand_ratio ≠ 1), a
 * "same" depthwise convolution (`dwconv2`, `bn`, `activation`), squeeze-and-excite, the 1×1
 * projection (`project_conv`, `project_bn`) and the residual ending.
 */
function mbConvBlock(inputs: Tensor, a: BlockArgs, name: string, rate: number): Tensor {
  const filters = a.filtersIn * a.expandRatio;
  let x = inputs;
  if (a.expandRatio !== 1) {
    x = call(conv(filters, 1, `${name}expand_conv`), x);
    x = call(bn(`${name}expand_bn`), x);
    x = call(act(`${name}expand_activation`), x);
  }
  x = call(
    new DepthwiseConv2D(a.kernelSize, {
      strides: a.strides,
      padding: "same",
      useBias: false,
      depthwiseInitializer: convInit(),
      name: `${name}dwconv2`,
    }),
    x,
  );
  x = call(bn(`${name}bn`), x);
  x = call(act(`${name}activation`), x);
  if (a.seRatio > 0 && a.seRatio <= 1) {
    x = squeezeExcite(x, name, filters, Math.max(1, Math.trunc(a.filtersIn * a.seRatio)));
  }
  x = call(conv(a.filtersOut, 1, `${name}project_conv`), x);
  x = call(bn(`${name}project_bn`), x);
  return residual(x, inputs, a, name, rate);
}

/**
 * Keras's `FusedMBConvBlock`: the expansion is a full k×k convolution carrying the stride
 * (`expand_conv/bn/activation`), then squeeze-and-excite, and a 1×1 projection; without
 * expansion the projection is the k×k strided convolution, followed by `project_activation`.
 */
function fusedMbConvBlock(inputs: Tensor, a: BlockArgs, name: string, rate: number): Tensor {
  const filters = a.filtersIn * a.expandRatio;
  const expands = a.expandRatio !== 1;
  let x = inputs;
  if (expands) {
    x = call(conv(filters, a.kernelSize, `${name}expand_conv`, a.strides), x);
    x = call(bn(`${name}expand_bn`), x);
    x = call(act(`${name}expand_activation`), x);
  }
  if (a.seRatio > 0 && a.seRatio <= 1) {
    x = squeezeExcite(x, name, filters, Math.max(1, Math.trunc(a.filtersIn * a.seRatio)));
  }
  x = call(
    conv(a.filtersOut, expands ? 1 : a.kernelSize, `${name}project_conv`, expands ? 1 : a.strides),
    x,
  );
  x = call(bn(`${name}project_bn`), x);
  if (!expands) x = call(act(`${name}project_activation`), x);
  return residual(x, inputs, a, name, rate);
}

/** Keras's V2 options: the common ones and `includePreprocessing` (default true). */
export interface EfficientNetV2Options extends ApplicationOptions {
  /** Include the Rescaling (and for B models Normalization) at the bottom. Default true. */
  includePreprocessing?: boolean;
}

/** One EfficientNetV2: its scaling, default size, Keras's name and weights key. */
export interface EfficientNetV2Spec {
  where: string;
  name: string;
  weightsName: string;
  widthCoefficient: number;
  depthCoefficient: number;
  defaultSize: number;
}

/** Keras's `EfficientNetV2(width_coefficient, depth_coefficient, default_size, …)`. */
export async function buildEfficientNetV2(
  spec: EfficientNetV2Spec,
  opts: EfficientNetV2Options,
): Promise<Model> {
  const { includePreprocessing = true, ...common } = opts;
  const o = await resolveOptions(spec.where, common, {
    name: spec.name,
    defaultSize: spec.defaultSize,
    minSize: 32,
  });
  const stages = STAGES[spec.weightsName]!;
  const width = (f: number): number => roundFiltersV2(f, spec.widthCoefficient);
  const input = imageInput(o);
  let x = input;
  if (includePreprocessing) {
    const channels = o.inputShape[BN_AXIS - 1];
    if (spec.weightsName.startsWith("b") && channels === 3) {
      x = call(new Rescaling(1 / 255), x);
      x = call(
        new Normalization({
          mean: IMAGENET_MEAN_RGB,
          variance: IMAGENET_STDDEV_RGB.map((s) => s ** 2),
          axis: BN_AXIS,
        }),
        x,
      );
    } else {
      x = call(new Rescaling(1 / 128, { offset: -1 }), x);
    }
  }
  x = call(conv(width(stages[0]![2]), 3, "stem_conv", 2), x);
  x = call(bn("stem_bn"), x);
  x = call(act("stem_activation"), x);

  // Keras divides by the unscaled number of blocks.
  const total = stages.reduce((n, s) => n + s[1], 0);
  let b = 0;
  stages.forEach(
    ([kernelSize, repeats, filtersIn, filtersOut, expandRatio, seRatio, strides, fused], i) => {
      const out = width(filtersOut);
      for (let j = 0; j < roundRepeats(repeats, spec.depthCoefficient); j++) {
        const args: BlockArgs = {
          filtersIn: j === 0 ? width(filtersIn) : out,
          filtersOut: out,
          expandRatio,
          kernelSize,
          strides: j === 0 ? strides : 1,
          seRatio,
        };
        const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
        const rate = (DROP_CONNECT_RATE * b) / total;
        x = fused ? fusedMbConvBlock(x, args, name, rate) : mbConvBlock(x, args, name, rate);
        b++;
      }
    },
  );

  x = call(conv(width(1280), 1, "top_conv"), x);
  x = call(bn("top_bn"), x);
  x = call(act("top_activation"), x);
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D({ name: "avg_pool" }), x);
    x = call(new Dropout(DROPOUT_RATE, { name: "top_dropout" }), x);
    x = call(
      new Dense(o.classes, {
        activation: o.classifierActivation,
        kernelInitializer: denseInit(),
        biasInitializer: new Constant({ value: 0 }),
        name: "predictions",
      }),
      x,
    );
  } else {
    x = poolingHead(x, o.pooling, { avg: "avg_pool", max: "max_pool" });
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  const [topHash, noTopHash] = WEIGHTS_HASHES[spec.weightsName]!;
  // Keras names the file after the model's `name` argument.
  const fname = `${o.name}${o.includeTop ? ".h5" : "_notop.h5"}`;
  await loadApplicationWeights(spec.where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHTS_PATH}${fname}`,
    hash: o.includeTop ? topHash : noTopHash,
  });
  return model;
}
