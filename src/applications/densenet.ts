/**
 * `st.applications.densenet`: Keras's `keras.applications.densenet` — DenseNet121, DenseNet169
 * and DenseNet201 (dense blocks of 6/12/24/16, 6/12/32/32 and 6/12/48/32 building blocks with
 * growth rate 32, joined by transition blocks that halve the channels and the size), their input
 * preprocessing ("torch": scaled to [0, 1], then normalized by ImageNet's mean and std) and
 * `decodePredictions`. Layer names are Keras's (`conv2_block1_0_bn` …, `pool2_conv`, `bn`,
 * `relu`), so Keras's published weight files load by order.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Concatenate } from "../layers/merging/concatenate.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { AveragePooling2D, MaxPooling2D } from "../layers/pooling/pooling.js";
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

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/";

/** Keras's md5 hashes of the published files: [with the top, without]. */
const HASHES: Record<string, [string, string]> = {
  densenet121: ["9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"],
  densenet169: ["d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"],
  densenet201: ["1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"],
};

const BN_AXIS = 3;
const GROWTH_RATE = 32;

type T = SymbolicTensor;
const call = (layer: { apply(t: T | T[]): unknown }, x: T | T[]): T => layer.apply(x) as T;
const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: BN_AXIS, epsilon: 1.001e-5, name });
const relu = (name: string): Activation => new Activation("relu", { name });

/**
 * Keras's `conv_block`: BN + ReLU, a bias-free 1×1 convolution to 4 × growth rate channels, BN
 * + ReLU, a bias-free 3×3 "same" convolution to growth rate channels, concatenated to the input.
 */
function convBlock(x: T, name: string): T {
  let y = call(bn(`${name}_0_bn`), x);
  y = call(relu(`${name}_0_relu`), y);
  y = call(new Conv2D(4 * GROWTH_RATE, 1, { useBias: false, name: `${name}_1_conv` }), y);
  y = call(bn(`${name}_1_bn`), y);
  y = call(relu(`${name}_1_relu`), y);
  y = call(
    new Conv2D(GROWTH_RATE, 3, { padding: "same", useBias: false, name: `${name}_2_conv` }),
    y,
  );
  return call(new Concatenate({ axis: BN_AXIS, name: `${name}_concat` }), [x, y]);
}

/** Keras's `dense_block`: `blocks` building blocks `<name>_block1` … */
function denseBlock(x: T, blocks: number, name: string): T {
  for (let i = 1; i <= blocks; i++) x = convBlock(x, `${name}_block${i}`);
  return x;
}

/**
 * Keras's `transition_block`: BN + ReLU, a bias-free 1×1 convolution to `reduction` of the
 * channels, then 2×2 average pooling with stride 2.
 */
function transitionBlock(x: T, reduction: number, name: string): T {
  x = call(bn(`${name}_bn`), x);
  x = call(relu(`${name}_relu`), x);
  const channels = Math.trunc(x.shape[BN_AXIS]! * reduction);
  x = call(new Conv2D(channels, 1, { useBias: false, name: `${name}_conv` }), x);
  return call(new AveragePooling2D(2, { strides: 2, name: `${name}_pool` }), x);
}

/** Keras's `DenseNet(blocks, …)`; `where` and `name` are the model's. */
async function denseNet(
  where: string,
  name: string,
  blocks: [number, number, number, number],
  opts: ApplicationOptions,
): Promise<Model> {
  const o = await resolveOptions(where, opts, { name, defaultSize: 224, minSize: 32 });
  const input = imageInput(o);
  // Keras leaves the two paddings unnamed ("zero_padding2d", "zero_padding2d_1").
  let x = call(
    new ZeroPadding2D({
      padding: [
        [3, 3],
        [3, 3],
      ],
    }),
    input,
  );
  x = call(new Conv2D(64, 7, { strides: 2, useBias: false, name: "conv1_conv" }), x);
  x = call(bn("conv1_bn"), x);
  x = call(relu("conv1_relu"), x);
  x = call(
    new ZeroPadding2D({
      padding: [
        [1, 1],
        [1, 1],
      ],
    }),
    x,
  );
  x = call(new MaxPooling2D(3, { strides: 2, name: "pool1" }), x);
  x = denseBlock(x, blocks[0], "conv2");
  x = transitionBlock(x, 0.5, "pool2");
  x = denseBlock(x, blocks[1], "conv3");
  x = transitionBlock(x, 0.5, "pool3");
  x = denseBlock(x, blocks[2], "conv4");
  x = transitionBlock(x, 0.5, "pool4");
  x = denseBlock(x, blocks[3], "conv5");
  x = call(bn("bn"), x);
  x = call(relu("relu"), x);
  const [topHash, noTopHash] = HASHES[name]!;
  const fname = `${name}_weights_tf_dim_ordering_tf_kernels`;
  return finishApplication(where, o, input, x, {
    poolNames: { avg: "avg_pool", max: "max_pool" },
    weights: {
      top: published(BASE, `${fname}.h5`, topHash),
      noTop: published(BASE, `${fname}_notop.h5`, noTopHash),
    },
  });
}

/** Keras `DenseNet121`: 8,062,504 parameters with the top, 7,037,504 without. */
export function DenseNet121(opts: ApplicationOptions = {}): Promise<Model> {
  return denseNet("DenseNet121", "densenet121", [6, 12, 24, 16], opts);
}

/** Keras `DenseNet169`: 14,307,880 parameters with the top, 12,642,880 without. */
export function DenseNet169(opts: ApplicationOptions = {}): Promise<Model> {
  return denseNet("DenseNet169", "densenet169", [6, 12, 32, 32], opts);
}

/** Keras `DenseNet201`: 20,242,984 parameters with the top, 18,321,984 without. */
export function DenseNet201(opts: ApplicationOptions = {}): Promise<Model> {
  return denseNet("DenseNet201", "densenet201", [6, 12, 48, 32], opts);
}

/**
 * Images in [0, 255] as the DenseNets expect them: scaled to [0, 1], then each channel
 * normalized by ImageNet's mean and standard deviation.
 */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("densenet.preprocessInput", opts),
    mode: "torch",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
