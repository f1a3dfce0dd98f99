// DenseNet121/169/201 as Keras 3.16 builds them (keras/src/applications/densenet.py): parameter
// counts with and without the top equal keras.io/api/applications' table (8.1M / 14.3M / 20.2M;
// the exact totals recomputed in the test from the architecture's arithmetic), layer counts,
// DenseNet121's layer names and order written out here from Keras's naming scheme, weight
// shapes, the pooling heads, a forward pass at the minimum 32×32, and densenet's
// preprocessInput ("torch" mode) computed by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { assertNames } from "./app-helpers.js";

type Builder = (opts?: applications.ApplicationOptions) => Promise<Model>;
type Blocks = [number, number, number, number];

/**
 * DenseNet's parameters by hand: the 7×7 stem conv (no bias) and BN; per building block BN,
 * 1×1 conv to 128, BN, 3×3 conv to 32 (+32 channels); per transition BN and 1×1 conv halving
 * the channels; the final BN; the top's Dense. A BN has 4 vectors.
 */
function densenetParams(blocks: Blocks, top: boolean): number {
  let channels = 64;
  let total = 7 * 7 * 3 * 64 + 4 * 64;
  blocks.forEach((n, b) => {
    for (let i = 0; i < n; i++) {
      total += 4 * channels + channels * 128 + 4 * 128 + 3 * 3 * 128 * 32;
      channels += 32;
    }
    if (b < 3) {
      total += 4 * channels + channels * (channels / 2);
      channels /= 2;
    }
  });
  total += 4 * channels;
  return top ? total + channels * 1000 + 1000 : total;
}

/** [name, builder, blocks, with the top, without, layers (input and top included), features] */
const TABLE: [string, Builder, Blocks, number, number, number, number][] = [
  ["DenseNet121", applications.DenseNet121, [6, 12, 24, 16], 8_062_504, 7_037_504, 429, 1024],
  ["DenseNet169", applications.DenseNet169, [6, 12, 32, 32], 14_307_880, 12_642_880, 597, 1664],
  ["DenseNet201", applications.DenseNet201, [6, 12, 48, 32], 20_242_984, 18_321_984, 709, 1920],
];

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);

/** DenseNet's layers after the input, in Keras's summary order; "zero_padding2d*" is unnamed. */
function densenetNames(blocks: Blocks): string[] {
  const out = [
    "zero_padding2d*",
    "conv1_conv",
    "conv1_bn",
    "conv1_relu",
    "zero_padding2d*",
    "pool1",
  ];
  blocks.forEach((n, s) => {
    for (let b = 1; b <= n; b++) {
      const p = `conv${s + 2}_block${b}_`;
      out.push(
        ...["0_bn", "0_relu", "1_conv", "1_bn", "1_relu", "2_conv", "concat"].map((x) => p + x),
      );
    }
    if (s < 3) out.push(...["bn", "relu", "conv", "pool"].map((x) => `pool${s + 2}_${x}`));
  });
  return [...out, "bn", "relu", "avg_pool", "predictions"];
}

describe("applications: DenseNet (Keras 3.16)", () => {
  for (const [name, build, blocks, withTop, withoutTop, layers, features] of TABLE) {
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without; ${layers} layers`, async () => {
      assert.equal(densenetParams(blocks, true), withTop);
      assert.equal(densenetParams(blocks, false), withoutTop);
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.layers.length, layers);
      assert.equal(top.name, name.toLowerCase());
      assert.deepEqual(top.inputs[0]!.shape, [null, 224, 224, 3]);
      assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
      assert.deepEqual(shapeOf(top, "predictions"), [[features, 1000], [1000]]);
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      assert.equal(bare.layers.length, layers - 2);
      assert.deepEqual(bare.inputs[0]!.shape, [null, null, null, 3]);
      assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, features]);
    });
  }

  it("DenseNet121's layers are Keras's, in Keras's order; bias-free convolutions", async () => {
    const m = await applications.DenseNet121({ weights: null });
    assertNames(names(m), densenetNames([6, 12, 24, 16]));
    assert.deepEqual(shapeOf(m, "conv1_conv"), [[7, 7, 3, 64]]);
    assert.deepEqual(shapeOf(m, "conv2_block1_1_conv"), [[1, 1, 64, 128]]);
    assert.deepEqual(shapeOf(m, "conv2_block1_2_conv"), [[3, 3, 128, 32]]);
    // conv2 ends with 64 + 6 × 32 = 256 channels; the transition halves them.
    assert.deepEqual(shapeOf(m, "pool2_conv"), [[1, 1, 256, 128]]);
    assert.deepEqual(shapeOf(m, "pool4_conv"), [[1, 1, 1024, 512]]);
    assert.deepEqual(shapeOf(m, "bn"), [[1024], [1024], [1024], [1024]]);
    const bn = m.getLayer("conv3_block5_1_bn").getConfig();
    assert.equal(bn.epsilon, 1.001e-5);
    assert.equal(bn.axis, 3);
    assert.deepEqual(m.getLayer("pool3_pool").getConfig().pool_size, [2, 2]);
    assert.deepEqual(m.getLayer("pool1").getConfig().strides, [2, 2]);
    assert.deepEqual(
      (m.getLayer("conv4_block24_concat").output as st.layers.SymbolicTensor).shape,
      [null, 14, 14, 1024],
    );
  });

  it("runs at the minimum 32×32; avg_pool / max_pool heads; 31 is refused", async () => {
    const m = await applications.DenseNet121({
      weights: null,
      inputShape: [32, 32, 3],
      classes: 5,
    });
    const y = m.predictOnBatch(
      st.random.uniform([2, 32, 32, 3], { maxval: 255, seed: 1 }),
    ) as st.Tensor;
    assert.deepEqual(y.shape, [2, 5]);
    const rows = y.dataSync() as Float32Array;
    for (const r of [0, 1]) {
      const sum = rows.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${r} sums to ${sum}`);
    }
    const avg = await applications.DenseNet169({
      weights: null,
      includeTop: false,
      pooling: "avg",
    });
    assert.equal(avg.layers.at(-1)!.name, "avg_pool");
    assert.deepEqual(avg.outputs[0]!.shape, [null, 1664]);
    const max = await applications.DenseNet201({
      weights: null,
      includeTop: false,
      pooling: "max",
      inputShape: [40, 36, 3],
    });
    assert.equal(max.layers.at(-1)!.name, "max_pool");
    assert.deepEqual(max.outputs[0]!.shape, [null, 1920]);
    await assert.rejects(
      applications.DenseNet121({ weights: null, includeTop: false, inputShape: [31, 32, 3] }),
      (e: Error) =>
        e instanceof ValueError &&
        /^DenseNet121: input size must be at least 32x32; Received: inputShape=\[31, 32, 3\]/.test(
          e.message,
        ),
    );
    await assert.rejects(
      applications.DenseNet169({ inputShape: [200, 200, 3] }),
      (e: Error) =>
        e instanceof ValueError &&
        /^DenseNet169: .*inputShape should be \[224, 224, 3\]/.test(e.message),
    );
  });

  it('densenet.preprocessInput is "torch": x / 255, minus the RGB mean, over the std', () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const pixels = [
      [10, 20, 30],
      [200, 100, 0],
    ];
    const y = applications.densenet.preprocessInput(st.tensor([[pixels]]));
    assert.deepEqual(y.shape, [1, 1, 2, 3]);
    const want = pixels.flatMap((p) => p.map((v, c) => (v / 255 - mean[c]!) / std[c]!));
    const got = y.dataSync() as Float32Array;
    want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-5, `${i}: ${got[i]} vs ${w}`));
    assert.equal(
      applications.densenet.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
    assert.throws(
      () => applications.densenet.preprocessInput(st.tensor([[pixels]]), { mode: "tf" } as never),
      /densenet\.preprocessInput: unknown option mode/,
    );
  });
});
