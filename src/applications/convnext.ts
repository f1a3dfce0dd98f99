/**
 * `st.applications.convnext`: Keras's `keras.applications.convnext` — ConvNeXtTiny, Small,
 * Base, Large and XLarge (convnext-base.ts), whose input normalization is part of the model
 * (`includePreprocessing`, default true), so `preprocessInput` passes its input through, as
 * Keras's placeholder does, and `decodePredictions`. The models take float images with values
 * in [0, 255]. Its layers `LayerScale` and `StochasticDepth` are exported too.
 */
import type { Model } from "../models/model.js";
import { type ConvNeXtOptions, buildConvNeXt } from "./convnext-base.js";
import { passThroughPreprocess } from "./efficientnet-preprocess.js";

export type { ConvNeXtOptions } from "./convnext-base.js";
export { LayerScale, StochasticDepth } from "./convnext-layers.js";

/** Keras `ConvNeXtTiny`: stages of 3, 3, 9, 3 blocks with 96, 192, 384, 768 channels. */
export function ConvNeXtTiny(opts: ConvNeXtOptions = {}): Promise<Model> {
  return buildConvNeXt(
    {
      where: "ConvNeXtTiny",
      name: "convnext_tiny",
      depths: [3, 3, 9, 3],
      projectionDims: [96, 192, 384, 768],
    },
    opts,
  );
}

/** Keras `ConvNeXtSmall`: stages of 3, 3, 27, 3 blocks with 96, 192, 384, 768 channels. */
export function ConvNeXtSmall(opts: ConvNeXtOptions = {}): Promise<Model> {
  return buildConvNeXt(
    {
      where: "ConvNeXtSmall",
      name: "convnext_small",
      depths: [3, 3, 27, 3],
      projectionDims: [96, 192, 384, 768],
    },
    opts,
  );
}

/** Keras `ConvNeXtBase`: stages of 3, 3, 27, 3 blocks with 128, 256, 512, 1024 channels. */
export function ConvNeXtBase(opts: ConvNeXtOptions = {}): Promise<Model> {
  return buildConvNeXt(
    {
      where: "ConvNeXtBase",
      name: "convnext_base",
      depths: [3, 3, 27, 3],
      projectionDims: [128, 256, 512, 1024],
    },
    opts,
  );
}

/** Keras `ConvNeXtLarge`: stages of 3, 3, 27, 3 blocks with 192, 384, 768, 1536 channels. */
export function ConvNeXtLarge(opts: ConvNeXtOptions = {}): Promise<Model> {
  return buildConvNeXt(
    {
      where: "ConvNeXtLarge",
      name: "convnext_large",
      depths: [3, 3, 27, 3],
      projectionDims: [192, 384, 768, 1536],
    },
    opts,
  );
}

/** Keras `ConvNeXtXLarge`: stages of 3, 3, 27, 3 blocks with 256, 512, 1024, 2048 channels. */
export function ConvNeXtXLarge(opts: ConvNeXtOptions = {}): Promise<Model> {
  return buildConvNeXt(
    {
      where: "ConvNeXtXLarge",
      name: "convnext_xlarge",
      depths: [3, 3, 27, 3],
      projectionDims: [256, 512, 1024, 2048],
    },
    opts,
  );
}

/**
 * Keras's `convnext.preprocess_input(x, data_format=None)`: returns its input unchanged, since
 * the models normalize their inputs themselves.
 */
export const preprocessInput = passThroughPreprocess("convnext.preprocessInput");

export { decodePredictions } from "./imagenet-utils.js";
