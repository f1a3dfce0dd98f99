/**
 * `st.applications.resnetV2`: Keras's `keras.applications.resnet_v2` — ResNet50V2, ResNet101V2
 * and ResNet152V2 (pre-activation blocks; stacks of 3/4/6/3, 3/4/23/3 and 3/8/36/3, each stack
 * downsampling in its last block, the last stack not at all), their input preprocessing ("tf":
 * scaled to [-1, 1]) and `decodePredictions`.
 */
import type { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import { type ApplicationOptions, familyPreprocessOptions } from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import { buildResNet, stackV2 } from "./resnet-base.js";

/** A ResNet V2 with `blocks` pre-activation blocks in its stacks conv2 … conv5. */
function resnetV2(
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
      preact: true,
      stacks: (x) => {
        x = stackV2(x, 64, blocks[0], "conv2");
        x = stackV2(x, 128, blocks[1], "conv3");
        x = stackV2(x, 256, blocks[2], "conv4");
        return stackV2(x, 512, blocks[3], "conv5", 1);
      },
    },
    opts,
  );
}

/** Keras `ResNet50V2`: 25,613,800 parameters with the top, 23,564,800 without. */
export function ResNet50V2(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV2("ResNet50V2", "resnet50v2", [3, 4, 6, 3], opts);
}

/** Keras `ResNet101V2`: 44,675,560 parameters with the top, 42,626,560 without. */
export function ResNet101V2(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV2("ResNet101V2", "resnet101v2", [3, 4, 23, 3], opts);
}

/** Keras `ResNet152V2`: 60,380,648 parameters with the top, 58,331,648 without. */
export function ResNet152V2(opts: ApplicationOptions = {}): Promise<Model> {
  return resnetV2("ResNet152V2", "resnet152v2", [3, 8, 36, 3], opts);
}

/** Images in [0, 255] as the V2 ResNets expect them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("resnetV2.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
