// The MobileNet families as Keras 3.16 builds them (keras/src/applications/mobilenet.py,
// mobilenet_v2.py, mobilenet_v3.py): parameter counts with and without the top for several widths
// (keras.io's table for MobileNet 4,253,864 and MobileNetV2 3,538,984, Keras's summaries for
// MobileNetV3Small 2,554,968 and Large 5,507,432; the other widths and the no-top counts come
// from a separate count over Keras's block tables and its rounding to multiples of 8, written
// outside this code base; the default models' weight counts and BN statistics as Keras's
// summaries print them), layer names written out here from Keras's naming scheme, Keras's
// input-size rules and argument checks, the published files' names and URLs (network stubbed), a
// legacy .h5 in Keras's layout loading by layer order, forward passes, a .keras round trip and
// each family's preprocessInput / decodePredictions.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import { inTempDir } from "../keras-fixtures.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { assertNames, useTempHome } from "./app-helpers.js";

type Builder = (opts?: Record<string, unknown>) => Promise<Model>;
const { MobileNet, MobileNetV2, MobileNetV3Small, MobileNetV3Large } =
  applications as unknown as Record<string, Builder>;

/** [model, its options, parameters with the top, without]. */
const COUNTS: [string, Builder, Record<string, unknown>, number, number][] = [
  ["MobileNet", MobileNet!, {}, 4_253_864, 3_228_864],
  ["MobileNet", MobileNet!, { alpha: 0.25 }, 475_544, 218_544],
  ["MobileNet", MobileNet!, { alpha: 0.75 }, 2_601_976, 1_832_976],
  ["MobileNet", MobileNet!, { alpha: 0.5, depthMultiplier: 2 }, 2_159_672, 1_646_672],
  ["MobileNetV2", MobileNetV2!, {}, 3_538_984, 2_257_984],
  ["MobileNetV2", MobileNetV2!, { alpha: 0.35 }, 1_691_208, 410_208],
  ["MobileNetV2", MobileNetV2!, { alpha: 1.4 }, 6_156_712, 4_363_712],
  ["MobileNetV3Small", MobileNetV3Small!, {}, 2_554_968, 939_120],
  ["MobileNetV3Small", MobileNetV3Small!, { alpha: 0.75 }, 2_051_552, 583_160],
  ["MobileNetV3Small", MobileNetV3Small!, { minimalistic: true }, 2_056_848, 441_000],
  ["MobileNetV3Large", MobileNetV3Large!, {}, 5_507_432, 2_996_352],
  ["MobileNetV3Large", MobileNetV3Large!, { minimalistic: true }, 3_948_688, 1_437_608],
];

/**
 * Keras's summaries of the default models: weights, trainable weights and non-trainable
 * parameters (BN's moving statistics).
 */
const WEIGHT_COUNTS: Record<string, [number, number, number]> = {
  MobileNet: [137, 83, 21_888],
  MobileNetV2: [262, 158, 34_112],
  MobileNetV3Small: [210, 142, 12_112],
  MobileNetV3Large: [266, 174, 24_400],
};

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);

/** MobileNet's layers after the input: 13 blocks, the stride-2 ones (2, 4, 6, 12) padded first. */
function mobilenetNames(): string[] {
  const out = ["conv1", "conv1_bn", "conv1_relu"];
  for (let i = 1; i <= 13; i++) {
    if ([2, 4, 6, 12].includes(i)) out.push(`conv_pad_${i}`);
    out.push(
      ...["dw", "dw_#_bn", "dw_#_relu", "pw", "pw_#_bn", "pw_#_relu"].map(
        (s) => `conv_${s.includes("#") ? s.replace("#", String(i)) : `${s}_${i}`}`,
      ),
    );
  }
  return [...out, "global_average_pooling2d*", "dropout", "conv_preds", "reshape_2", "predictions"];
}

/**
 * MobileNetV2's layers: expanded_conv_ (no expansion), then block_1 … block_16; stride 2 in
 * blocks 1, 3, 6, 13 (padded); a residual add where the block keeps stride 1 and its width.
 */
function mobilenetV2Names(): string[] {
  const out = ["Conv1", "bn_Conv1", "Conv1_relu"];
  for (let i = 0; i <= 16; i++) {
    const p = i === 0 ? "expanded_conv_" : `block_${i}_`;
    if (i > 0) out.push(`${p}expand`, `${p}expand_BN`, `${p}expand_relu`);
    if ([1, 3, 6, 13].includes(i)) out.push(`${p}pad`);
    out.push(
      ...["depthwise", "depthwise_BN", "depthwise_relu", "project", "project_BN"].map((s) => p + s),
    );
    if ([2, 4, 5, 7, 8, 9, 11, 12, 14, 15].includes(i)) out.push(`${p}add`);
  }
  return [...out, "Conv_1", "Conv_1_bn", "out_relu", "global_average_pooling2d*", "predictions"];
}

/**
 * MobileNetV3Small's layers. Keras leaves the ReLU and hard-swish layers unnamed (re_lu*,
 * activation*); of its excite gate ReLU(6)(x + 3) / 6 only the ReLU is a layer (the add and
 * multiply are op nodes, which `model.layers` leaves out).
 */
function mobilenetV3SmallNames(): string[] {
  const [HS, RELU, GATE] = ["activation*", "re_lu*", "re_lu*"];
  const out = ["rescaling*", "conv", "conv_bn", HS];
  // Per block of Keras's stack: stride, squeeze-excite, activation, residual add.
  const blocks: [number, boolean, string, boolean][] = [
    [2, true, RELU, false],
    [2, false, RELU, false],
    [1, false, RELU, true],
    [2, true, HS, false],
    [1, true, HS, true],
    [1, true, HS, true],
    [1, true, HS, false],
    [1, true, HS, true],
    [2, true, HS, false],
    [1, true, HS, true],
    [1, true, HS, true],
  ];
  blocks.forEach(([stride, se, act, residual], i) => {
    const p = i === 0 ? "expanded_conv_" : `expanded_conv_${i}_`;
    if (i > 0) out.push(`${p}expand`, `${p}expand_bn`, act);
    if (stride === 2) out.push(`${p}depthwise_pad`);
    out.push(`${p}depthwise`, `${p}depthwise_bn`, act);
    if (se) {
      const parts = ["avg_pool", "conv", "relu", "conv_1"];
      out.push(...parts.map((s) => `${p}squeeze_excite_${s}`), GATE, `${p}squeeze_excite_mul`);
    }
    out.push(`${p}project`, `${p}project_bn`);
    if (residual) out.push(`${p}add`);
  });
  const head = ["global_average_pooling2d*", "conv_2", HS, "dropout*", "logits", "flatten*"];
  return [...out, "conv_1", "conv_1_bn", HS, ...head, "predictions"];
}

describe("applications: MobileNet, MobileNetV2, MobileNetV3 (Keras 3.16)", () => {
  for (const [name, build, opts, withTop, withoutTop] of COUNTS) {
    it(`${name} ${JSON.stringify(opts)}: ${withTop} parameters with the top, ${withoutTop} without`, async () => {
      const top = await build({ weights: null, ...opts });
      assert.equal(top.countParams(), withTop);
      assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
      if (Object.keys(opts).length === 0) {
        const [weights, trainable, frozen] = WEIGHT_COUNTS[name]!;
        assert.equal(top.weights.length, weights);
        assert.equal(top.trainableWeights.length, trainable);
        const size = (w: { shape: readonly number[] }): number =>
          w.shape.reduce((a, b) => a * b, 1);
        assert.equal(
          top.nonTrainableWeights.map(size).reduce((a, b) => a + b, 0),
          frozen,
        );
        // Keras's default width runs at the documented 224×224; the softmax rows sum to 1.
        const x = st.random.uniform([1, 224, 224, 3], { maxval: 255, seed: 1 });
        const y = top.predictOnBatch(x) as st.Tensor;
        assert.deepEqual(y.shape, [1, 1000]);
        assert.ok(Math.abs((y.dataSync() as Float32Array).reduce((a, b) => a + b, 0) - 1) < 1e-4);
      }
      const bare = await build({ weights: null, includeTop: false, ...opts });
      assert.equal(bare.countParams(), withoutTop);
    });
  }

  it("MobileNet: Keras's layer names and shapes; default name; a forward pass at 128×128", async () => {
    const m = await MobileNet!({ weights: null, inputShape: [128, 128, 3], classes: 10 });
    assertNames(names(m), mobilenetNames());
    assert.equal(m.name, "mobilenet_1.00_128");
    assert.deepEqual(m.inputs[0]!.shape, [null, 128, 128, 3]);
    assert.deepEqual(shapeOf(m, "conv1"), [[3, 3, 3, 32]]);
    assert.deepEqual(shapeOf(m, "conv_dw_2"), [[3, 3, 64, 1]]);
    assert.deepEqual(shapeOf(m, "conv_pw_13"), [[1, 1, 1024, 1024]]);
    assert.deepEqual(shapeOf(m, "conv_preds"), [[1, 1, 1024, 10], [10]]);
    assert.equal(m.getLayer("conv_dw_1_relu").getConfig().max_value, 6);
    assert.deepEqual(m.getLayer("conv_pad_2").getConfig().padding, [
      [0, 1],
      [0, 1],
    ]);
    assert.equal(m.getLayer("dropout").getConfig().rate, 1e-3);
    const y = m.predictOnBatch(st.random.uniform([1, 128, 128, 3], { seed: 1 })) as st.Tensor;
    assert.deepEqual(y.shape, [1, 10]);
    assert.ok(Math.abs((y.dataSync() as Float32Array).reduce((a, b) => a + b, 0) - 1) < 1e-4);
    // Without the top, a non-square input of any size ≥ 32; Keras's name then says None.
    const bare = await MobileNet!({ weights: null, includeTop: false, alpha: 0.5, pooling: "max" });
    assert.equal(bare.name, "mobilenet_0.50_None");
    assert.match(bare.layers.at(-1)!.name, /^global_max_pooling2d(_\d+)?$/);
    const z = bare.predictOnBatch(st.ones([2, 40, 56, 3])) as st.Tensor;
    assert.deepEqual(z.shape, [2, 512]);
  });

  it("MobileNetV2: Keras's layer names, correct_pad paddings, BN settings, a forward pass at 96×96", async () => {
    const m = await MobileNetV2!({ weights: null, alpha: 0.35, inputShape: [96, 96, 3] });
    assertNames(names(m), mobilenetV2Names());
    assert.equal(m.name, "mobilenetv2_0.35_96");
    assert.deepEqual(shapeOf(m, "Conv1"), [[3, 3, 3, 16]]);
    // block_1 expands 8 channels six times; its projection rounds 24·0.35 to 8.
    assert.deepEqual(shapeOf(m, "block_1_expand"), [[1, 1, 8, 48]]);
    assert.deepEqual(shapeOf(m, "block_1_project"), [[1, 1, 48, 8]]);
    assert.deepEqual(shapeOf(m, "Conv_1"), [[1, 1, 112, 1280]]);
    // Even sides pad one less at the top / left: ((0, 1), (0, 1)) for a 3×3 kernel.
    assert.deepEqual(m.getLayer("block_1_pad").getConfig().padding, [
      [0, 1],
      [0, 1],
    ]);
    const bn = m.getLayer("block_3_depthwise_BN").getConfig();
    assert.equal(bn.epsilon, 1e-3);
    assert.equal(bn.momentum, 0.999);
    const y = m.predictOnBatch(st.random.uniform([2, 96, 96, 3], { seed: 2 })) as st.Tensor;
    assert.deepEqual(y.shape, [2, 1000]);
    // An odd side pads evenly: ((1, 1), (1, 1)).
    const odd = await MobileNetV2!({ weights: null, includeTop: false, inputShape: [33, 33, 3] });
    assert.deepEqual(odd.getLayer("block_1_pad").getConfig().padding, [
      [1, 1],
      [1, 1],
    ]);
  });

  it("MobileNetV3Small: Keras's layer names; hard-swish, SE gates; any input size with the top", async () => {
    const m = await MobileNetV3Small!({ weights: null });
    assertNames(names(m), mobilenetV3SmallNames());
    assert.equal(m.name, "MobileNetV3Small");
    // Keras's V3 keeps the top's input size open: the head pools globally.
    assert.deepEqual(m.inputs[0]!.shape, [null, null, null, 3]);
    assert.deepEqual(shapeOf(m, "expanded_conv_squeeze_excite_conv"), [[1, 1, 16, 8], [8]]);
    assert.deepEqual(shapeOf(m, "expanded_conv_3_depthwise"), [[5, 5, 96, 1]]);
    assert.deepEqual(shapeOf(m, "expanded_conv_3_squeeze_excite_conv_1"), [[1, 1, 24, 96], [96]]);
    assert.deepEqual(shapeOf(m, "conv_2"), [[1, 1, 576, 1024], [1024]]);
    assert.deepEqual(shapeOf(m, "logits"), [[1, 1, 1024, 1000], [1000]]);
    assert.deepEqual(m.layers[1]!.getConfig().offset, -1);
    // Keras 3 writes its alias hard_swish under the function's own name, hard_silu.
    assert.equal(m.layers[4]!.getConfig().activation, "hard_silu");
    // The 5×5 stride-2 padding at 14×14: ((1, 2), (1, 2)).
    const y = m.predictOnBatch(
      st.random.uniform([1, 64, 48, 3], { maxval: 255, seed: 3 }),
    ) as st.Tensor;
    assert.deepEqual(y.shape, [1, 1000]);
    assert.ok(Math.abs((y.dataSync() as Float32Array).reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  it("MobileNetV3: minimalistic, includePreprocessing, dropoutRate and the named pooling heads", async () => {
    const m = await MobileNetV3Large!({
      weights: null,
      minimalistic: true,
      includePreprocessing: false,
      dropoutRate: 0,
      classes: 5,
      classifierActivation: null,
      inputShape: [32, 32, 3],
    });
    const kinds = m.layers.map((l) => l.constructor.name);
    assert.ok(
      !kinds.includes("Rescaling") && !kinds.includes("Dropout") && !kinds.includes("Multiply"),
    );
    assert.equal(m.layers[1]!.name, "conv");
    assert.deepEqual(shapeOf(m, "expanded_conv_12_depthwise"), [[3, 3, 672, 1]]);
    assert.equal(m.getLayer("predictions").getConfig().activation, "linear");
    assert.deepEqual((m.predictOnBatch(st.ones([1, 32, 32, 3])) as st.Tensor).shape, [1, 5]);
    const avg = await MobileNetV3Large!({ weights: null, includeTop: false, pooling: "avg" });
    assert.equal(avg.layers.at(-1)!.name, "avg_pool");
    assert.deepEqual(avg.outputs[0]!.shape, [null, 960]);
    const max = await MobileNetV3Small!({ weights: null, includeTop: false, pooling: "max" });
    assert.equal(max.layers.at(-1)!.name, "max_pool");
  });

  it("MobileNetV3Small (SE gates, hard-swish, rescaling) round-trips through .keras", async () => {
    const model = await MobileNetV3Small!({ weights: null, alpha: 0.75, inputShape: [32, 32, 3] });
    const x = st.random.uniform([2, 32, 32, 3], { maxval: 255, seed: 4 });
    const want = model.predictOnBatch(x) as st.Tensor;
    await inTempDir(async (dir) => {
      const file = join(dir, "mobilenet_v3_small.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      assert.deepEqual(
        loaded.layers.map((l) => l.name),
        model.layers.map((l) => l.name),
      );
      const got = loaded.predictOnBatch(x) as st.Tensor;
      const [a, b] = [got.dataSync() as Float32Array, want.dataSync() as Float32Array];
      assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < 1e-6));
    });
  });

  it("each family's preprocessInput and decodePredictions (mobilenet_v3's is a pass-through)", () => {
    for (const family of [applications.mobilenet, applications.mobilenetV2]) {
      const y = family.preprocessInput(st.tensor([[[[0, 127.5, 255]]]]));
      assert.deepEqual(Array.from(y.dataSync()), [-1, 0, 1]);
      assert.equal(family.decodePredictions, applications.imagenetUtils.decodePredictions);
    }
    const x = st.tensor([[[[0, 127.5, 255]]]]);
    assert.equal(applications.mobilenetV3.preprocessInput(x), x);
    assert.equal(
      applications.mobilenetV3.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
    assert.equal(applications.mobilenetV3.MobileNetV3Small, MobileNetV3Small);
  });
});

const rejects = (p: Promise<unknown>, pattern: RegExp): Promise<void> =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof ValueError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });

describe("applications: MobileNet argument checks (Keras's)", () => {
  it("ImageNet weights: published widths only, depthMultiplier 1", async () => {
    await rejects(
      MobileNet!({ alpha: 0.3 }),
      /^MobileNet: .*alpha can be one of 0\.25, 0\.50, 0\.75 or 1\.0 only\. Received: alpha=0\.3/,
    );
    await rejects(
      MobileNet!({ depthMultiplier: 2 }),
      /depthMultiplier must be 1\. Received: depthMultiplier=2/,
    );
    await rejects(
      MobileNetV2!({ alpha: 0.6 }),
      /^MobileNetV2: .*alpha must be one of 0\.35, .* Received: alpha=0\.6/,
    );
    await rejects(
      MobileNetV3Small!({ alpha: 0.5 }),
      /^MobileNetV3Small: .*alpha can be one of 0\.75, 1\.0/,
    );
    await rejects(
      MobileNetV3Large!({ alpha: 0.75, minimalistic: true }),
      /1\.0 for minimalistic only/,
    );
  });

  it("input sizes: the top with ImageNet weights takes only a published square side", async () => {
    await rejects(
      MobileNet!({ inputShape: [200, 200, 3] }),
      /inputShape should be \[224, 224, 3\]\. Received: inputShape=\[200, 200, 3\]/,
    );
    await rejects(
      MobileNetV2!({ weights: null, includeTop: false, inputShape: [31, 64, 3] }),
      /input size must be at least 32x32/,
    );
    await rejects(
      MobileNetV3Small!({ weights: null, inputShape: [64, 16, 3] }),
      /^MobileNetV3Small: input size must be at least 32x32; Received: inputShape=\[64, 16, 3\]/,
    );
    const t = st.Input({ shape: [64, 64, 3] });
    await rejects(
      MobileNetV2!({ weights: null, inputTensor: t, inputShape: [64, 48, 3] }),
      /inputShape\[1\] must equal inputTensor\.shape\[2\]/,
    );
  });

  it("unknown options name the family's own; bad widths are refused", async () => {
    await rejects(
      MobileNet!({ depth_multiplier: 2 }),
      /unknown option depth_multiplier; expected one of .*alpha, depthMultiplier, dropout/,
    );
    await rejects(
      MobileNetV3Small!({ dropout: 0.1 }),
      /unknown option dropout; .*dropoutRate, includePreprocessing/,
    );
    await rejects(
      MobileNetV2!({ weights: null, alpha: -1 }),
      /alpha must be a positive number\. Received: alpha=-1/,
    );
  });
});

describe("applications: MobileNet weights", () => {
  const home = useTempHome("strata-mobilenet-weights-");
  const realWarn = console.warn;
  afterEach(() => {
    console.warn = realWarn;
  });

  it("weights: \"imagenet\" asks for Keras's file names at Keras's URLs", async () => {
    const urls: string[] = [];
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    globalThis.fetch = ((url: string) => {
      urls.push(String(url));
      return Promise.reject(new TypeError("fetch failed", { cause: { code: "ENOTFOUND" } }));
    }) as typeof fetch;
    const offline = (p: Promise<unknown>, who: string): Promise<void> =>
      assert.rejects(
        p,
        (e: Error) => e instanceof StrataError && e.message.startsWith(`${who}: could not get`),
      );
    // A square published side is the default size, so the top takes it with ImageNet weights.
    await offline(MobileNet!({ inputShape: [160, 160, 3] }), "MobileNet");
    await offline(
      MobileNet!({ alpha: 0.5, includeTop: false, inputShape: [128, 128, 3] }),
      "MobileNet",
    );
    // Other sides warn and take the 224 file.
    await offline(
      MobileNet!({ alpha: 0.25, includeTop: false, inputShape: [100, 120, 3] }),
      "MobileNet",
    );
    await offline(MobileNetV2!({ alpha: 1.4 }), "MobileNetV2");
    await offline(
      MobileNetV2!({ alpha: 0.35, includeTop: false, inputShape: [96, 96, 3] }),
      "MobileNetV2",
    );
    await offline(MobileNetV3Small!({ includeTop: false }), "MobileNetV3Small");
    await offline(MobileNetV3Large!({ minimalistic: true }), "MobileNetV3Large");
    await offline(MobileNetV3Large!({ alpha: 0.75 }), "MobileNetV3Large");
    const base = "https://storage.googleapis.com/tensorflow/keras-applications/";
    assert.deepEqual(urls, [
      `${base}mobilenet/mobilenet_1_0_160_tf.h5`,
      `${base}mobilenet/mobilenet_5_0_128_tf_no_top.h5`,
      `${base}mobilenet/mobilenet_2_5_224_tf_no_top.h5`,
      `${base}mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224.h5`,
      `${base}mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5`,
      `${base}mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5`,
      `${base}mobilenet_v3/weights_mobilenet_v3_large_minimalistic_224_1.0_float.h5`,
      `${base}mobilenet_v3/weights_mobilenet_v3_large_224_0.75_float.h5`,
    ]);
    // MobileNet at 100×120 and the three V3s (no input shape: Keras's rows None is not 224) load
    // the 224 weights, saying so.
    assert.equal(warnings.filter((w) => /Weights for input shape \(224, 224\)/.test(w)).length, 4);
  });

  it("weights: a path loads a legacy .h5 in Keras's layout (MobileNet 0.25, no top)", async () => {
    // Keras's layers with weights, in order, and their shapes from the architecture:
    // conv1 3×3×3×8, then per block a depthwise 3×3×c×1 and a pointwise 1×1×c×(filters/4).
    const layers: [string, string[], number[][]][] = [["input_1", [], []]];
    const bn = (name: string, c: number): [string, string[], number[][]] => [
      name,
      ["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"],
      [[c], [c], [c], [c]],
    ];
    layers.push(["conv1", ["kernel:0"], [[3, 3, 3, 8]]], bn("conv1_bn", 8), ["conv1_relu", [], []]);
    let c = 8;
    [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024].forEach((f, k) => {
      const i = k + 1;
      if ([2, 4, 6, 12].includes(i)) layers.push([`conv_pad_${i}`, [], []]);
      layers.push(
        [`conv_dw_${i}`, ["depthwise_kernel:0"], [[3, 3, c, 1]]],
        bn(`conv_dw_${i}_bn`, c),
      );
      layers.push([`conv_dw_${i}_relu`, [], []]);
      layers.push([`conv_pw_${i}`, ["kernel:0"], [[1, 1, c, f / 4]]], bn(`conv_pw_${i}_bn`, f / 4));
      layers.push([`conv_pw_${i}_relu`, [], []]);
      c = f / 4;
    });
    const value = (i: number, j: number, k: number): number => i + j / 10 + (k % 97) / 1e4;
    const root = new Hdf5WriteGroup();
    root.attr(
      "layer_names",
      layers.map(([n]) => n),
    );
    root.attr("backend", "tensorflow");
    root.attr("keras_version", "2.1.3");
    layers.forEach(([layer, weights, shapes], i) => {
      root.group(layer).attr(
        "weight_names",
        weights.map((w) => `${layer}/${w}`),
      );
      weights.forEach((w, j) => {
        const data = new Float32Array(shapes[j]!.reduce((a, b) => a * b, 1));
        for (let k = 0; k < data.length; k++) data[k] = value(i, j, k);
        root.dataset(`${layer}/${layer}/${w}`, data, shapes[j]!);
      });
    });
    const file = join(home(), "mobilenet_2_5_224_tf_no_top.h5");
    writeFileSync(file, encodeHdf5(root));
    const model = await MobileNet!({ weights: file, alpha: 0.25, includeTop: false });
    layers.forEach(([layer, weights], i) => {
      if (weights.length === 0) return;
      const l = model.getLayer(layer);
      [...l.trainableWeights, ...l.nonTrainableWeights].forEach((v, j) => {
        const got = v.value.dataSync() as Float32Array;
        for (const k of [0, got.length - 1]) {
          assert.equal(got[k], Math.fround(value(i, j, k)), `${layer} weight ${j} [${k}]`);
        }
      });
    });
  });
});
