/**
 * `st.applications.vgg16`: Keras's `keras.applications.vgg16` — the VGG16 model (13
 * convolutions in blocks of 2, 2, 3, 3, 3, then three dense layers; 138,357,544 parameters with
 * the top, 14,714,688 without), its input preprocessing ("caffe": RGB → BGR, ImageNet's mean
 * subtracted) and `decodePredictions`.
 */
import type { Model } from "../models/model.js";
import { type ApplicationOptions, familyPreprocessOptions } from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import { buildVgg } from "./vgg.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/";

/** Keras `VGG16(include_top, weights, input_tensor, input_shape, pooling, classes, …)`. */
export function VGG16(opts: ApplicationOptions = {}): Promise<Model> {
  return buildVgg(
    {
      where: "VGG16",
      name: "vgg16",
      convsPerBlock: [2, 2, 3, 3, 3],
      weights: {
        top: {
          fname: "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
          url: `${BASE}vgg16_weights_tf_dim_ordering_tf_kernels.h5`,
          hash: "64373286793e3c8b2b4e3219cbf3544b",
        },
        noTop: {
          fname: "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
          url: `${BASE}vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`,
          hash: "6d6bbae143d832006294945121d1f1fc",
        },
      },
    },
    opts,
  );
}

/** Images in [0, 255] as VGG16 expects them: RGB → BGR, then ImageNet's mean subtracted. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("vgg16.preprocessInput", opts),
    mode: "caffe",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
