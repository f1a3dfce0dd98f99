/**
 * `st.applications.nasnet`: Keras's `keras.applications.nasnet` — NASNetMobile (NASNet-A 4 @
 * 1056, default 224×224) and NASNetLarge (6 @ 4032, default 331×331): a strided stem
 * convolution, two stem reduction cells, then three stacks of normal cells separated by
 * reduction cells, each cell joining its input and the previous cell's output (`p`, adjusted to
 * the input's size and width). Also their input preprocessing ("tf": scaled to [-1, 1]) and
 * `decodePredictions`. Layer names are Keras's (`reduction_conv_1_stem_1`,
 * `separable_conv_1_normal_left1_0`, `adjust_bn_0` …, with Keras's unnamed ReLUs, paddings,
 * croppings, additions and concatenations left automatic), so the published files load by order.
 */
import { ValueError } from "../errors.js";
import { Conv2D } from "../layers/conv/conv.js";
import { Cropping2D } from "../layers/conv/cropping2d.js";
import { SeparableConv2D } from "../layers/conv/separable-conv.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dense } from "../layers/core/dense.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Add } from "../layers/merging/arithmetic.js";
import { Concatenate } from "../layers/merging/concatenate.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { AveragePooling2D, MaxPooling2D } from "../layers/pooling/pooling.js";
import { Model } from "../models/model.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import {
  type ApplicationOptions,
  familyPreprocessOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
} from "./application-args.js";
import * as imagenetUtils from "./imagenet-utils.js";
import { type WeightsFile, loadApplicationWeights } from "./weights.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/";

type T = SymbolicTensor;
type Pads = [[number, number], [number, number]];
const call = (layer: { apply(t: T | T[]): unknown }, x: T | T[]): T => layer.apply(x) as T;
// Keras's NASNet BN: last axis, momentum 0.9997, epsilon 1e-3.
const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: -1, momentum: 0.9997, epsilon: 1e-3, name });
const relu = (name?: string): Activation => new Activation("relu", { name });
/** A bias-free "same" 1×1 convolution with Keras's he_normal initializer. */
const conv1x1 = (filters: number, name: string): Conv2D =>
  new Conv2D(filters, 1, {
    padding: "same",
    useBias: false,
    kernelInitializer: "he_normal",
    name,
  });
const avgPool = (size: number, strides: number, padding: "same" | "valid", name: string) =>
  new AveragePooling2D(size, { strides, padding, name });

/**
 * Keras's `imagenet_utils.correct_pad`: the zero padding before a stride-2 "valid" convolution
 * or pooling of size `k` that centres it as "same" would (one less at the top/left of an even
 * side, or where the side is unknown).
 */
function correctPad(x: T, k: number): Pads {
  const [h, w] = [x.shape[1], x.shape[2]];
  const adjust = h === null || h === undefined ? [1, 1] : [1 - (h % 2), 1 - (w! % 2)];
  const c = Math.floor(k / 2);
  return [
    [c - adjust[0]!, c],
    [c - adjust[1]!, c],
  ];
}

/**
 * Keras's `_separable_conv_block`: twice ReLU, a bias-free separable convolution of size `k`
 * and BN; with stride 2 the first is "valid" after `separable_conv_1_pad_<id>`.
 */
function separableConvBlock(x: T, filters: number, k: number, strides: 1 | 2, id: string): T {
  x = call(relu(), x);
  let padding: "same" | "valid" = "same";
  if (strides === 2) {
    x = call(
      new ZeroPadding2D({ padding: correctPad(x, k), name: `separable_conv_1_pad_${id}` }),
      x,
    );
    padding = "valid";
  }
  x = call(
    new SeparableConv2D(filters, k, {
      strides,
      padding,
      useBias: false,
      name: `separable_conv_1_${id}`,
    }),
    x,
  );
  x = call(bn(`separable_conv_1_bn_${id}`), x);
  x = call(relu(), x);
  x = call(
    new SeparableConv2D(filters, k, {
      padding: "same",
      useBias: false,
      name: `separable_conv_2_${id}`,
    }),
    x,
  );
  return call(bn(`separable_conv_2_bn_${id}`), x);
}

/**
 * Keras's `_adjust_block`: the previous path `p` made to match `ip`: `ip` itself where there is
 * none; where the sides differ, two strided 1×1 average-pooled paths (the second shifted by one
 * pixel through padding and cropping) each convolved to `filters / 2`, concatenated and
 * normalized; where only the width differs, a ReLU, 1×1 projection and BN.
 */
function adjustBlock(p: T | null, ip: T, filters: number, id: string): T {
  if (p === null) return ip;
  if (p.shape[2] !== ip.shape[2]) {
    p = call(relu(`adjust_relu_1_${id}`), p);
    let p1 = call(avgPool(1, 2, "valid", `adjust_avg_pool_1_${id}`), p);
    p1 = call(conv1x1(Math.floor(filters / 2), `adjust_conv_1_${id}`), p1);
    let p2 = call(
      new ZeroPadding2D({
        padding: [
          [0, 1],
          [0, 1],
        ],
      }),
      p,
    );
    p2 = call(
      new Cropping2D({
        cropping: [
          [1, 0],
          [1, 0],
        ],
      }),
      p2,
    );
    p2 = call(avgPool(1, 2, "valid", `adjust_avg_pool_2_${id}`), p2);
    p2 = call(conv1x1(Math.floor(filters / 2), `adjust_conv_2_${id}`), p2);
    p = call(new Concatenate({ axis: -1 }), [p1, p2]);
    return call(bn(`adjust_bn_${id}`), p);
  }
  if (p.shape[3] !== filters) {
    p = call(relu(), p);
    p = call(conv1x1(filters, `adjust_conv_projection_${id}`), p);
    return call(bn(`adjust_bn_${id}`), p);
  }
  return p;
}

const add = (xs: T[], name?: string): T => call(new Add({ name }), xs);

/** Keras's `_normal_a_cell` (NASNet-A's normal cell); returns [output, the new `p`]. */
function normalCell(ip: T, p: T | null, filters: number, id: string): [T, T] {
  const q = adjustBlock(p, ip, filters, id);
  let h = call(relu(), ip);
  h = call(conv1x1(filters, `normal_conv_1_${id}`), h);
  h = call(bn(`normal_bn_1_${id}`), h);
  const x1 = add(
    [
      separableConvBlock(h, filters, 5, 1, `normal_left1_${id}`),
      separableConvBlock(q, filters, 3, 1, `normal_right1_${id}`),
    ],
    `normal_add_1_${id}`,
  );
  const x2 = add(
    [
      separableConvBlock(q, filters, 5, 1, `normal_left2_${id}`),
      separableConvBlock(q, filters, 3, 1, `normal_right2_${id}`),
    ],
    `normal_add_2_${id}`,
  );
  const x3 = add([call(avgPool(3, 1, "same", `normal_left3_${id}`), h), q], `normal_add_3_${id}`);
  const x4 = add(
    [
      call(avgPool(3, 1, "same", `normal_left4_${id}`), q),
      call(avgPool(3, 1, "same", `normal_right4_${id}`), q),
    ],
    `normal_add_4_${id}`,
  );
  const x5 = add(
    [separableConvBlock(h, filters, 3, 1, `normal_left5_${id}`), h],
    `normal_add_5_${id}`,
  );
  const x = call(new Concatenate({ axis: -1, name: `normal_concat_${id}` }), [
    q,
    x1,
    x2,
    x3,
    x4,
    x5,
  ]);
  return [x, ip];
}

/** Keras's `_reduction_a_cell` (NASNet-A's reduction cell, halving the sides). */
function reductionCell(ip: T, p: T | null, filters: number, id: string): [T, T] {
  const q = adjustBlock(p, ip, filters, id);
  let h = call(relu(), ip);
  h = call(conv1x1(filters, `reduction_conv_1_${id}`), h);
  h = call(bn(`reduction_bn_1_${id}`), h);
  const h3 = call(
    new ZeroPadding2D({ padding: correctPad(h, 3), name: `reduction_pad_1_${id}` }),
    h,
  );
  const x1 = add(
    [
      separableConvBlock(h, filters, 5, 2, `reduction_left1_${id}`),
      separableConvBlock(q, filters, 7, 2, `reduction_right1_${id}`),
    ],
    `reduction_add_1_${id}`,
  );
  const x2 = add(
    [
      call(
        new MaxPooling2D(3, { strides: 2, padding: "valid", name: `reduction_left2_${id}` }),
        h3,
      ),
      separableConvBlock(q, filters, 7, 2, `reduction_right2_${id}`),
    ],
    `reduction_add_2_${id}`,
  );
  const x3 = add(
    [
      call(avgPool(3, 2, "valid", `reduction_left3_${id}`), h3),
      separableConvBlock(q, filters, 5, 2, `reduction_right3_${id}`),
    ],
    `reduction_add3_${id}`,
  );
  // Keras leaves this addition unnamed.
  const x4 = add([x2, call(avgPool(3, 1, "same", `reduction_left4_${id}`), x1)]);
  const x5 = add(
    [
      separableConvBlock(x1, filters, 3, 1, `reduction_left4_${id}`),
      call(
        new MaxPooling2D(3, { strides: 2, padding: "valid", name: `reduction_right5_${id}` }),
        h3,
      ),
    ],
    `reduction_add4_${id}`,
  );
  const x = call(new Concatenate({ axis: -1, name: `reduction_concat_${id}` }), [x2, x3, x4, x5]);
  return [x, ip];
}

/** One NASNet configuration: Keras's `NASNet(…)` arguments and published files. */
interface NASNetSpec {
  where: string;
  name: string;
  defaultSize: number;
  penultimateFilters: number;
  numBlocks: number;
  stemBlockFilters: number;
  skipReduction: boolean;
  weights: { top: WeightsFile; noTop: WeightsFile };
}

const FILTER_MULTIPLIER = 2;

/** Keras's `NASNet`: the checks, the stem, the cells, the head and the weights. */
async function nasnet(spec: NASNetSpec, opts: ApplicationOptions): Promise<Model> {
  const { where } = spec;
  const includeTop = opts.includeTop ?? true;
  const weights = opts.weights === undefined ? "imagenet" : opts.weights;
  // NASNet refuses an input shape with unknown sides together with ImageNet weights; Keras
  // checks the (then valid) weights and the classes first.
  if (
    weights === "imagenet" &&
    opts.inputShape &&
    opts.inputShape.includes(null) &&
    !(includeTop && (opts.classes ?? 1000) !== 1000)
  ) {
    throw new ValueError(
      `${where}: when specifying the input shape of a NASNet and loading ImageNet weights, the ` +
        `inputShape argument must be static (no null entries). Got: inputShape=` +
        `[${opts.inputShape.map((d) => (d === null ? "null" : d)).join(", ")}]`,
    );
  }
  const o = await resolveOptions(where, opts, {
    name: spec.name,
    defaultSize: spec.defaultSize,
    minSize: 32,
  });
  const input = imageInput(o);
  const m = FILTER_MULTIPLIER;
  const filters = Math.floor(spec.penultimateFilters / 24);
  const n = spec.numBlocks;

  let x = call(
    new Conv2D(spec.stemBlockFilters, 3, {
      strides: 2,
      padding: "valid",
      useBias: false,
      kernelInitializer: "he_normal",
      name: "stem_conv1",
    }),
    input,
  );
  x = call(bn("stem_bn1"), x);
  let p: T | null = null;
  let p0: T;
  [x, p] = reductionCell(x, p, Math.floor(filters / m ** 2), "stem_1");
  [x, p] = reductionCell(x, p, Math.floor(filters / m), "stem_2");
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters, `${i}`);
  [x, p0] = reductionCell(x, p, filters * m, `reduce_${n}`);
  if (!spec.skipReduction) p = p0;
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters * m, `${n + i + 1}`);
  [x, p0] = reductionCell(x, p, filters * m ** 2, `reduce_${2 * n}`);
  if (!spec.skipReduction) p = p0;
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters * m ** 2, `${2 * n + i + 1}`);
  x = call(relu(), x);

  // Keras leaves the top's global pooling and the pooling heads unnamed.
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D(), x);
    x = call(new Dense(o.classes, { activation: o.classifierActivation, name: "predictions" }), x);
  } else {
    x = poolingHead(x, o.pooling);
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  await loadApplicationWeights(
    where,
    model,
    o.weights,
    o.includeTop ? spec.weights.top : spec.weights.noTop,
  );
  return model;
}

const file = (fname: string, url: string, hash: string): WeightsFile => ({
  fname,
  url: `${BASE}${url}`,
  hash,
});

/**
 * Keras `NASNetMobile`: 5,326,716 parameters with the top, 4,269,716 without. Without the top
 * and with no `inputShape` the input is still 224×224×3, as in Keras.
 */
export function NASNetMobile(opts: ApplicationOptions = {}): Promise<Model> {
  const includeTop = opts.includeTop ?? true;
  const inputShape =
    !includeTop && (opts.inputShape ?? null) === null ? [224, 224, 3] : opts.inputShape;
  return nasnet(
    {
      where: "NASNetMobile",
      name: "nasnet_mobile",
      defaultSize: 224,
      penultimateFilters: 1056,
      numBlocks: 4,
      stemBlockFilters: 32,
      skipReduction: false,
      weights: {
        top: file("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
        noTop: file(
          "nasnet_mobile_no_top.h5",
          "NASNet-mobile-no-top.h5",
          "1ed92395b5b598bdda52abe5c0dbfd63",
        ),
      },
    },
    inputShape === opts.inputShape ? opts : { ...opts, inputShape },
  );
}

/**
 * Keras `NASNetLarge`: 88,949,818 parameters with the top, 84,916,818 without at 331×331. As in
 * Keras, without the top and with sides left unknown every cell after a reduction sees equal
 * (unknown) sides and adjusts its previous path by a projection instead: 84,887,922 parameters.
 */
export function NASNetLarge(opts: ApplicationOptions = {}): Promise<Model> {
  return nasnet(
    {
      where: "NASNetLarge",
      name: "nasnet_large",
      defaultSize: 331,
      penultimateFilters: 4032,
      numBlocks: 6,
      stemBlockFilters: 96,
      skipReduction: true,
      weights: {
        top: file("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
        noTop: file(
          "nasnet_large_no_top.h5",
          "NASNet-large-no-top.h5",
          "d81d89dc07e6e56530c4e77faddd61b5",
        ),
      },
    },
    opts,
  );
}

/** Images in [0, 255] as NASNet expects them: scaled to [-1, 1]. */
export function preprocessInput(
  x: Tensor | NestedArray,
  opts: { dataFormat?: imagenetUtils.DataFormat | null } = {},
): Tensor {
  return imagenetUtils.preprocessInput(x, {
    ...familyPreprocessOptions("nasnet.preprocessInput", opts),
    mode: "tf",
  });
}

export { decodePredictions } from "./imagenet-utils.js";
