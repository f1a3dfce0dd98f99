/**
 * Keras's EfficientNet skeleton (keras/src/applications/efficientnet.py), shared by B0 … B7:
 * the preprocessing inside the model (`Rescaling(1/255)`, a per-channel `Normalization` whose
 * statistics come with the weights, and with ImageNet weights a second `Rescaling` by
 * 1/√std), the stem (`stem_conv_pad`, 3×3/2 `stem_conv`, `stem_bn`, `stem_activation`), the
 * seven stages of inverted residual blocks scaled in width (`roundFilters`) and depth
 * (`roundRepeats`), the 1×1 `top_conv` / `top_bn` / `top_activation`, and the top (`avg_pool`,
 * `top_dropout`, `predictions`) or the optional pooling (`avg_pool` / `max_pool`). Layer names
 * and order are Keras's, so Keras's published weight files load by order.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { DepthwiseConv2D } from "../layers/conv/depthwise-conv2d.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dense } from "../layers/core/dense.js";
import { Dropout } from "../layers/core/dropout.js";
import { Reshape } from "../layers/core/reshape.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Add, Multiply } from "../layers/merging/arithmetic.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { Normalization } from "../layers/preprocessing/numeric/normalization.js";
import { Rescaling } from "../layers/preprocessing/numeric/rescaling.js";
import { Model } from "../models/model.js";
import { VarianceScaling } from "../nn/initializers.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
} from "./application-args.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/";

/** Keras's md5 hashes of the published files: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [string, string]> = {
  b0: ["902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"],
  b1: ["1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"],
  b2: ["b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"],
  b3: ["ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"],
  b4: ["18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"],
  b5: ["ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"],
  b6: ["165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"],
  b7: ["8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"],
};

/** One stage of B0: Keras's `DEFAULT_BLOCKS_ARGS` (every stage has id_skip and se_ratio 0.25). */
interface StageArgs {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
}

const STAGES: readonly StageArgs[] = [
  { kernelSize: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1 },
  { kernelSize: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1 },
  { kernelSize: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1 },
];

const SE_RATIO = 0.25;
const DEPTH_DIVISOR = 8;
const DROP_CONNECT_RATE = 0.2;
const ACTIVATION = "swish";
const BN_AXIS = 3;
/** ImageNet's RGB standard deviations; the published weights divide by √std once more. */
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

/** Keras's CONV_KERNEL_INITIALIZER and DENSE_KERNEL_INITIALIZER (EfficientNet and V2). */
export const convInit = (): VarianceScaling =>
  new VarianceScaling({ scale: 2, mode: "fan_out", distribution: "truncated_normal" });
export const denseInit = (): VarianceScaling =>
  new VarianceScaling({ scale: 1 / 3, mode: "fan_out", distribution: "uniform" });

type Tensor = SymbolicTensor;
const call = (layer: { apply(t: Tensor | Tensor[]): unknown }, x: Tensor | Tensor[]): Tensor =>
  layer.apply(x) as Tensor;
const bn = (name: string): BatchNormalization => new BatchNormalization({ axis: BN_AXIS, name });

/**
 * Keras's `imagenet_utils.correct_pad`: the zero padding before a strided "valid" convolution
 * of odd `kernelSize` that reproduces TensorFlow's "same" padding — one row / column less at
 * the top / left when that side of the input is even (or unknown).
 */
export function correctPad(x: Tensor, kernelSize: number): [[number, number], [number, number]] {
  const [h, w] = [x.shape[1], x.shape[2]];
  const adjust = h === null || h === undefined ? [1, 1] : [1 - (h % 2), 1 - (w! % 2)];
  const k = Math.floor(kernelSize / 2);
  return [
    [k - adjust[0]!, k],
    [k - adjust[1]!, k],
  ];
}

/** Keras's `round_filters`: filters × width, to a multiple of 8, never 10% below. */
export function roundFilters(filters: number, widthCoefficient: number): number {
  const scaled = filters * widthCoefficient;
  let rounded = Math.max(
    DEPTH_DIVISOR,
    Math.floor(Math.trunc(scaled + DEPTH_DIVISOR / 2) / DEPTH_DIVISOR) * DEPTH_DIVISOR,
  );
  if (rounded < 0.9 * scaled) rounded += DEPTH_DIVISOR;
  return rounded;
}

/** Keras's `round_repeats`: ⌈depth × repeats⌉. */
export function roundRepeats(repeats: number, depthCoefficient: number): number {
  return Math.ceil(depthCoefficient * repeats);
}

/**
 * The squeeze-and-excite phase of EfficientNet's and V2's blocks: the `filters` channels
 * averaged (`se_squeeze`, `se_reshape` to 1×1), squeezed to `filtersSe` (`se_reduce`, swish),
 * expanded back (`se_expand`, sigmoid) and multiplied into `x` (`se_excite`).
 */
export function squeezeExcite(x: Tensor, name: string, filters: number, filtersSe: number): Tensor {
  let se = call(new GlobalAveragePooling2D({ name: `${name}se_squeeze` }), x);
  se = call(new Reshape([1, 1, filters], { name: `${name}se_reshape` }), se);
  se = call(
    new Conv2D(filtersSe, 1, {
      padding: "same",
      activation: ACTIVATION,
      kernelInitializer: convInit(),
      name: `${name}se_reduce`,
    }),
    se,
  );
  se = call(
    new Conv2D(filters, 1, {
      padding: "same",
      activation: "sigmoid",
      kernelInitializer: convInit(),
      name: `${name}se_expand`,
    }),
    se,
  );
  return call(new Multiply({ name: `${name}se_excite` }), [x, se]);
}

/** One EfficientNet: its scaling, default size, top dropout, Keras's name and weights key. */
export interface EfficientNetSpec {
  where: string;
  name: string;
  weightsName: string;
  widthCoefficient: number;
  depthCoefficient: number;
  defaultSize: number;
  dropoutRate: number;
}

/**
 * Keras's `block`: an inverted residual block — 1×1 expansion (`expand_conv/bn/activation`,
 * when expand_ratio ≠ 1), depthwise convolution (`dwconv_pad` before a stride of 2, `dwconv`,
 * `bn`, `activation`), squeeze-and-excite (`se_squeeze`, `se_reshape`, `se_reduce`, `se_expand`,
 * `se_excite`), 1×1 projection (`project_conv`, `project_bn`) and, when the shapes allow, the
 * skip connection after a drop-connect Dropout (`drop`, one decision per sample) and `add`.
 */
function block(
  inputs: Tensor,
  name: string,
  a: { filtersIn: number; filtersOut: number; kernelSize: number; strides: number },
  expandRatio: number,
  dropRate: number,
): Tensor {
  const filters = a.filtersIn * expandRatio;
  let x = inputs;
  if (expandRatio !== 1) {
    x = call(
      new Conv2D(filters, 1, {
        padding: "same",
        useBias: false,
        kernelInitializer: convInit(),
        name: `${name}expand_conv`,
      }),
      x,
    );
    x = call(bn(`${name}expand_bn`), x);
    x = call(new Activation(ACTIVATION, { name: `${name}expand_activation` }), x);
  }
  let padding: "same" | "valid" = "same";
  if (a.strides === 2) {
    x = call(
      new ZeroPadding2D({ padding: correctPad(x, a.kernelSize), name: `${name}dwconv_pad` }),
      x,
    );
    padding = "valid";
  }
  x = call(
    new DepthwiseConv2D(a.kernelSize, {
      strides: a.strides,
      padding,
      useBias: false,
      depthwiseInitializer: convInit(),
      name: `${name}dwconv`,
    }),
    x,
  );
  x = call(bn(`${name}bn`), x);
  x = call(new Activation(ACTIVATION, { name: `${name}activation` }), x);

  x = squeezeExcite(x, name, filters, Math.max(1, Math.trunc(a.filtersIn * SE_RATIO)));

  x = call(
    new Conv2D(a.filtersOut, 1, {
      padding: "same",
      useBias: false,
      kernelInitializer: convInit(),
      name: `${name}project_conv`,
    }),
    x,
  );
  x = call(bn(`${name}project_bn`), x);
  if (a.strides === 1 && a.filtersIn === a.filtersOut) {
    if (dropRate > 0) {
      x = call(new Dropout(dropRate, { noiseShape: [null, 1, 1, 1], name: `${name}drop` }), x);
    }
    x = call(new Add({ name: `${name}add` }), [x, inputs]);
  }
  return x;
}

/** Keras's `EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate, …)`. */
export async function buildEfficientNet(
  spec: EfficientNetSpec,
  opts: ApplicationOptions,
): Promise<Model> {
  const o = await resolveOptions(spec.where, opts, {
    name: spec.name,
    defaultSize: spec.defaultSize,
    minSize: 32,
  });
  const width = (f: number): number => roundFilters(f, spec.widthCoefficient);
  const depth = (r: number): number => roundRepeats(r, spec.depthCoefficient);
  const input = imageInput(o);

  let x = call(new Rescaling(1 / 255), input);
  const normalization = new Normalization({ axis: BN_AXIS });
  x = call(normalization, x);
  if (o.weights === "imagenet") {
    // Keras's Normalization divides by √variance = std; the original model divides by std².
    x = call(new Rescaling(IMAGENET_STDDEV_RGB.map((s) => 1 / Math.sqrt(s))), x);
  }
  x = call(new ZeroPadding2D({ padding: correctPad(x, 3), name: "stem_conv_pad" }), x);
  x = call(
    new Conv2D(width(32), 3, {
      strides: 2,
      padding: "valid",
      useBias: false,
      kernelInitializer: convInit(),
      name: "stem_conv",
    }),
    x,
  );
  x = call(bn("stem_bn"), x);
  x = call(new Activation(ACTIVATION, { name: "stem_activation" }), x);

  const total = STAGES.reduce((n, s) => n + depth(s.repeats), 0);
  let b = 0;
  STAGES.forEach((s, i) => {
    const filtersOut = width(s.filtersOut);
    for (let j = 0; j < depth(s.repeats); j++) {
      // The first block of a stage changes the stride and the filters; the others keep them.
      const args = {
        filtersIn: j === 0 ? width(s.filtersIn) : filtersOut,
        filtersOut,
        kernelSize: s.kernelSize,
        strides: j === 0 ? s.strides : 1,
      };
      const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      x = block(x, name, args, s.expandRatio, (DROP_CONNECT_RATE * b) / total);
      b++;
    }
  });

  x = call(
    new Conv2D(width(1280), 1, {
      padding: "same",
      useBias: false,
      kernelInitializer: convInit(),
      name: "top_conv",
    }),
    x,
  );
  x = call(bn("top_bn"), x);
  x = call(new Activation(ACTIVATION, { name: "top_activation" }), x);
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D({ name: "avg_pool" }), x);
    if (spec.dropoutRate > 0) {
      x = call(new Dropout(spec.dropoutRate, { name: "top_dropout" }), x);
    }
    x = call(
      new Dense(o.classes, {
        activation: o.classifierActivation,
        kernelInitializer: denseInit(),
        name: "predictions",
      }),
      x,
    );
  } else {
    x = poolingHead(x, o.pooling, { avg: "avg_pool", max: "max_pool" });
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });

  const [topHash, noTopHash] = WEIGHTS_HASHES[spec.weightsName]!;
  // Keras names the file after the model's `name` argument.
  const fname = `${o.name}${o.includeTop ? ".h5" : "_notop.h5"}`;
  await loadApplicationWeights(spec.where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHTS_PATH}${fname}`,
    hash: o.includeTop ? topHash : noTopHash,
  });
  return model;
}
