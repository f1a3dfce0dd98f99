/**
 * `st.applications.resnet` (and `resnet50`): Keras's `keras.applications.resnet` — ResNet50,
 * ResNet101 and ResNet152 (bottleneck blocks of V1, stacks of 3/4/6/3, 3/4/23/3 and 3/8/36/3),
 * their input preprocessing ("caffe": RGB → BGR, ImageNet's mean subtracted) and
 * `decodePredictions`.
 */
import type { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import { type ApplicationOptions, familyPreprocessOptions } from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import { buildResNet, stackV1 } from "./resnet-base.js";

/** A ResNet V1 with `blocks` bottleneck blocks in its stacks conv2 … conv5. */
function resnetV1(
  where: string,
  name: string,
  blocks: [number, number, number, number],
  opts: ApplicationOptions,
): Promise<Model> {
  return buildResNet(
    {
      where,
      name,
      weightsName: name,
      preact: false,
      stacks: (x) => {
        x = stackV1(x, 64, blocks[0], "conv2", 1);
        x = stackV1(x, 128, blocks[1], "conv3");
        x = stackV1(x, 256, blocks[2], "conv4");
        return stackV1(x, 512, blocks[3], "conv5");
      },
    },
    opts,
  );
}

/** Keras `ResNet50`: 25,636,712 parameters with the top, 23,587,712 without. */
export function ResNet50(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV1("ResNet50", "resnet50", [3, 4, 6, 3], opts);
}

/** Keras `ResNet101`: 44,707,176 parameters with the top, 42,658,176 without. */
export function ResNet101(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV1("ResNet101", "resnet101", [3, 4, 23, 3], opts);
}

/** Keras `ResNet152`: 60,419,944 parameters with the top, 58,370,944 without. */
export function ResNet152(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV1("ResNet152", "resnet152", [3, 8, 36, 3], opts);
}

/** Images in [0, 255] as the ResNets expect them: RGB → BGR, then ImageNet's mean subtracted. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("resnet.preprocessInput", opts),
    mode: "caffe",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
