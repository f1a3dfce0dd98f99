/**
 * Keras's ConvNeXt skeleton (keras/src/applications/convnext.py), shared by Tiny … XLarge:
 * the optional `<name>_prestem_normalization` (ImageNet's mean and variance over [0, 255],
 * constants), the stem and three downsampling blocks as nested Sequential models
 * (`<name>_stem`: 4×4/4 conv + LayerNormalization; `<name>_downsampling_block_<i>`:
 * LayerNormalization + 2×2/2 conv), the stages of ConvNeXt blocks (7×7 depthwise conv as a
 * grouped Conv2D, LayerNormalization, Dense ×4 + GELU, Dense back, LayerScale, and
 * `<block>_identity` where the stochastic depth rate is 0, added to the block's input), and
 * the head (`<name>_head_gap`, `<name>_head_layernorm`, `<name>_head_dense`) or, without the
 * top, the optional pooling followed by a LayerNormalization.
 *
 * Each block's residual is Keras's `inputs + x`: an op node of the graph (`st.ops.add` on
 * symbolic tensors), which `model.layers` leaves out as Keras's does.
 */
import { ValueError } from "../errors.js";
import { Conv2D } from "../layers/conv/conv.js";
import { Activation } from "../layers/core/activation.js";
import { Dense } from "../layers/core/dense.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { ops } from "../layers/symbolic/ops-namespace.js";
import { LayerNormalization } from "../layers/normalization/layer-normalization.js";
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from "../layers/pooling/global-pooling.js";
import { Normalization } from "../layers/preprocessing/numeric/normalization.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  resolveOptions,
} from "./application-args.js";
import { LayerScale, StochasticDepth } from "./convnext-layers.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/";

/** Keras's sha256 hashes of the published files: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [string, string]> = {
  convnext_tiny: [
    "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
    "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
  ],
  convnext_small: [
    "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
    "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
  ],
  convnext_base: [
    "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
    "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
  ],
  convnext_large: [
    "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
    "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
  ],
  convnext_xlarge: [
    "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
    "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
  ],
};

const LN_EPSILON = 1e-6;
const LAYER_SCALE_INIT = 1e-6;
/** Every published variant uses a stochastic depth rate of 0. */
const DROP_PATH_RATE = 0;
const IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406];
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

type Tensor = SymbolicTensor;
const call = (layer: { apply(t: Tensor | Tensor[]): unknown }, x: Tensor | Tensor[]): Tensor =>
  layer.apply(x) as Tensor;
const layerNorm = (name?: string): LayerNormalization =>
  new LayerNormalization({ epsilon: LN_EPSILON, name });

/** One ConvNeXt: blocks per stage, channels per stage, Keras's name (also its weights key). */
export interface ConvNeXtSpec {
  where: string;
  name: string;
  depths: readonly number[];
  projectionDims: readonly number[];
}

/** Keras's ConvNeXt options: the common ones and `includePreprocessing` (default true). */
export interface ConvNeXtOptions extends ApplicationOptions {
  /** Include the prestem Normalization (for 3-channel inputs). Default true. */
  includePreprocessing?: boolean;
}

/** Keras's `ConvNeXtBlock`: depthwise 7×7, LN, inverted bottleneck MLP, LayerScale, residual. */
function convNeXtBlock(inputs: Tensor, dim: number, dropPathRate: number, name: string): Tensor {
  let x = call(
    new Conv2D(dim, 7, { padding: "same", groups: dim, name: `${name}_depthwise_conv` }),
    inputs,
  );
  x = call(layerNorm(`${name}_layernorm`), x);
  x = call(new Dense(4 * dim, { name: `${name}_pointwise_conv_1` }), x);
  x = call(new Activation("gelu", { name: `${name}_gelu` }), x);
  x = call(new Dense(dim, { name: `${name}_pointwise_conv_2` }), x);
  x = call(new LayerScale(LAYER_SCALE_INIT, dim, { name: `${name}_layer_scale` }), x);
  x = call(
    dropPathRate
      ? new StochasticDepth(dropPathRate, { name: `${name}_stochastic_depth` })
      : new Activation("linear", { name: `${name}_identity` }),
    x,
  );
  return ops.add(inputs, x);
}

/** Keras's `ConvNeXt(depths, projection_dims, …)`. */
export async function buildConvNeXt(spec: ConvNeXtSpec, opts: ConvNeXtOptions): Promise<Model> {
  const { includePreprocessing = true, ...common } = opts;
  const o = await resolveOptions(spec.where, common, {
    name: spec.name,
    defaultSize: 224,
    minSize: 32,
  });
  if (o.weights === "imagenet" && !o.name.includes(spec.name)) {
    throw new ValueError(
      `${spec.where}: model name "${o.name}" does not match weights variant "${spec.name}". ` +
        `When using imagenet weights, model name must contain the weights variant ` +
        `(e.g., "${spec.name}").`,
    );
  }
  const name = o.name;
  const dims = spec.projectionDims;
  const input = imageInput(o);
  let x = input;
  if (includePreprocessing && o.inputShape[2] === 3) {
    x = call(
      new Normalization({
        mean: IMAGENET_MEAN_RGB.map((m) => m * 255),
        variance: IMAGENET_STDDEV_RGB.map((s) => (s * 255) ** 2),
        name: `${name}_prestem_normalization`,
      }),
      x,
    );
  }
  const downsampling = [
    new Sequential(
      [
        new Conv2D(dims[0]!, 4, { strides: 4, name: `${name}_stem_conv` }),
        layerNorm(`${name}_stem_layernorm`),
      ],
      { name: `${name}_stem` },
    ),
    ...[0, 1, 2].map(
      (i) =>
        new Sequential(
          [
            layerNorm(`${name}_downsampling_layernorm_${i}`),
            new Conv2D(dims[i + 1]!, 2, { strides: 2, name: `${name}_downsampling_conv_${i}` }),
          ],
          { name: `${name}_downsampling_block_${i}` },
        ),
    ),
  ];
  // np.linspace(0, rate, total blocks): the stochastic depth schedule.
  const total = spec.depths.reduce((a, b) => a + b, 0);
  const rate = (k: number): number => (total > 1 ? (DROP_PATH_RATE * k) / (total - 1) : 0);
  let cur = 0;
  spec.depths.forEach((depth, i) => {
    x = call(downsampling[i]!, x);
    for (let j = 0; j < depth; j++) {
      x = convNeXtBlock(x, dims[i]!, rate(cur + j), `${name}_stage_${i}_block_${j}`);
    }
    cur += depth;
  });
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D({ name: `${name}_head_gap` }), x);
    x = call(layerNorm(`${name}_head_layernorm`), x);
    x = call(
      new Dense(o.classes, { activation: o.classifierActivation, name: `${name}_head_dense` }),
      x,
    );
  } else {
    if (o.pooling === "avg") x = call(new GlobalAveragePooling2D(), x);
    else if (o.pooling === "max") x = call(new GlobalMaxPooling2D(), x);
    x = call(layerNorm(), x);
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name });
  const [topHash, noTopHash] = WEIGHTS_HASHES[spec.name]!;
  // Keras names the file after the model's `name` argument.
  const fname = `${name}${o.includeTop ? ".h5" : "_notop.h5"}`;
  await loadApplicationWeights(spec.where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHTS_PATH}${fname}`,
    hash: o.includeTop ? topHash : noTopHash,
  });
  return model;
}
