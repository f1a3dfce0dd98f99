/**
 * `st.applications.efficientnetV2`: Keras's `keras.applications.efficientnet_v2` —
 * EfficientNetV2B0 … B3, S, M and L (efficientnet-v2-base.ts), whose input preprocessing is
 * part of the model (`includePreprocessing`, default true), so `preprocessInput` passes its
 * input through, as Keras's placeholder does, and `decodePredictions`. The models take float
 * images with values in [0, 255].
 */
import type { Model } from "../models/model.js";
import { passThroughPreprocess } from "./efficientnet-preprocess.js";
import { type EfficientNetV2Options, buildEfficientNetV2 } from "./efficientnet-v2-base.js";

export type { EfficientNetV2Options } from "./efficientnet-v2-base.js";

/** Keras `EfficientNetV2B0` (width 1.0, depth 1.0, 224×224): 7,200,312 parameters with the top. */
export function EfficientNetV2B0(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2B0",
      name: "efficientnetv2-b0",
      weightsName: "b0",
      widthCoefficient: 1.0,
      depthCoefficient: 1.0,
      defaultSize: 224,
    },
    opts,
  );
}

/** Keras `EfficientNetV2B1` (width 1.0, depth 1.1, 240×240): 8,212,124 parameters with the top. */
export function EfficientNetV2B1(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2B1",
      name: "efficientnetv2-b1",
      weightsName: "b1",
      widthCoefficient: 1.0,
      depthCoefficient: 1.1,
      defaultSize: 240,
    },
    opts,
  );
}

/** Keras `EfficientNetV2B2` (width 1.1, depth 1.2, 260×260): 10,178,374 parameters with the top. */
export function EfficientNetV2B2(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2B2",
      name: "efficientnetv2-b2",
      weightsName: "b2",
      widthCoefficient: 1.1,
      depthCoefficient: 1.2,
      defaultSize: 260,
    },
    opts,
  );
}

/** Keras `EfficientNetV2B3` (width 1.2, depth 1.4, 300×300): 14,467,622 parameters with the top. */
export function EfficientNetV2B3(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2B3",
      name: "efficientnetv2-b3",
      weightsName: "b3",
      widthCoefficient: 1.2,
      depthCoefficient: 1.4,
      defaultSize: 300,
    },
    opts,
  );
}

/** Keras `EfficientNetV2S` (width 1.0, depth 1.0, 384×384): 21,612,360 parameters with the top. */
export function EfficientNetV2S(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2S",
      name: "efficientnetv2-s",
      weightsName: "-s",
      widthCoefficient: 1.0,
      depthCoefficient: 1.0,
      defaultSize: 384,
    },
    opts,
  );
}

/** Keras `EfficientNetV2M` (width 1.0, depth 1.0, 480×480): 54,431,388 parameters with the top. */
export function EfficientNetV2M(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2M",
      name: "efficientnetv2-m",
      weightsName: "-m",
      widthCoefficient: 1.0,
      depthCoefficient: 1.0,
      defaultSize: 480,
    },
    opts,
  );
}

/** Keras `EfficientNetV2L` (width 1.0, depth 1.0, 480×480): 119,027,848 parameters with the top. */
export function EfficientNetV2L(opts: EfficientNetV2Options = {}): Promise<Model> {
  return buildEfficientNetV2(
    {
      where: "EfficientNetV2L",
      name: "efficientnetv2-l",
      weightsName: "-l",
      widthCoefficient: 1.0,
      depthCoefficient: 1.0,
      defaultSize: 480,
    },
    opts,
  );
}

/**
 * Keras's `efficientnet_v2.preprocess_input(x, data_format=None)`: returns its input
 * unchanged, since the models rescale (and normalize) their inputs themselves.
 */
export const preprocessInput = passThroughPreprocess("efficientnetV2.preprocessInput");

export { decodePredictions } from "./imagenet-utils.js";
