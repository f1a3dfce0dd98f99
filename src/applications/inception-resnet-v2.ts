/**
 * `st.applications.inceptionResnetV2`: Keras's `keras.applications.inception_resnet_v2` —
 * InceptionResNetV2 (Inception-v3's stem, `mixed_5b`, ten block35, `mixed_6a`, twenty block17,
 * `mixed_7a`, ten block8 and `conv_7b`; default 299×299, at least 75×75), its input
 * preprocessing ("tf": scaled to [-1, 1]) and `decodePredictions`. Each Inception-ResNet block
 * adds its branches' 1×1 projection (`<block>_conv`, with bias) times `scale` to its input
 * through Keras's CustomScaleLayer (custom-scale-layer.ts). Layer names are Keras's: the
 * blocks' `_mixed`, `_conv`, `_ac`, `conv_7b…`, the rest left unnamed as Keras leaves them.
 */
import { Conv2D } from "../layers/conv/conv.js";
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
import { CustomScaleLayer } from "./custom-scale-layer.js";
import * as imagenetUtils from "./imagenet-utils.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/";
const CHANNEL_AXIS = 3;

type T = SymbolicTensor;
const call = (layer: { apply(t: T | T[]): unknown }, x: T | T[]): T => layer.apply(x) as T;

interface ConvBnOptions {
  strides?: number;
  padding?: "same" | "valid";
  activation?: string | null;
  useBias?: boolean;
  name?: string;
}

/**
 * Keras's `conv2d_bn`: a convolution ("same", stride 1, no bias unless told), a BN without
 * scale when it has no bias, and the activation (ReLU unless null); named `name`, `name_bn`,
 * `name_ac` when given a name.
 */
function conv2dBn(
  x: T,
  filters: number,
  kernel: number | [number, number],
  o: ConvBnOptions = {},
): T {
  const useBias = o.useBias ?? false;
  const activation = o.activation === undefined ? "relu" : o.activation;
  const { name } = o;
  x = call(
    new Conv2D(filters, kernel, {
      strides: o.strides ?? 1,
      padding: o.padding ?? "same",
      useBias,
      name,
    }),
    x,
  );
  if (!useBias) {
    x = call(
      new BatchNormalization({
        axis: CHANNEL_AXIS,
        scale: false,
        name: name === undefined ? undefined : `${name}_bn`,
      }),
      x,
    );
  }
  if (activation !== null) {
    x = call(
      new Activation(activation, { name: name === undefined ? undefined : `${name}_ac` }),
      x,
    );
  }
  return x;
}

type BlockType = "block35" | "block17" | "block8";

/**
 * Keras's `inception_resnet_block`: the block type's branches, concatenated
 * (`<type>_<idx>_mixed`), projected back to the input's channels by a 1×1 convolution with
 * bias (`<type>_<idx>_conv`), added to the input times `scale`, then the activation
 * (`<type>_<idx>_ac`) unless null.
 */
function inceptionResnetBlock(
  x: T,
  scale: number,
  blockType: BlockType,
  blockIdx: number,
  activation: string | null = "relu",
): T {
  let branches: T[];
  if (blockType === "block35") {
    const b0 = conv2dBn(x, 32, 1);
    const b1 = conv2dBn(conv2dBn(x, 32, 1), 32, 3);
    const b2 = conv2dBn(conv2dBn(conv2dBn(x, 32, 1), 48, 3), 64, 3);
    branches = [b0, b1, b2];
  } else if (blockType === "block17") {
    const b0 = conv2dBn(x, 192, 1);
    const b1 = conv2dBn(conv2dBn(conv2dBn(x, 128, 1), 160, [1, 7]), 192, [7, 1]);
    branches = [b0, b1];
  } else {
    const b0 = conv2dBn(x, 192, 1);
    const b1 = conv2dBn(conv2dBn(conv2dBn(x, 192, 1), 224, [1, 3]), 256, [3, 1]);
    branches = [b0, b1];
  }
  const blockName = `${blockType}_${blockIdx}`;
  const mixed = call(new Concatenate({ axis: CHANNEL_AXIS, name: `${blockName}_mixed` }), branches);
  const up = conv2dBn(mixed, x.shape[CHANNEL_AXIS]!, 1, {
    activation: null,
    useBias: true,
    name: `${blockName}_conv`,
  });
  // Keras leaves the scaling layer unnamed ("custom_scale_layer", "custom_scale_layer_1" …).
  x = call(new CustomScaleLayer({ scale }), [x, up]);
  if (activation !== null) x = call(new Activation(activation, { name: `${blockName}_ac` }), x);
  return x;
}

const concat = (xs: T[], name: string): T =>
  call(new Concatenate({ axis: CHANNEL_AXIS, name }), xs);

/** Keras `InceptionResNetV2`: 55,873,736 parameters with the top, 54,336,736 without. */
export async function InceptionResNetV2(opts: ApplicationOptions = {}): Promise<Model> {
  const where = "InceptionResNetV2";
  const o = await resolveOptions(where, opts, {
    name: "inception_resnet_v2",
    defaultSize: 299,
    minSize: 75,
  });
  const input = imageInput(o);
  // The stem: 299 → 35.
  let x = conv2dBn(input, 32, 3, { strides: 2, padding: "valid" });
  x = conv2dBn(x, 32, 3, { padding: "valid" });
  x = conv2dBn(x, 64, 3);
  x = call(new MaxPooling2D(3, { strides: 2 }), x);
  x = conv2dBn(x, 80, 1, { padding: "valid" });
  x = conv2dBn(x, 192, 3, { padding: "valid" });
  x = call(new MaxPooling2D(3, { strides: 2 }), x);

  // mixed_5b (Inception-A).
  const a0 = conv2dBn(x, 96, 1);
  const a1 = conv2dBn(conv2dBn(x, 48, 1), 64, 5);
  const a2 = conv2dBn(conv2dBn(conv2dBn(x, 64, 1), 96, 3), 96, 3);
  const aPool = conv2dBn(call(new AveragePooling2D(3, { strides: 1, padding: "same" }), x), 64, 1);
  x = concat([a0, a1, a2, aPool], "mixed_5b");

  for (let i = 1; i <= 10; i++) x = inceptionResnetBlock(x, 0.17, "block35", i);

  // mixed_6a (Reduction-A): 35 → 17.
  const r0 = conv2dBn(x, 384, 3, { strides: 2, padding: "valid" });
  const r1 = conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 256, 3), 384, 3, {
    strides: 2,
    padding: "valid",
  });
  const rPool = call(new MaxPooling2D(3, { strides: 2, padding: "valid" }), x);
  x = concat([r0, r1, rPool], "mixed_6a");

  for (let i = 1; i <= 20; i++) x = inceptionResnetBlock(x, 0.1, "block17", i);

  // mixed_7a (Reduction-B): 17 → 8.
  const s0 = conv2dBn(conv2dBn(x, 256, 1), 384, 3, { strides: 2, padding: "valid" });
  const s1 = conv2dBn(conv2dBn(x, 256, 1), 288, 3, { strides: 2, padding: "valid" });
  const s2 = conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 288, 3), 320, 3, {
    strides: 2,
    padding: "valid",
  });
  const sPool = call(new MaxPooling2D(3, { strides: 2, padding: "valid" }), x);
  x = concat([s0, s1, s2, sPool], "mixed_7a");

  for (let i = 1; i <= 9; i++) x = inceptionResnetBlock(x, 0.2, "block8", i);
  x = inceptionResnetBlock(x, 1.0, "block8", 10, null);

  x = conv2dBn(x, 1536, 1, { name: "conv_7b" });

  const fname = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels";
  return finishApplication(where, o, input, x, {
    weights: {
      top: published(BASE, `${fname}.h5`, "e693bd0210a403b3192acc6073ad2e96"),
      noTop: published(BASE, `${fname}_notop.h5`, "d19885ff4a710c122648d3b5c3b684e4"),
    },
  });
}

/** Images in [0, 255] as InceptionResNetV2 expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("inceptionResnetV2.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
/** Keras's module defines the scaling layer; saved models name it by this module. */
export { CustomScaleLayer } from "./custom-scale-layer.js";
