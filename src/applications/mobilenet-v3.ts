/**
 * `st.applications.mobilenetV3`: Keras's `keras.applications.mobilenet_v3` — MobileNetV3Small
 * (2,554,968 parameters with the top, 939,120 without) and MobileNetV3Large (5,507,432 /
 * 2,996,352): inverted residual blocks with squeeze-and-excite gates and hard-swish (or, with
 * `minimalistic`, 3×3 kernels, ReLU and no gates), an optional built-in rescaling to [-1, 1]
 * (`includePreprocessing`), and a 1×1-convolution head. `preprocessInput` is Keras's
 * pass-through (the model rescales itself); `decodePredictions` as for every ImageNet model.
 *
 * The excite gate is Keras's `ReLU(6)(x + 3) * (1 / 6)`: its add and multiply are op nodes of the
 * graph (`st.ops` on symbolic tensors), so the layers, their names and the saved config are Keras's.
 */
import { ValueError } from "../errors.js";
import { ReLU } from "../layers/activations/relu.js";
import { ops } from "../layers/symbolic/ops-namespace.js";
import { Conv2D } from "../layers/conv/conv.js";
import { DepthwiseConv2D } from "../layers/conv/depthwise-conv2d.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dropout } from "../layers/core/dropout.js";
import { Flatten } from "../layers/core/flatten.js";
import { SymbolicTensor } from "../layers/layer.js";
import { Add, Multiply } from "../layers/merging/arithmetic.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { Rescaling } from "../layers/preprocessing/numeric/rescaling.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
  validateActivation,
} from "./application-args.js";
import {
  call,
  checkInputTensorWidth,
  correctPad,
  makeDivisible,
  positiveNumber,
  pyFloat,
  splitOptions,
} from "./mobilenet-common.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHT_PATH =
  "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/";

/** Keras's md5 hashes of the published files: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [string, string]> = {
  "large_224_0.75_float": ["765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"],
  "large_224_1.0_float": ["59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"],
  "large_minimalistic_224_1.0_float": [
    "675e7b876c45c57e9e63e6d90a36599c",
    "ec5221f64a2f6d1ef965a614bdae7973",
  ],
  "small_224_0.75_float": ["cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"],
  "small_224_1.0_float": ["8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"],
  "small_minimalistic_224_1.0_float": [
    "99cd97fb2fcdad2bf028eb838de69e37",
    "cde8136e733e811080d9fcd8a252f7e4",
  ],
};

export interface MobileNetV3Options extends ApplicationOptions {
  /** Width multiplier of the blocks (the last 1×1 widens only above 1). Default 1. */
  alpha?: number;
  /** 3×3 kernels, ReLU and no squeeze-and-excite (the mobile-friendly variant). Default false. */
  minimalistic?: boolean;
  /** The dropout rate before the classifier; 0 leaves the layer out. Default 0.2. */
  dropoutRate?: number;
  /** A `Rescaling` from [0, 255] to [-1, 1] as the first layer. Default true. */
  includePreprocessing?: boolean;
}

type Act = (x: SymbolicTensor) => SymbolicTensor;
const relu: Act = (x) => call(new ReLU(), x);
const hardSwish: Act = (x) => call(new Activation("hard_swish"), x);

/** One inverted residual block: expansion, filters, kernel, stride, SE ratio, activation. */
type Block = [number, number, number, number, number | null, Act];
/** The blocks for the resolved `kernel`, `activation` and `seRatio` (Keras's `stack_fn`). */
type StackFn = (
  depth: (d: number) => number,
  kernel: number,
  act: Act,
  se: number | null,
) => Block[];

const SMALL: StackFn = (d, k, act, se) => [
  [1, d(16), 3, 2, se, relu],
  [72 / 16, d(24), 3, 2, null, relu],
  [88 / 24, d(24), 3, 1, null, relu],
  [4, d(40), k, 2, se, act],
  [6, d(40), k, 1, se, act],
  [6, d(40), k, 1, se, act],
  [3, d(48), k, 1, se, act],
  [3, d(48), k, 1, se, act],
  [6, d(96), k, 2, se, act],
  [6, d(96), k, 1, se, act],
  [6, d(96), k, 1, se, act],
];

const LARGE: StackFn = (d, k, act, se) => [
  [1, d(16), 3, 1, null, relu],
  [4, d(24), 3, 2, null, relu],
  [3, d(24), 3, 1, null, relu],
  [3, d(40), k, 2, se, relu],
  [3, d(40), k, 1, se, relu],
  [3, d(40), k, 1, se, relu],
  [6, d(80), 3, 2, null, act],
  [2.5, d(80), 3, 1, null, act],
  [2.3, d(80), 3, 1, null, act],
  [2.3, d(80), 3, 1, null, act],
  [6, d(112), 3, 1, se, act],
  [6, d(112), 3, 1, se, act],
  [6, d(160), k, 2, se, act],
  [6, d(160), k, 1, se, act],
  [6, d(160), k, 1, se, act],
];

/** Keras `MobileNetV3Small(input_shape, alpha, minimalistic, include_top, weights, …)`. */
export function MobileNetV3Small(opts: MobileNetV3Options = {}): Promise<Model> {
  return mobileNetV3("MobileNetV3Small", "small", SMALL, 1024, opts);
}

/** Keras `MobileNetV3Large(input_shape, alpha, minimalistic, include_top, weights, …)`. */
export function MobileNetV3Large(opts: MobileNetV3Options = {}): Promise<Model> {
  return mobileNetV3("MobileNetV3Large", "large", LARGE, 1280, opts);
}

const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });

/** Keras's `MobileNetV3(stack_fn, last_point_ch, …)`; any input size of at least 32. */
async function mobileNetV3(
  where: string,
  modelType: "small" | "large",
  stack: StackFn,
  lastPointChannels: number,
  opts: MobileNetV3Options,
): Promise<Model> {
  const { own, common } = splitOptions(where, opts, [
    "alpha",
    "minimalistic",
    "dropoutRate",
    "includePreprocessing",
  ]);
  const alpha = positiveNumber(where, "alpha", own.alpha ?? 1);
  const minimalistic = own.minimalistic ?? false;
  const dropoutRate = own.dropoutRate ?? 0.2;
  const includePreprocessing = own.includePreprocessing ?? true;
  const includeTop = common.includeTop ?? true;
  // Keras does not call obtain_input_shape here: the head pools, so any size runs. The common
  // checks (weights, pooling, input tensor) run on the options without the top's shape rules.
  const o = await resolveOptions(
    where,
    { ...common, includeTop: false, inputShape: null, classifierActivation: null },
    { name: where, defaultSize: 224, minSize: 32 },
  );
  if (o.weights === "imagenet" && includeTop && o.classes !== 1000) {
    throw new ValueError(
      `${where}: if using weights "imagenet" with includeTop true, classes should be 1000. ` +
        `Received: classes=${o.classes}`,
    );
  }
  const classifierActivation =
    common.classifierActivation === undefined ? "softmax" : common.classifierActivation;
  let inputShape: ShapeSpec | null = common.inputShape ?? null;
  checkInputTensorWidth(where, o.inputTensor, inputShape);
  if (inputShape === null && o.inputTensor instanceof SymbolicTensor) {
    // Keras takes (cols, rows, 3) from the tensor, only to check its sides.
    inputShape = [o.inputTensor.shape[2] ?? null, o.inputTensor.shape[1] ?? null, 3];
  }
  inputShape ??= [null, null, 3];
  const [rows, cols] = inputShape;
  if (rows && cols && (rows < 32 || cols < 32)) {
    throw new ValueError(
      `${where}: input size must be at least 32x32; Received: inputShape=` +
        `[${inputShape.map((s) => s ?? "null").join(", ")}]`,
    );
  }
  if (o.weights === "imagenet") {
    if ((!minimalistic && alpha !== 0.75 && alpha !== 1) || (minimalistic && alpha !== 1)) {
      throw new ValueError(
        `${where}: if imagenet weights are being loaded, alpha can be one of 0.75, 1.0 for ` +
          `non minimalistic or 1.0 for minimalistic only. Received: alpha=${alpha}`,
      );
    }
    if (rows !== cols || rows !== 224) {
      console.warn(
        `${where}: inputShape is undefined or non-square, or rows is not 224. Weights for ` +
          `input shape (224, 224) will be loaded as the default.`,
      );
    }
  }

  const [kernel, act, seRatio]: [number, Act, number | null] = minimalistic
    ? [3, relu, null]
    : [5, hardSwish, 0.25];
  const input = imageInput({ ...o, inputShape });
  let x = input;
  if (includePreprocessing) x = call(new Rescaling(1 / 127.5, { offset: -1 }), x);
  x = call(new Conv2D(16, 3, { strides: 2, padding: "same", useBias: false, name: "conv" }), x);
  x = call(bn("conv_bn"), x);
  x = act(x);
  const blocks = stack((d) => makeDivisible(d * alpha), kernel, act, seRatio);
  blocks.forEach((b, id) => {
    x = invertedResBlock(x, b, id);
  });
  const lastConvChannels = makeDivisible(x.shape.at(-1)! * 6);
  const lastPoint = alpha > 1 ? makeDivisible(lastPointChannels * alpha) : lastPointChannels;
  x = call(new Conv2D(lastConvChannels, 1, { padding: "same", useBias: false, name: "conv_1" }), x);
  x = call(bn("conv_1_bn"), x);
  x = act(x);
  if (includeTop) {
    x = call(new GlobalAveragePooling2D({ keepdims: true }), x);
    x = call(new Conv2D(lastPoint, 1, { padding: "same", useBias: true, name: "conv_2" }), x);
    x = act(x);
    if (dropoutRate > 0) x = call(new Dropout(dropoutRate), x);
    x = call(new Conv2D(o.classes, 1, { padding: "same", name: "logits" }), x);
    x = call(new Flatten(), x);
    validateActivation(where, classifierActivation, o.weights);
    x = call(new Activation(classifierActivation ?? "linear", { name: "predictions" }), x);
  } else {
    x = poolingHead(x, o.pooling, { avg: "avg_pool", max: "max_pool" });
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  const key = `${modelType}${minimalistic ? "_minimalistic" : ""}_224_${pyFloat(alpha)}_float`;
  const [topHash, noTopHash] = WEIGHTS_HASHES[key] ?? [null, null];
  const fname = `weights_mobilenet_v3_${key}${includeTop ? "" : "_no_top_v2"}.h5`;
  await loadApplicationWeights(where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHT_PATH}${fname}`,
    hash: includeTop ? topHash : noTopHash,
  });
  return model;
}

/**
 * Keras's `_se_block`: the channels' global average (`squeeze_excite_avg_pool`), squeezed by a
 * 1×1 convolution with ReLU, expanded back by another, gated by hard sigmoid and multiplied in.
 */
function seBlock(inputs: SymbolicTensor, filters: number, seRatio: number, prefix: string) {
  let x = call(
    new GlobalAveragePooling2D({ keepdims: true, name: `${prefix}squeeze_excite_avg_pool` }),
    inputs,
  );
  x = call(
    new Conv2D(makeDivisible(filters * seRatio), 1, {
      padding: "same",
      name: `${prefix}squeeze_excite_conv`,
    }),
    x,
  );
  x = call(new ReLU({ name: `${prefix}squeeze_excite_relu` }), x);
  x = call(new Conv2D(filters, 1, { padding: "same", name: `${prefix}squeeze_excite_conv_1` }), x);
  // Keras's hard_sigmoid, written as Keras writes it (see the file's opening comment).
  x = ops.multiply(call(new ReLU({ maxValue: 6 }), ops.add(x, 3)), 1 / 6);
  return call(new Multiply({ name: `${prefix}squeeze_excite_mul` }), [inputs, x]);
}

/**
 * Keras's V3 `_inverted_res_block`: (block 0 skips it) a 1×1 expansion to the rounded
 * `expansion ×` input channels; a depthwise convolution (stride 2: `correct_pad` padding,
 * "valid"); the optional squeeze-and-excite; a linear 1×1 projection; `_add` with the input
 * when stride 1 keeps the channels.
 */
function invertedResBlock(x: SymbolicTensor, block: Block, id: number): SymbolicTensor {
  const [expansion, filters, kernelSize, stride, seRatio, act] = block;
  const shortcut = x;
  const inFilters = x.shape.at(-1)!;
  let prefix = "expanded_conv_";
  if (id > 0) {
    prefix = `expanded_conv_${id}_`;
    x = call(
      new Conv2D(makeDivisible(inFilters * expansion), 1, {
        padding: "same",
        useBias: false,
        name: `${prefix}expand`,
      }),
      x,
    );
    x = call(bn(`${prefix}expand_bn`), x);
    x = act(x);
  }
  if (stride === 2) {
    x = call(
      new ZeroPadding2D({ padding: correctPad(x, kernelSize), name: `${prefix}depthwise_pad` }),
      x,
    );
  }
  x = call(
    new DepthwiseConv2D(kernelSize, {
      strides: stride,
      padding: stride === 1 ? "same" : "valid",
      useBias: false,
      name: `${prefix}depthwise`,
    }),
    x,
  );
  x = call(bn(`${prefix}depthwise_bn`), x);
  x = act(x);
  if (seRatio) x = seBlock(x, makeDivisible(inFilters * expansion), seRatio, prefix);
  x = call(
    new Conv2D(filters, 1, { padding: "same", useBias: false, name: `${prefix}project` }),
    x,
  );
  x = call(bn(`${prefix}project_bn`), x);
  if (stride === 1 && inFilters === filters) {
    x = call(new Add({ name: `${prefix}add` }), [shortcut, x]);
  }
  return x;
}

/**
 * Keras's `mobilenet_v3.preprocess_input`: a pass-through, kept for API consistency — the
 * models rescale their input themselves (`includePreprocessing`). Returns `x` unchanged.
 */
export function preprocessInput<T extends Tensor | NestedArray>(
  x: T,
  opts: { dataFormat?: "channels_last" | "channels_first" | null } = {},
): T {
  void opts;
  return x;
}

export { decodePredictions } from "./imagenet-utils.js";
