// The applications' architectures as Keras 3.16 builds them: parameter counts with and without
// the top equal keras.io/api/applications' table (and the models' Keras summaries), layer names
// and order equal Keras's summaries (written out here from Keras's naming scheme, not from the
// builders), weight shapes, pooling heads, and a forward pass at the default 224×224. Each model
// is built once, with weights null.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { assertNames } from "./app-helpers.js";

type Builder = (opts?: applications.ApplicationOptions) => Promise<Model>;

/** Keras's documented totals: [with the top, without], and its layer counts (input included). */
const TABLE: [string, Builder, number, number, number][] = [
  ["VGG16", applications.VGG16, 138_357_544, 14_714_688, 23],
  ["VGG19", applications.VGG19, 143_667_240, 20_024_384, 26],
  ["ResNet50", applications.ResNet50, 25_636_712, 23_587_712, 177],
  ["ResNet101", applications.ResNet101, 44_707_176, 42_658_176, 347],
  ["ResNet152", applications.ResNet152, 60_419_944, 58_370_944, 517],
  ["ResNet50V2", applications.ResNet50V2, 25_613_800, 23_564_800, 192],
  ["ResNet101V2", applications.ResNet101V2, 44_675_560, 42_626_560, 379],
  ["ResNet152V2", applications.ResNet152V2, 60_380_648, 58_331_648, 566],
];

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);
const count = (ws: readonly { shape: readonly number[] }[]): number =>
  ws.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);

/** ResNet V1's layers after the input, in Keras's summary order. */
function resnetV1Names(blocks: number[]): string[] {
  const out = ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"];
  blocks.forEach((n, s) => {
    for (let b = 1; b <= n; b++) {
      const p = `conv${s + 2}_block${b}_`;
      const first = ["1_conv", "1_bn", "1_relu", "2_conv", "2_bn", "2_relu"];
      // The projection shortcut sits at the depth of the third convolution, met first.
      const rest = b === 1 ? ["0_conv", "3_conv", "0_bn", "3_bn"] : ["3_conv", "3_bn"];
      out.push(...[...first, ...rest, "add", "out"].map((x) => p + x));
    }
  });
  return [...out, "avg_pool", "predictions"];
}

/** ResNet V2's layers after the input; Keras leaves the shortcut's max pooling unnamed. */
function resnetV2Names(blocks: number[]): string[] {
  const out = ["conv1_pad", "conv1_conv", "pool1_pad", "pool1_pool"];
  blocks.forEach((n, s) => {
    for (let b = 1; b <= n; b++) {
      const p = `conv${s + 2}_block${b}_`;
      out.push(
        ...[
          "preact_bn",
          "preact_relu",
          "1_conv",
          "1_bn",
          "1_relu",
          "2_pad",
          "2_conv",
          "2_bn",
          "2_relu",
        ].map((x) => p + x),
      );
      if (b === 1) out.push(`${p}0_conv`);
      if (b === n && s < 3) out.push("max_pooling2d*");
      out.push(`${p}3_conv`, `${p}out`);
    }
  });
  return [...out, "post_bn", "post_relu", "avg_pool", "predictions"];
}

const VGG16_NAMES = [
  ...[1, 2].flatMap((b) => [`block${b}_conv1`, `block${b}_conv2`, `block${b}_pool`]),
  ...[3, 4, 5].flatMap((b) => [1, 2, 3].map((i) => `block${b}_conv${i}`).concat(`block${b}_pool`)),
];

describe("applications: architectures (Keras 3.16)", () => {
  for (const [name, build, withTop, withoutTop, layers] of TABLE) {
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without; ${layers} layers`, async () => {
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.layers.length, layers);
      assert.ok(top.layers[0] instanceof st.layers.InputLayer);
      assert.deepEqual(top.inputs[0]!.shape, [null, 224, 224, 3]);
      assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
      assert.equal(top.name, name.toLowerCase());
      assert.deepEqual(shapeOf(top, "predictions"), [
        [name.startsWith("VGG") ? 4096 : 2048, 1000],
        [1000],
      ]);
      // The default 224×224 runs, and the softmax rows sum to 1.
      const y = top.predictOnBatch(
        st.random.uniform([1, 224, 224, 3], { maxval: 255, seed: 1 }),
      ) as st.Tensor;
      assert.deepEqual(y.shape, [1, 1000]);
      assert.ok(Math.abs((y.dataSync() as Float32Array).reduce((a, b) => a + b, 0) - 1) < 1e-4);
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      // Without the top: no flatten / fc / avg_pool / predictions; any size of at least 32.
      assert.equal(bare.layers.length, layers - (name.startsWith("VGG") ? 4 : 2));
      assert.deepEqual(bare.inputs[0]!.shape, [null, null, null, 3]);
      assert.deepEqual(bare.outputs[0]!.shape, [
        null,
        null,
        null,
        name.startsWith("VGG") ? 512 : 2048,
      ]);
    });
  }

  it("VGG16's layers are Keras's blocks; its head is flatten, fc1, fc2, predictions", async () => {
    const m = await applications.VGG16({
      weights: null,
      includeTop: false,
      inputShape: [64, 48, 3],
      pooling: "max",
    });
    assert.deepEqual(names(m).slice(0, -1), VGG16_NAMES);
    assert.match(names(m).at(-1)!, /^global_max_pooling2d(_\d+)?$/);
    assert.deepEqual(m.outputs[0]!.shape, [null, 512]);
    assert.deepEqual(shapeOf(m, "block3_conv1"), [[3, 3, 128, 256], [256]]);
    const y = m.predictOnBatch(st.ones([2, 64, 48, 3])) as st.Tensor;
    assert.deepEqual(y.shape, [2, 512]);
  });

  it("ResNet50's layers, in Keras's order; conv biases, BN's 53,120 non-trainable weights", async () => {
    const m = await applications.ResNet50({ weights: null });
    assertNames(names(m), resnetV1Names([3, 4, 6, 3]));
    assert.deepEqual(shapeOf(m, "conv1_conv"), [[7, 7, 3, 64], [64]]);
    assert.deepEqual(shapeOf(m, "conv2_block1_0_conv"), [[1, 1, 64, 256], [256]]);
    assert.deepEqual(shapeOf(m, "conv3_block1_1_conv"), [[1, 1, 256, 128], [128]]);
    assert.deepEqual(shapeOf(m, "conv5_block3_3_bn"), [[2048], [2048], [2048], [2048]]);
    assert.equal(count(m.nonTrainableWeights), 53_120);
    const bn = m.getLayer("conv1_bn").getConfig();
    assert.equal(bn.epsilon, 1.001e-5);
    assert.equal(bn.axis, 3);
    assert.deepEqual(m.getLayer("conv4_block1_1_conv").getConfig().strides, [2, 2]);
  });

  it("ResNet50V2's layers, in Keras's order; bias-free inner convolutions; 45,440 non-trainable", async () => {
    const m = await applications.ResNet50V2({ weights: null });
    assertNames(names(m), resnetV2Names([3, 4, 6, 3]));
    assert.deepEqual(shapeOf(m, "conv2_block1_1_conv"), [[1, 1, 64, 64]]);
    assert.deepEqual(shapeOf(m, "conv2_block1_2_conv"), [[3, 3, 64, 64]]);
    assert.deepEqual(shapeOf(m, "conv2_block1_3_conv"), [[1, 1, 64, 256], [256]]);
    assert.deepEqual(shapeOf(m, "post_bn"), [[2048], [2048], [2048], [2048]]);
    assert.equal(count(m.nonTrainableWeights), 45_440);
    // The last block of conv2 … conv4 downsamples; conv5 keeps 7×7.
    assert.deepEqual(m.getLayer("conv2_block3_2_conv").getConfig().strides, [2, 2]);
    assert.deepEqual(m.getLayer("conv5_block3_2_conv").getConfig().strides, [1, 1]);
  });

  it("ResNet pooling heads are named avg_pool / max_pool; a custom head on inputTensor", async () => {
    const avg = await applications.ResNet101V2({
      weights: null,
      includeTop: false,
      pooling: "avg",
      inputShape: [32, 32, 3],
    });
    assert.equal(avg.layers.at(-1)!.name, "avg_pool");
    assert.deepEqual(avg.outputs[0]!.shape, [null, 2048]);
    // inputTensor: the model starts at the tensor's source Input, so layers before it are kept.
    const inp = st.Input({ shape: [40, 40, 3] });
    const scaled = new st.layers.Rescaling(1 / 255).apply(inp) as st.layers.SymbolicTensor;
    const m = await applications.ResNet50({
      weights: null,
      includeTop: false,
      inputTensor: scaled,
      pooling: "max",
    });
    assert.equal(m.layers.at(-1)!.name, "max_pool");
    assert.equal(m.inputs[0], inp);
    assert.equal(m.layers[1]!.constructor.name, "Rescaling");
    assert.deepEqual((m.predictOnBatch(st.ones([1, 40, 40, 3])) as st.Tensor).shape, [1, 2048]);
  });

  it("classes and classifierActivation shape the top; name overrides Keras's default", async () => {
    const m = await applications.ResNet50({
      weights: null,
      classes: 7,
      classifierActivation: null,
      name: "mine",
      inputShape: [64, 64, 3],
    });
    assert.equal(m.name, "mine");
    assert.deepEqual(shapeOf(m, "predictions"), [[2048, 7], [7]]);
    assert.equal(m.getLayer("predictions").getConfig().activation, "linear");
    assert.deepEqual(m.outputs[0]!.shape, [null, 7]);
  });
});
