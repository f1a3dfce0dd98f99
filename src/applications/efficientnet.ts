/**
 * `st.applications.efficientnet`: Keras's `keras.applications.efficientnet` — EfficientNetB0 …
 * B7 (efficientnet-base.ts: one architecture scaled in width, depth and input size), whose
 * input preprocessing is part of the model, so `preprocessInput` passes its input through
 * (Keras keeps it for compatibility), and `decodePredictions`. The models take float images
 * with values in [0, 255].
 */
import type { Model } from "../models/model.js";
import type { ApplicationOptions } from "./application-args.js";
import { buildEfficientNet } from "./efficientnet-base.js";
import { passThroughPreprocess } from "./efficientnet-preprocess.js";

/**
 * Keras `EfficientNetB0` (width 1.0, depth 1.0, 224×224, top dropout 0.2): 5,330,571 parameters
 * with the top, 4,049,571 without.
 */
export function EfficientNetB0(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB0",
      name: "efficientnetb0",
      weightsName: "b0",
      widthCoefficient: 1.0,
      depthCoefficient: 1.0,
      defaultSize: 224,
      dropoutRate: 0.2,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB1` (width 1.0, depth 1.1, 240×240, top dropout 0.2): 7,856,239 parameters
 * with the top, 6,575,239 without.
 */
export function EfficientNetB1(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB1",
      name: "efficientnetb1",
      weightsName: "b1",
      widthCoefficient: 1.0,
      depthCoefficient: 1.1,
      defaultSize: 240,
      dropoutRate: 0.2,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB2` (width 1.1, depth 1.2, 260×260, top dropout 0.3): 9,177,569 parameters
 * with the top, 7,768,569 without.
 */
export function EfficientNetB2(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB2",
      name: "efficientnetb2",
      weightsName: "b2",
      widthCoefficient: 1.1,
      depthCoefficient: 1.2,
      defaultSize: 260,
      dropoutRate: 0.3,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB3` (width 1.2, depth 1.4, 300×300, top dropout 0.3): 12,320,535 parameters
 * with the top, 10,783,535 without.
 */
export function EfficientNetB3(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB3",
      name: "efficientnetb3",
      weightsName: "b3",
      widthCoefficient: 1.2,
      depthCoefficient: 1.4,
      defaultSize: 300,
      dropoutRate: 0.3,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB4` (width 1.4, depth 1.8, 380×380, top dropout 0.4): 19,466,823 parameters
 * with the top, 17,673,823 without.
 */
export function EfficientNetB4(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB4",
      name: "efficientnetb4",
      weightsName: "b4",
      widthCoefficient: 1.4,
      depthCoefficient: 1.8,
      defaultSize: 380,
      dropoutRate: 0.4,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB5` (width 1.6, depth 2.2, 456×456, top dropout 0.4): 30,562,527 parameters
 * with the top, 28,513,527 without.
 */
export function EfficientNetB5(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB5",
      name: "efficientnetb5",
      weightsName: "b5",
      widthCoefficient: 1.6,
      depthCoefficient: 2.2,
      defaultSize: 456,
      dropoutRate: 0.4,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB6` (width 1.8, depth 2.6, 528×528, top dropout 0.5): 43,265,143 parameters
 * with the top, 40,960,143 without.
 */
export function EfficientNetB6(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB6",
      name: "efficientnetb6",
      weightsName: "b6",
      widthCoefficient: 1.8,
      depthCoefficient: 2.6,
      defaultSize: 528,
      dropoutRate: 0.5,
    },
    opts,
  );
}

/**
 * Keras `EfficientNetB7` (width 2.0, depth 3.1, 600×600, top dropout 0.5): 66,658,687 parameters
 * with the top, 64,097,687 without.
 */
export function EfficientNetB7(opts: ApplicationOptions = {}): Promise<Model> {
  return buildEfficientNet(
    {
      where: "EfficientNetB7",
      name: "efficientnetb7",
      weightsName: "b7",
      widthCoefficient: 2.0,
      depthCoefficient: 3.1,
      defaultSize: 600,
      dropoutRate: 0.5,
    },
    opts,
  );
}

/**
 * Keras's `efficientnet.preprocess_input(x, data_format=None)`: a placeholder that returns its
 * input unchanged, since the models rescale and normalize their inputs themselves.
 */
export const preprocessInput = passThroughPreprocess("efficientnet.preprocessInput");

export { decodePredictions } from "./imagenet-utils.js";
