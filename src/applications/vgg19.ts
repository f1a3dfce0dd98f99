/**
 * `st.applications.vgg19`: Keras's `keras.applications.vgg19` — the VGG19 model (16
 * convolutions in blocks of 2, 2, 4, 4, 4, then three dense layers; 143,667,240 parameters with
 * the top, 20,024,384 without), its input preprocessing ("caffe": RGB → BGR, ImageNet's mean
 * subtracted) and `decodePredictions`.
 */
import type { Model } from "../models/model.js";
import { type ApplicationOptions, familyPreprocessOptions } from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import { buildVgg } from "./vgg.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/";

/** Keras `VGG19(include_top, weights, input_tensor, input_shape, pooling, classes, …)`. */
export function VGG19(opts: ApplicationOptions = {}): Promise<Model> {
  return buildVgg(
    {
      where: "VGG19",
      name: "vgg19",
      convsPerBlock: [2, 2, 4, 4, 4],
      weights: {
        top: {
          fname: "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
          url: `${BASE}vgg19_weights_tf_dim_ordering_tf_kernels.h5`,
          hash: "cbe5617147190e668d6c5d5026f83318",
        },
        noTop: {
          fname: "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
          url: `${BASE}vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
          hash: "253f8cb515780f3b799900260a226db6",
        },
      },
    },
    opts,
  );
}

/** Images in [0, 255] as VGG19 expects them: RGB → BGR, then ImageNet's mean subtracted. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("vgg19.preprocessInput", opts),
    mode: "caffe",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
