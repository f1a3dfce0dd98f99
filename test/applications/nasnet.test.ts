// NASNetMobile and NASNetLarge as Keras 3.16 builds them (keras/src/applications/nasnet.py):
// parameter counts with and without the top equal keras.io/api/applications' table (NASNetMobile
// 5,326,716 / 4,269,716; NASNetLarge 88,949,818 / 84,916,818 at 331×331), Keras's layer counts,
// NASNetMobile's first two cells (the stem reduction cells, the second with its adjust block)
// named and ordered as Keras's summary lists them, written out here from Keras's naming scheme
// and its depth-first layer order (automatic names as "name*"), weight shapes, Keras's argument
// checks, a forward pass of NASNetMobile at 224×224, a legacy .h5 in the layout of Keras's
// published files loading by order, Keras's weight URLs with the network stubbed, and the "tf"
// preprocessing computed by hand.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { assertNames, useTempHome } from "./app-helpers.js";

/**
 * NASNetMobile's layers after the input up to the second stem cell's concatenation, in Keras's
 * order: by depth from the output, so the adjust block of cell stem_2 (fed by the stem, which
 * skips cell stem_1) starts among stem_1's layers.
 */
const FIRST_CELLS = [
  "stem_conv1",
  "stem_bn1",
  "activation*",
  "reduction_conv_1_stem_1",
  "reduction_bn_1_stem_1",
  "activation*",
  "activation*",
  "separable_conv_1_pad_reduction_left1_stem_1",
  "separable_conv_1_pad_reduction_right1_stem_1",
  "separable_conv_1_reduction_left1_stem_1",
  "separable_conv_1_reduction_right1_stem_1",
  "separable_conv_1_bn_reduction_left1_stem_1",
  "separable_conv_1_bn_reduction_right1_stem_1",
  "activation*",
  "activation*",
  "separable_conv_2_reduction_left1_stem_1",
  "separable_conv_2_reduction_right1_stem_1",
  "activation*",
  "separable_conv_2_bn_reduction_left1_stem_1",
  "separable_conv_2_bn_reduction_right1_stem_1",
  "separable_conv_1_pad_reduction_right2_stem_1",
  "activation*",
  "reduction_add_1_stem_1",
  "separable_conv_1_reduction_right2_stem_1",
  "separable_conv_1_pad_reduction_right3_stem_1",
  "activation*",
  "separable_conv_1_bn_reduction_right2_stem_1",
  "separable_conv_1_reduction_right3_stem_1",
  "separable_conv_1_reduction_left4_stem_1",
  "activation*",
  "separable_conv_1_bn_reduction_right3_stem_1",
  "separable_conv_1_bn_reduction_left4_stem_1",
  "reduction_pad_1_stem_1",
  "separable_conv_2_reduction_right2_stem_1",
  "activation*",
  "activation*",
  "reduction_left2_stem_1",
  "separable_conv_2_bn_reduction_right2_stem_1",
  "separable_conv_2_reduction_right3_stem_1",
  "separable_conv_2_reduction_left4_stem_1",
  "adjust_relu_1_stem_2",
  "reduction_add_2_stem_1",
  "reduction_left3_stem_1",
  "separable_conv_2_bn_reduction_right3_stem_1",
  "reduction_left4_stem_1",
  "separable_conv_2_bn_reduction_left4_stem_1",
  "reduction_right5_stem_1",
  "zero_padding2d*",
  "reduction_add3_stem_1",
  "add*",
  "reduction_add4_stem_1",
  "cropping2d*",
  "reduction_concat_stem_1",
  "adjust_avg_pool_1_stem_2",
  "adjust_avg_pool_2_stem_2",
  "activation*",
  "adjust_conv_1_stem_2",
  "adjust_conv_2_stem_2",
  "reduction_conv_1_stem_2",
  "concatenate*",
  "reduction_bn_1_stem_2",
  "adjust_bn_stem_2",
  "activation*",
  "activation*",
  "separable_conv_1_pad_reduction_left1_stem_2",
  "separable_conv_1_pad_reduction_right1_stem_2",
  "separable_conv_1_reduction_left1_stem_2",
  "separable_conv_1_reduction_right1_stem_2",
  "separable_conv_1_bn_reduction_left1_stem_2",
  "separable_conv_1_bn_reduction_right1_stem_2",
  "activation*",
  "activation*",
  "separable_conv_2_reduction_left1_stem_2",
  "separable_conv_2_reduction_right1_stem_2",
  "activation*",
  "separable_conv_2_bn_reduction_left1_stem_2",
  "separable_conv_2_bn_reduction_right1_stem_2",
  "separable_conv_1_pad_reduction_right2_stem_2",
  "activation*",
  "reduction_add_1_stem_2",
  "separable_conv_1_reduction_right2_stem_2",
  "separable_conv_1_pad_reduction_right3_stem_2",
  "activation*",
  "separable_conv_1_bn_reduction_right2_stem_2",
  "separable_conv_1_reduction_right3_stem_2",
  "separable_conv_1_reduction_left4_stem_2",
  "activation*",
  "separable_conv_1_bn_reduction_right3_stem_2",
  "separable_conv_1_bn_reduction_left4_stem_2",
  "reduction_pad_1_stem_2",
  "separable_conv_2_reduction_right2_stem_2",
  "activation*",
  "activation*",
  "reduction_left2_stem_2",
  "separable_conv_2_bn_reduction_right2_stem_2",
  "separable_conv_2_reduction_right3_stem_2",
  "separable_conv_2_reduction_left4_stem_2",
  "adjust_relu_1_0",
  "reduction_add_2_stem_2",
  "reduction_left3_stem_2",
  "separable_conv_2_bn_reduction_right3_stem_2",
  "reduction_left4_stem_2",
  "separable_conv_2_bn_reduction_left4_stem_2",
  "reduction_right5_stem_2",
  "zero_padding2d*",
  "reduction_add3_stem_2",
  "add*",
  "reduction_add4_stem_2",
  "cropping2d*",
  "reduction_concat_stem_2",
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

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/";

describe("applications: NASNet (Keras 3.16)", () => {
  it("NASNetMobile: 5326716 parameters with the top, 4269716 without; 771 / 769 layers", async () => {
    const top = await applications.NASNetMobile({ weights: null });
    assert.equal(top.countParams(), 5_326_716);
    assert.equal(top.layers.length, 771);
    assert.equal(top.name, "nasnet_mobile");
    assert.deepEqual(top.inputs[0]!.shape, [null, 224, 224, 3]);
    assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
    assert.deepEqual(shapeOf(top, "predictions"), [[1056, 1000], [1000]]);
    assert.match(top.layers.at(-2)!.name, /^global_average_pooling2d(_\d+)?$/);
    // Without the top and with no inputShape, Keras keeps the input at 224×224.
    const bare = await applications.NASNetMobile({ weights: null, includeTop: false });
    assert.equal(bare.countParams(), 4_269_716);
    assert.equal(bare.layers.length, 769);
    assert.deepEqual(bare.inputs[0]!.shape, [null, 224, 224, 3]);
    assert.deepEqual(bare.outputs[0]!.shape, [null, 7, 7, 1056]);
    assert.match(bare.layers.at(-1)!.name, /^activation(_\d+)?$/);
    assert.equal(bare.layers.at(-2)!.name, "normal_concat_12");
  });

  it("NASNetLarge: 88949818 parameters with the top, 84916818 without at 331; 1041 / 1039 layers", async () => {
    const top = await applications.NASNetLarge({ weights: null });
    assert.equal(top.countParams(), 88_949_818);
    assert.equal(top.layers.length, 1041);
    assert.equal(top.name, "nasnet_large");
    assert.deepEqual(top.inputs[0]!.shape, [null, 331, 331, 3]);
    assert.deepEqual(shapeOf(top, "predictions"), [[4032, 1000], [1000]]);
    assert.deepEqual(shapeOf(top, "stem_conv1"), [[3, 3, 3, 96]]);
    assert.deepEqual(outShape(top, "normal_concat_17"), [null, 11, 11, 4032]);
    const bare = await applications.NASNetLarge({
      weights: null,
      includeTop: false,
      inputShape: [331, 331, 3],
    });
    assert.equal(bare.countParams(), 84_916_818);
    assert.equal(bare.layers.length, 1039);
    // With unknown sides, Keras's adjust block cannot see the reductions and projects instead
    // (one 1×1 convolution to the full width in place of two to half of it).
    const free = await applications.NASNetLarge({ weights: null, includeTop: false });
    assert.deepEqual(free.inputs[0]!.shape, [null, null, null, 3]);
    assert.equal(free.countParams(), 84_887_922);
    assert.equal(free.layers.length, 1012);
    assert.deepEqual(shapeOf(free, "adjust_conv_projection_stem_2"), [[1, 1, 96, 84]]);
    assert.deepEqual(shapeOf(bare, "adjust_conv_1_stem_2"), [[1, 1, 96, 42]]);
    assert.deepEqual(shapeOf(bare, "adjust_conv_2_0"), [[1, 1, 168, 84]]);
    // Cell 0's previous path (stem_1's 168 channels) then already has its 168 filters.
    assert.ok(!free.layers.some((l) => l.name === "adjust_bn_0"));
  });

  it("NASNetMobile's first cells are Keras's layers in Keras's order, with Keras's shapes", async () => {
    const m = await applications.NASNetMobile({ weights: null });
    assertNames(names(m).slice(0, FIRST_CELLS.length), FIRST_CELLS);
    assert.equal(names(m)[FIRST_CELLS.length], "adjust_avg_pool_1_0");
    assert.deepEqual(shapeOf(m, "stem_conv1"), [[3, 3, 3, 32]]);
    assert.equal(m.getLayer("stem_conv1").weights.length, 1);
    // Cell stem_1 works on 1056 / 24 / 4 = 11 filters, stem_2 on 22, the first stack on 44.
    assert.deepEqual(shapeOf(m, "reduction_conv_1_stem_1"), [[1, 1, 32, 11]]);
    assert.deepEqual(shapeOf(m, "separable_conv_1_reduction_right1_stem_1"), [
      [7, 7, 32, 1],
      [1, 1, 32, 11],
    ]);
    assert.deepEqual(shapeOf(m, "adjust_conv_1_stem_2"), [[1, 1, 32, 11]]);
    assert.deepEqual(shapeOf(m, "adjust_bn_stem_2"), [[22], [22], [22], [22]]);
    assert.deepEqual(shapeOf(m, "normal_conv_1_0"), [[1, 1, 88, 44]]);
    assert.deepEqual(shapeOf(m, "adjust_conv_projection_1"), [[1, 1, 88, 44]]);
    const bn = m.getLayer("separable_conv_2_bn_normal_left5_3").getConfig();
    assert.equal(bn.momentum, 0.9997);
    assert.equal(bn.epsilon, 1e-3);
    // correct_pad: 111 is odd (2 / 3 each side), 56 even (one less at the top and left).
    const pad = (name: string): unknown => m.getLayer(name).getConfig().padding;
    assert.deepEqual(pad("separable_conv_1_pad_reduction_left1_stem_1"), [
      [2, 2],
      [2, 2],
    ]);
    assert.deepEqual(pad("separable_conv_1_pad_reduction_right1_stem_2"), [
      [2, 3],
      [2, 3],
    ]);
    assert.deepEqual(pad("reduction_pad_1_stem_2"), [
      [0, 1],
      [0, 1],
    ]);
    const crop = m.layers.find((l) => /^cropping2d(_\d+)?$/.test(l.name))!;
    assert.deepEqual(crop.getConfig().cropping, [
      [1, 0],
      [1, 0],
    ]);
    const sizes: [string, number, number][] = [
      ["stem_bn1", 111, 32],
      ["reduction_concat_stem_1", 56, 44],
      ["reduction_concat_stem_2", 28, 88],
      ["normal_concat_3", 28, 264],
      ["reduction_concat_reduce_4", 14, 352],
      ["normal_concat_8", 14, 528],
      ["reduction_concat_reduce_8", 7, 704],
      ["normal_concat_12", 7, 1056],
    ];
    for (const [layer, side, channels] of sizes) {
      assert.deepEqual(outShape(m, layer), [null, side, side, channels], layer);
    }
  });

  it("NASNetMobile runs at its default 224×224; pooling heads", async () => {
    const m = await applications.NASNetMobile({ weights: null });
    const y = m.predictOnBatch(st.random.uniform([1, 224, 224, 3], { minval: -1, seed: 4 }));
    assert.deepEqual((y as st.Tensor).shape, [1, 1000]);
    const probs = (y as st.Tensor).dataSync() as Float32Array;
    assert.ok(probs.every((v) => Number.isFinite(v) && v >= 0));
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    const avg = await applications.NASNetMobile({
      weights: null,
      includeTop: false,
      pooling: "avg",
      inputShape: [32, 32, 3],
    });
    assert.match(avg.layers.at(-1)!.name, /^global_average_pooling2d(_\d+)?$/);
    assert.deepEqual(avg.outputs[0]!.shape, [null, 1056]);
    const max = await applications.NASNetMobile({
      weights: null,
      includeTop: false,
      pooling: "max",
    });
    assert.match(max.layers.at(-1)!.name, /^global_max_pooling2d(_\d+)?$/);
  });

  it("Keras's argument checks", async () => {
    await rejectsValue(
      applications.NASNetMobile({ inputShape: [331, 331, 3] }),
      /^NASNetMobile: .*inputShape should be \[224, 224, 3\]\. Received: inputShape=\[331, 331, 3\]/,
    );
    await rejectsValue(
      applications.NASNetLarge({ inputShape: [224, 224, 3] }),
      /^NASNetLarge: .*inputShape should be \[331, 331, 3\]\. Received: inputShape=\[224, 224, 3\]/,
    );
    await rejectsValue(
      applications.NASNetLarge({ includeTop: false, inputShape: [null, null, 3] }),
      /^NASNetLarge: .*ImageNet weights, the inputShape argument must be static .*\[null, null, 3\]/,
    );
    await rejectsValue(
      applications.NASNetMobile({ weights: null, includeTop: false, inputShape: [31, 64, 3] }),
      /^NASNetMobile: input size must be at least 32x32; Received: inputShape=\[31, 64, 3\]/,
    );
    await rejectsValue(
      applications.NASNetMobile({ classes: 10 }),
      /^NASNetMobile: if using weights "imagenet" with includeTop true, classes should be 1000/,
    );
    await rejectsValue(
      applications.NASNetLarge({ classifierActivation: "relu" }),
      /^NASNetLarge: only null and "softmax" activations are allowed/,
    );
    await rejectsValue(
      applications.NASNetMobile({ weights: "/no/such/nasnet.h5" }),
      /^NASNetMobile: the `weights` argument should be either null/,
    );
  });

  describe('weights: "imagenet"', () => {
    // the "models" cache: ~/.strata/models
    const home = useTempHome("strata-apps-nasnet-");

    it("weights: a path loads NASNetMobile's legacy .h5 (Keras's published layout) in order", async () => {
      // The file lists every layer (root `layer_names`) with Keras 2's `weight_names` by kind;
      // its shapes and order come from a model of the same architecture, whose first cells are
      // checked against Keras's list above.
      const twin = await applications.NASNetMobile({ weights: null, includeTop: false });
      assertNames(names(twin).slice(0, FIRST_CELLS.length), FIRST_CELLS);
      const kinds: Record<string, string[]> = {
        Conv2D: ["kernel:0"],
        SeparableConv2D: ["depthwise_kernel:0", "pointwise_kernel:0"],
        BatchNormalization: ["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"],
      };
      const valueAt = (i: number, j: number, k: number): number => i + j / 10 + (k % 97) / 1e4;
      const root = new Hdf5WriteGroup();
      const layers = twin.layers.map((l) => l.name);
      root.attr("layer_names", layers);
      root.attr("backend", "tensorflow");
      root.attr("keras_version", "2.1.3");
      twin.layers.forEach((l, i) => {
        const weightNames = (kinds[l.constructor.name] ?? []).map((w) => `${l.name}/${w}`);
        assert.equal(weightNames.length, l.weights.length, l.name);
        root.group(l.name).attr("weight_names", weightNames);
        const vars = [...l.trainableWeights, ...l.nonTrainableWeights];
        weightNames.forEach((name, j) => {
          const shape = vars[j]!.shape;
          const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
          for (let k = 0; k < data.length; k++) data[k] = valueAt(i, j, k);
          root.dataset(`${l.name}/${name}`, data, shape);
        });
      });
      const path = join(home(), "nasnet_mobile_no_top.h5");
      writeFileSync(path, encodeHdf5(root));
      const m = await applications.NASNetMobile({ weights: path, includeTop: false });
      let checked = 0;
      m.layers.forEach((l, i) => {
        assert.equal(l.constructor.name, twin.layers[i]!.constructor.name);
        const vars = [...l.trainableWeights, ...l.nonTrainableWeights];
        vars.forEach((v, j) => {
          const got = v.value.dataSync() as Float32Array;
          for (const k of [0, 1, got.length - 1]) {
            assert.equal(got[k], Math.fround(valueAt(i, j, k)), `${l.name} weight ${j} [${k}]`);
          }
          checked++;
        });
      });
      // Every variable of the model was checked.
      assert.equal(checked, m.weights.length);
      const stem = m.getLayer("stem_bn1");
      assert.equal(stem.weights[0]!.value.dataSync()[0], Math.fround(valueAt(2, 0, 0)));
      // NASNetLarge's layout is refused, naming both counts.
      await assert.rejects(
        applications.NASNetLarge({ weights: path, includeTop: false, inputShape: [331, 331, 3] }),
        (e: Error) => e instanceof StrataError && /layers with weights/.test(e.message),
      );
    });

    it("asks for Keras's files at Keras's URLs under Keras's cache names; offline it says so", async () => {
      const urls: string[] = [];
      globalThis.fetch = ((url: string) => {
        urls.push(String(url));
        return Promise.reject(
          new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
        );
      }) as typeof fetch;
      const cases: [string, string, () => Promise<unknown>][] = [
        ["NASNetMobile", "nasnet_mobile.h5", () => applications.NASNetMobile()],
        [
          "NASNetMobile",
          "nasnet_mobile_no_top.h5",
          () => applications.NASNetMobile({ includeTop: false, inputShape: [32, 32, 3] }),
        ],
        ["NASNetLarge", "nasnet_large.h5", () => applications.NASNetLarge()],
        [
          "NASNetLarge",
          "nasnet_large_no_top.h5",
          () => applications.NASNetLarge({ includeTop: false, inputShape: [32, 32, 3] }),
        ],
      ];
      for (const [where, fname, build] of cases) {
        await assert.rejects(build(), (e: Error) => {
          assert.ok(e instanceof StrataError, e.message);
          assert.match(
            e.message,
            new RegExp(`^${where}: could not get the ImageNet weights ${fname} .*ENOTFOUND`),
          );
          assert.ok(e.message.includes(join(home(), ".strata", "models")), e.message);
          return true;
        });
      }
      assert.deepEqual(urls, [
        `${BASE}NASNet-mobile.h5`,
        `${BASE}NASNet-mobile-no-top.h5`,
        `${BASE}NASNet-large.h5`,
        `${BASE}NASNet-large-no-top.h5`,
      ]);
    });
  });

  it('nasnet.preprocessInput is "tf": x / 127.5 - 1; decodePredictions is imagenet_utils\'', () => {
    const pixels = [
      [10, 20, 30],
      [200, 100, 255],
    ];
    const y = applications.nasnet.preprocessInput(st.tensor([[pixels]]));
    assert.deepEqual(y.shape, [1, 1, 2, 3]);
    const got = y.dataSync() as Float32Array;
    pixels.flat().forEach((v, i) => assert.ok(Math.abs(got[i]! - (v / 127.5 - 1)) < 1e-6));
    assert.equal(
      applications.nasnet.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
    assert.equal(applications.nasnet.NASNetMobile, applications.NASNetMobile);
    assert.throws(
      () => applications.nasnet.preprocessInput(st.tensor([[pixels]]), { mode: "caffe" } as never),
      /nasnet\.preprocessInput: unknown option mode/,
    );
  });
});
