// Xception and InceptionV3 as Keras 3.16 builds them (keras/src/applications/xception.py,
// inception_v3.py): parameter counts with and without the top equal keras.io/api/applications'
// table, layer counts, Xception's layer names and order written out here from Keras's naming
// scheme (its unnamed shortcut convolutions, BNs and additions included), InceptionV3's named
// concatenations and its 94 bias-free convolutions with scale-free BNs, the feature map sizes at
// the default 299×299, a forward pass at the minimum sizes (71 and 75), and the "tf"
// preprocessing of both families computed by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { xceptionNames } from "./keras-layer-names.js";
import { assertNames } from "./app-helpers.js";

type Builder = (opts?: applications.ApplicationOptions) => Promise<Model>;

/** Keras's documented totals: [with the top, without], and its layer counts (input included). */
const TABLE: [string, string, Builder, number, number, number][] = [
  ["Xception", "xception", applications.Xception, 22_910_480, 20_861_480, 134],
  ["InceptionV3", "inception_v3", applications.InceptionV3, 23_851_784, 21_802_784, 313],
];

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);
const outShape = (m: Model, layer: string): (number | null)[] => [
  ...(m.getLayer(layer).output as st.layers.SymbolicTensor).shape,
];

const rejectsValue = (p: Promise<unknown>, pattern: RegExp): Promise<void> =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof ValueError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });

describe("applications: Xception and InceptionV3 (Keras 3.16)", () => {
  for (const [name, modelName, build, withTop, withoutTop, layers] of TABLE) {
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without; ${layers} layers`, async () => {
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.layers.length, layers);
      assert.equal(top.name, modelName);
      assert.deepEqual(top.inputs[0]!.shape, [null, 299, 299, 3]);
      assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
      assert.deepEqual(shapeOf(top, "predictions"), [[2048, 1000], [1000]]);
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      assert.equal(bare.layers.length, layers - 2);
      assert.deepEqual(bare.inputs[0]!.shape, [null, null, null, 3]);
      assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, 2048]);
    });
  }

  it("Xception's layers are Keras's, in Keras's order; separable convolutions' shapes", async () => {
    const m = await applications.Xception({ weights: null });
    assertNames(names(m), xceptionNames());
    assert.deepEqual(shapeOf(m, "block1_conv1"), [[3, 3, 3, 32]]);
    assert.deepEqual(shapeOf(m, "block2_sepconv1"), [
      [3, 3, 64, 1],
      [1, 1, 64, 128],
    ]);
    assert.deepEqual(shapeOf(m, "block13_sepconv2"), [
      [3, 3, 728, 1],
      [1, 1, 728, 1024],
    ]);
    assert.deepEqual(shapeOf(m, "block14_sepconv2_bn"), [[2048], [2048], [2048], [2048]]);
    // Keras's default BN (epsilon 1e-3) on the last axis.
    const bn = m.getLayer("block5_sepconv1_bn").getConfig();
    assert.equal(bn.epsilon, 1e-3);
    assert.equal(bn.axis, -1);
    assert.deepEqual(outShape(m, "block4_pool"), [null, 19, 19, 728]);
    assert.deepEqual(outShape(m, "block13_pool"), [null, 10, 10, 1024]);
    const shortcuts = m.layers.filter((l) => /^conv2d(_\d+)?$/.test(l.name));
    assert.deepEqual(
      shortcuts.map((l) => l.weights[0]!.shape),
      [
        [1, 1, 64, 128],
        [1, 1, 128, 256],
        [1, 1, 256, 728],
        [1, 1, 728, 1024],
      ],
    );
  });

  it("InceptionV3: the mixed modules in Keras's order; 94 bias-free convs with scale-free BNs", async () => {
    const m = await applications.InceptionV3({ weights: null });
    assert.deepEqual(
      names(m).filter((n) => /^mixed/.test(n) || n === "avg_pool" || n === "predictions"),
      [
        ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `mixed${i}`),
        "mixed9_0",
        "mixed9",
        "mixed9_1",
        "mixed10",
        "avg_pool",
        "predictions",
      ],
    );
    const convs = m.layers.filter((l) => l.constructor.name === "Conv2D");
    const bns = m.layers.filter((l) => l.constructor.name === "BatchNormalization");
    assert.equal(convs.length, 94);
    assert.equal(bns.length, 94);
    for (const c of convs) assert.equal(c.weights.length, 1, `${c.name} has no bias`);
    // scale=False: beta, moving mean and moving variance only.
    for (const b of bns) assert.equal(b.weights.length, 3, `${b.name} has no gamma`);
    assert.equal(bns[0]!.getConfig().scale, false);
    assert.deepEqual(convs[0]!.weights[0]!.shape, [3, 3, 3, 32]);
    // mixed0's first layers in Keras's order (by depth from the output): the longest branch
    // (double 3×3) starts first, then the 5×5 branch's 1×1 beside the double 3×3's second conv.
    assert.deepEqual(
      names(m)
        .slice(17, 27)
        .map((n) => n.replace(/_\d+$/, "")),
      [
        "conv2d",
        "batch_normalization",
        "activation",
        "conv2d",
        "conv2d",
        "batch_normalization",
        "batch_normalization",
        "activation",
        "activation",
        "average_pooling2d",
      ],
    );
    const sizes: [string, number, number][] = [
      ["mixed0", 35, 256],
      ["mixed1", 35, 288],
      ["mixed2", 35, 288],
      ["mixed3", 17, 768],
      ["mixed7", 17, 768],
      ["mixed8", 8, 1280],
      ["mixed9_0", 8, 768],
      ["mixed9", 8, 2048],
      ["mixed10", 8, 2048],
    ];
    for (const [layer, side, channels] of sizes) {
      assert.deepEqual(outShape(m, layer), [null, side, side, channels], layer);
    }
  });

  it("Xception runs at the minimum 71×71, InceptionV3 at 75×75; smaller is refused", async () => {
    const x = await applications.Xception({
      weights: null,
      inputShape: [71, 71, 3],
      classes: 4,
    });
    const y = x.predictOnBatch(st.random.uniform([1, 71, 71, 3], { minval: -1, seed: 2 }));
    assert.deepEqual((y as st.Tensor).shape, [1, 4]);
    const sum = ((y as st.Tensor).dataSync() as Float32Array).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4);
    const inc = await applications.InceptionV3({
      weights: null,
      includeTop: false,
      inputShape: [75, 75, 3],
      pooling: "max",
    });
    assert.match(inc.layers.at(-1)!.name, /^global_max_pooling2d(_\d+)?$/);
    const z = inc.predictOnBatch(st.random.uniform([1, 75, 75, 3], { minval: -1, seed: 3 }));
    assert.deepEqual((z as st.Tensor).shape, [1, 2048]);
    await rejectsValue(
      applications.Xception({ weights: null, includeTop: false, inputShape: [70, 71, 3] }),
      /^Xception: input size must be at least 71x71; Received: inputShape=\[70, 71, 3\]/,
    );
    await rejectsValue(
      applications.InceptionV3({ weights: null, includeTop: false, inputShape: [75, 74, 3] }),
      /^InceptionV3: input size must be at least 75x75; Received: inputShape=\[75, 74, 3\]/,
    );
    await rejectsValue(
      applications.InceptionV3({ inputShape: [224, 224, 3] }),
      /^InceptionV3: .*inputShape should be \[299, 299, 3\]\. Received: inputShape=\[224, 224, 3\]/,
    );
    await rejectsValue(
      applications.Xception({ classes: 10 }),
      /^Xception: if using weights "imagenet" with includeTop true, classes should be 1000/,
    );
  });

  it('xception and inceptionV3 preprocessInput are "tf": x / 127.5 - 1', () => {
    const pixels = [
      [10, 20, 30],
      [200, 100, 0],
    ];
    for (const f of [
      applications.xception.preprocessInput,
      applications.inceptionV3.preprocessInput,
    ]) {
      const y = f(st.tensor([[pixels]]));
      const got = y.dataSync() as Float32Array;
      pixels.flat().forEach((v, i) => assert.ok(Math.abs(got[i]! - (v / 127.5 - 1)) < 1e-6));
    }
    assert.equal(
      applications.xception.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
    assert.equal(
      applications.inceptionV3.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
  });
});
