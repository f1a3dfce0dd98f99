/**
 * `st.applications.inceptionV3`: Keras's `keras.applications.inception_v3` — InceptionV3 (a
 * stem of five convolutions and two max poolings, then the inception modules `mixed0` …
 * `mixed10`; default 299×299, at least 75×75), its input preprocessing ("tf": scaled to
 * [-1, 1]) and `decodePredictions`. As in Keras every convolution is bias-free and followed by
 * a BN without scale (`scale: false`) and a ReLU, all three unnamed; only the modules'
 * concatenations (`mixed<i>`, `mixed9_<i>`) and the top are named.
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
import * as imagenetUtils from "./imagenet-utils.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/";
const CHANNEL_AXIS = 3;

type T = SymbolicTensor;
const call = (layer: { apply(t: T | T[]): unknown }, x: T | T[]): T => layer.apply(x) as T;

/**
 * Keras's `conv2d_bn`: a bias-free `rows`×`cols` convolution ("same" unless told), a BN without
 * scale and a ReLU.
 */
function conv2dBn(
  x: T,
  filters: number,
  rows: number,
  cols: number,
  o: { padding?: "same" | "valid"; strides?: number } = {},
): T {
  x = call(
    new Conv2D(filters, [rows, cols], {
      strides: o.strides ?? 1,
      padding: o.padding ?? "same",
      useBias: false,
    }),
    x,
  );
  x = call(new BatchNormalization({ axis: CHANNEL_AXIS, scale: false }), x);
  return call(new Activation("relu"), x);
}

const avgPool3 = (x: T): T => call(new AveragePooling2D(3, { strides: 1, padding: "same" }), x);
const maxPool3 = (x: T): T => call(new MaxPooling2D(3, { strides: 2 }), x);
const concat = (xs: T[], name?: string): T =>
  call(new Concatenate({ axis: CHANNEL_AXIS, name }), xs);

/** mixed0 … mixed2: 1×1, 5×5, double 3×3 and pooled branches (35×35 at the default size). */
function module35(x: T, poolFilters: number, name: string): T {
  const b1x1 = conv2dBn(x, 64, 1, 1);
  let b5x5 = conv2dBn(x, 48, 1, 1);
  b5x5 = conv2dBn(b5x5, 64, 5, 5);
  let b3x3dbl = conv2dBn(x, 64, 1, 1);
  b3x3dbl = conv2dBn(b3x3dbl, 96, 3, 3);
  b3x3dbl = conv2dBn(b3x3dbl, 96, 3, 3);
  const pool = conv2dBn(avgPool3(x), poolFilters, 1, 1);
  return concat([b1x1, b5x5, b3x3dbl, pool], name);
}

/** mixed4 … mixed7: factorized 7×7 branches with `mid` channels inside (17×17). */
function module17(x: T, mid: number, name: string): T {
  const b1x1 = conv2dBn(x, 192, 1, 1);
  let b7x7 = conv2dBn(x, mid, 1, 1);
  b7x7 = conv2dBn(b7x7, mid, 1, 7);
  b7x7 = conv2dBn(b7x7, 192, 7, 1);
  let b7x7dbl = conv2dBn(x, mid, 1, 1);
  b7x7dbl = conv2dBn(b7x7dbl, mid, 7, 1);
  b7x7dbl = conv2dBn(b7x7dbl, mid, 1, 7);
  b7x7dbl = conv2dBn(b7x7dbl, mid, 7, 1);
  b7x7dbl = conv2dBn(b7x7dbl, 192, 1, 7);
  const pool = conv2dBn(avgPool3(x), 192, 1, 1);
  return concat([b1x1, b7x7, b7x7dbl, pool], name);
}

/** mixed9, mixed10: expanded 1×3 / 3×1 branches (8×8); `i` is 0 or 1. */
function module8(x: T, i: number): T {
  const b1x1 = conv2dBn(x, 320, 1, 1);
  const b3x3 = conv2dBn(x, 384, 1, 1);
  const b3x3Out = concat([conv2dBn(b3x3, 384, 1, 3), conv2dBn(b3x3, 384, 3, 1)], `mixed9_${i}`);
  let b3x3dbl = conv2dBn(x, 448, 1, 1);
  b3x3dbl = conv2dBn(b3x3dbl, 384, 3, 3);
  // Keras leaves this concatenation unnamed.
  const b3x3dblOut = concat([conv2dBn(b3x3dbl, 384, 1, 3), conv2dBn(b3x3dbl, 384, 3, 1)]);
  const pool = conv2dBn(avgPool3(x), 192, 1, 1);
  return concat([b1x1, b3x3Out, b3x3dblOut, pool], `mixed${9 + i}`);
}

/** Keras `InceptionV3`: 23,851,784 parameters with the top, 21,802,784 without. */
export async function InceptionV3(opts: ApplicationOptions = {}): Promise<Model> {
  const where = "InceptionV3";
  const o = await resolveOptions(where, opts, {
    name: "inception_v3",
    defaultSize: 299,
    minSize: 75,
  });
  const input = imageInput(o);
  let x = conv2dBn(input, 32, 3, 3, { strides: 2, padding: "valid" });
  x = conv2dBn(x, 32, 3, 3, { padding: "valid" });
  x = conv2dBn(x, 64, 3, 3);
  x = maxPool3(x);
  x = conv2dBn(x, 80, 1, 1, { padding: "valid" });
  x = conv2dBn(x, 192, 3, 3, { padding: "valid" });
  x = maxPool3(x);

  x = module35(x, 32, "mixed0");
  x = module35(x, 64, "mixed1");
  x = module35(x, 64, "mixed2");

  // mixed3: a strided 3×3, a strided double 3×3 and a max pooling (35 → 17).
  const b3x3 = conv2dBn(x, 384, 3, 3, { strides: 2, padding: "valid" });
  let b3x3dbl = conv2dBn(x, 64, 1, 1);
  b3x3dbl = conv2dBn(b3x3dbl, 96, 3, 3);
  b3x3dbl = conv2dBn(b3x3dbl, 96, 3, 3, { strides: 2, padding: "valid" });
  x = concat([b3x3, b3x3dbl, maxPool3(x)], "mixed3");

  x = module17(x, 128, "mixed4");
  x = module17(x, 160, "mixed5");
  x = module17(x, 160, "mixed6");
  x = module17(x, 192, "mixed7");

  // mixed8: a strided 3×3 and a strided 7×7 then 3×3, and a max pooling (17 → 8).
  let b3 = conv2dBn(x, 192, 1, 1);
  b3 = conv2dBn(b3, 320, 3, 3, { strides: 2, padding: "valid" });
  let b7x7x3 = conv2dBn(x, 192, 1, 1);
  b7x7x3 = conv2dBn(b7x7x3, 192, 1, 7);
  b7x7x3 = conv2dBn(b7x7x3, 192, 7, 1);
  b7x7x3 = conv2dBn(b7x7x3, 192, 3, 3, { strides: 2, padding: "valid" });
  x = concat([b3, b7x7x3, maxPool3(x)], "mixed8");

  x = module8(x, 0);
  x = module8(x, 1);

  const fname = "inception_v3_weights_tf_dim_ordering_tf_kernels";
  return finishApplication(where, o, input, x, {
    weights: {
      top: published(BASE, `${fname}.h5`, "9a0d58056eeedaa3f26cb7ebd46da564"),
      noTop: published(BASE, `${fname}_notop.h5`, "bcbd6486424b2319ff4ef7d526e38f63"),
    },
  });
}

/** Images in [0, 255] as InceptionV3 expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("inceptionV3.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
