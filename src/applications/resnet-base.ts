/**
 * Keras's ResNet skeleton (keras/src/applications/resnet.py), shared by ResNet50/101/152 and the
 * V2 models: the stem (`conv1_pad`, 7×7/2 `conv1_conv`, BN + ReLU for V1, `pool1_pad`,
 * `pool1_pool`), the stacks of bottleneck blocks the model passes in, V2's closing `post_bn` /
 * `post_relu`, and the top (`avg_pool`, `predictions`) or the optional pooling (`avg_pool` /
 * `max_pool`). Layer names are Keras's, so Keras's published weight files load by order.
 */
import { Conv2D } from "../layers/conv/conv.js";
import { ZeroPadding2D } from "../layers/conv/zero-padding2d.js";
import { Activation } from "../layers/core/activation.js";
import { Dense } from "../layers/core/dense.js";
import type { SymbolicTensor } from "../layers/layer.js";
import { Add } from "../layers/merging/arithmetic.js";
import { BatchNormalization } from "../layers/normalization/batch-normalization.js";
import { GlobalAveragePooling2D } from "../layers/pooling/global-pooling.js";
import { MaxPooling2D } from "../layers/pooling/pooling.js";
import { Model } from "../models/model.js";
import {
  type ApplicationOptions,
  imageInput,
  modelInputs,
  poolingHead,
  resolveOptions,
} from "./application-args.js";
import { loadApplicationWeights } from "./weights.js";

const BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";

/** Keras's md5 hashes of the published files: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [string, string]> = {
  resnet50: ["2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"],
  resnet101: ["f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"],
  resnet152: ["100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"],
  resnet50v2: ["3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"],
  resnet101v2: ["6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"],
  resnet152v2: ["a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"],
};

const BN_EPSILON = 1.001e-5;
const BN_AXIS = 3;

type Tensor = SymbolicTensor;
const call = (layer: { apply(t: Tensor | Tensor[]): unknown }, x: Tensor | Tensor[]): Tensor =>
  layer.apply(x) as Tensor;
const bn = (name: string): BatchNormalization =>
  new BatchNormalization({ axis: BN_AXIS, epsilon: BN_EPSILON, name });

/** One ResNet: its stacks, whether it pre-activates (V2), Keras's name and weights key. */
export interface ResNetSpec {
  where: string;
  name: string;
  weightsName: string;
  preact: boolean;
  stacks: (x: Tensor) => Tensor;
}

/** Keras's `ResNet(stack_fn, preact, use_bias=True, …)`. */
export async function buildResNet(spec: ResNetSpec, opts: ApplicationOptions): Promise<Model> {
  const o = await resolveOptions(spec.where, opts, {
    name: spec.name,
    defaultSize: 224,
    minSize: 32,
  });
  const input = imageInput(o);
  let x = call(
    new ZeroPadding2D({
      padding: [
        [3, 3],
        [3, 3],
      ],
      name: "conv1_pad",
    }),
    input,
  );
  x = call(new Conv2D(64, 7, { strides: 2, useBias: true, name: "conv1_conv" }), x);
  if (!spec.preact) {
    x = call(bn("conv1_bn"), x);
    x = call(new Activation("relu", { name: "conv1_relu" }), x);
  }
  x = call(
    new ZeroPadding2D({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: "pool1_pad",
    }),
    x,
  );
  x = call(new MaxPooling2D(3, { strides: 2, name: "pool1_pool" }), x);
  x = spec.stacks(x);
  if (spec.preact) {
    x = call(bn("post_bn"), x);
    x = call(new Activation("relu", { name: "post_relu" }), x);
  }
  if (o.includeTop) {
    x = call(new GlobalAveragePooling2D({ name: "avg_pool" }), x);
    x = call(new Dense(o.classes, { activation: o.classifierActivation, name: "predictions" }), x);
  } else {
    x = poolingHead(x, o.pooling, { avg: "avg_pool", max: "max_pool" });
  }
  const model = new Model({ inputs: modelInputs(o, input), outputs: x, name: o.name });
  const [topHash, noTopHash] = WEIGHTS_HASHES[spec.weightsName]!;
  const fname = `${spec.weightsName}_weights_tf_dim_ordering_tf_kernels${o.includeTop ? "" : "_notop"}.h5`;
  await loadApplicationWeights(spec.where, model, o.weights, {
    fname,
    url: `${BASE_WEIGHTS_PATH}${fname}`,
    hash: o.includeTop ? topHash : noTopHash,
  });
  return model;
}

/**
 * Keras's `residual_block_v1`: 1×1 → 3×3 → 1×1 (×4 filters) convolutions with BN, added to the
 * input or to a 1×1 projection of it (`_0_conv`, `_0_bn`), then ReLU (`_out`).
 */
function residualBlockV1(
  x: Tensor,
  filters: number,
  name: string,
  o: { stride?: number; convShortcut?: boolean } = {},
): Tensor {
  const stride = o.stride ?? 1;
  let shortcut = x;
  if (o.convShortcut ?? true) {
    shortcut = call(new Conv2D(4 * filters, 1, { strides: stride, name: `${name}_0_conv` }), x);
    shortcut = call(bn(`${name}_0_bn`), shortcut);
  }
  let y = call(new Conv2D(filters, 1, { strides: stride, name: `${name}_1_conv` }), x);
  y = call(bn(`${name}_1_bn`), y);
  y = call(new Activation("relu", { name: `${name}_1_relu` }), y);
  y = call(new Conv2D(filters, 3, { padding: "same", name: `${name}_2_conv` }), y);
  y = call(bn(`${name}_2_bn`), y);
  y = call(new Activation("relu", { name: `${name}_2_relu` }), y);
  y = call(new Conv2D(4 * filters, 1, { name: `${name}_3_conv` }), y);
  y = call(bn(`${name}_3_bn`), y);
  y = call(new Add({ name: `${name}_add` }), [shortcut, y]);
  return call(new Activation("relu", { name: `${name}_out` }), y);
}

/** Keras's `stack_residual_blocks_v1`: a projecting first block (stride `stride1`), then identity ones. */
export function stackV1(
  x: Tensor,
  filters: number,
  blocks: number,
  name: string,
  stride1 = 2,
): Tensor {
  x = residualBlockV1(x, filters, `${name}_block1`, { stride: stride1 });
  for (let i = 2; i <= blocks; i++) {
    x = residualBlockV1(x, filters, `${name}_block${i}`, { convShortcut: false });
  }
  return x;
}

/**
 * Keras's `residual_block_v2` (pre-activation): BN + ReLU first (`_preact_bn`, `_preact_relu`),
 * then bias-free 1×1 and padded 3×3 (stride here) convolutions with BN + ReLU and a 1×1 (×4
 * filters) convolution, added to a projection of the pre-activation (`_0_conv`), to a 1×1
 * stride max pooling of the input (Keras leaves that layer unnamed) or to the input itself.
 */
function residualBlockV2(
  x: Tensor,
  filters: number,
  name: string,
  o: { stride?: number; convShortcut?: boolean } = {},
): Tensor {
  const stride = o.stride ?? 1;
  let preact = call(bn(`${name}_preact_bn`), x);
  preact = call(new Activation("relu", { name: `${name}_preact_relu` }), preact);
  const shortcut = o.convShortcut
    ? call(new Conv2D(4 * filters, 1, { strides: stride, name: `${name}_0_conv` }), preact)
    : stride > 1
      ? call(new MaxPooling2D(1, { strides: stride }), x)
      : x;
  let y = call(
    new Conv2D(filters, 1, { strides: 1, useBias: false, name: `${name}_1_conv` }),
    preact,
  );
  y = call(bn(`${name}_1_bn`), y);
  y = call(new Activation("relu", { name: `${name}_1_relu` }), y);
  y = call(
    new ZeroPadding2D({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: `${name}_2_pad`,
    }),
    y,
  );
  y = call(new Conv2D(filters, 3, { strides: stride, useBias: false, name: `${name}_2_conv` }), y);
  y = call(bn(`${name}_2_bn`), y);
  y = call(new Activation("relu", { name: `${name}_2_relu` }), y);
  y = call(new Conv2D(4 * filters, 1, { name: `${name}_3_conv` }), y);
  return call(new Add({ name: `${name}_out` }), [shortcut, y]);
}

/**
 * Keras's `stack_residual_blocks_v2`: a projecting first block, identity blocks, and a last
 * block that downsamples by `stride1`.
 */
export function stackV2(
  x: Tensor,
  filters: number,
  blocks: number,
  name: string,
  stride1 = 2,
): Tensor {
  x = residualBlockV2(x, filters, `${name}_block1`, { convShortcut: true });
  for (let i = 2; i < blocks; i++) x = residualBlockV2(x, filters, `${name}_block${i}`);
  return residualBlockV2(x, filters, `${name}_block${blocks}`, { stride: stride1 });
}
