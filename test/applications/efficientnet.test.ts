// EfficientNetB0 … B7 as Keras 3.16 builds them (keras/src/applications/efficientnet.py):
// parameter counts with and without the top equal Keras's table (keras.io/api/applications:
// B0 5,330,571 … B7 66,658,687 with the top; without it, less the 1000-way classifier on
// round_filters(1280) features), B0's layer names and order written out here from Keras's
// naming scheme (not from the builder), the preprocessing inside the model checked by hand,
// drop-connect, a legacy .h5 in Keras's published layout loaded by name, Keras's weight URLs,
// and forward passes of B0 at small sizes. Larger models are built, never run.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { inTempDir } from "../keras-fixtures.js";
import { assertNames, countUpTo, useTempHome } from "./app-helpers.js";

type Builder = (opts?: applications.ApplicationOptions) => Promise<Model>;
const { efficientnet } = applications;

/** Keras's table: total parameters with the top; the default size; the top's input features. */
const TABLE: [string, Builder, number, number, number][] = [
  ["EfficientNetB0", efficientnet.EfficientNetB0, 5_330_571, 224, 1280],
  ["EfficientNetB1", efficientnet.EfficientNetB1, 7_856_239, 240, 1280],
  ["EfficientNetB2", efficientnet.EfficientNetB2, 9_177_569, 260, 1408],
  ["EfficientNetB3", efficientnet.EfficientNetB3, 12_320_535, 300, 1536],
  ["EfficientNetB4", efficientnet.EfficientNetB4, 19_466_823, 380, 1792],
  ["EfficientNetB5", efficientnet.EfficientNetB5, 30_562_527, 456, 2048],
  ["EfficientNetB6", efficientnet.EfficientNetB6, 43_265_143, 528, 2304],
  ["EfficientNetB7", efficientnet.EfficientNetB7, 66_658_687, 600, 2560],
];

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);

/** B0's stages: repeats, expansion ratio, first stride, output filters. */
const B0_STAGES = [
  [1, 1, 1, 16],
  [2, 6, 2, 24],
  [2, 6, 2, 40],
  [3, 6, 2, 80],
  [3, 6, 1, 112],
  [4, 6, 2, 192],
  [1, 6, 1, 320],
] as const;

/**
 * B0's layers after the input, in Keras's order (weights null: no third rescaling). Unnamed
 * layers are matched by their automatic names' pattern.
 */
function b0Names(): string[] {
  const out = ["rescaling*", "normalization*", "stem_conv_pad", "stem_conv", "stem_bn"];
  out.push("stem_activation");
  B0_STAGES.forEach(([repeats, expand, stride], s) => {
    for (let j = 0; j < repeats; j++) {
      const p = `block${s + 1}${"abcd"[j]}_`;
      const parts: string[] = [];
      if (expand !== 1) parts.push("expand_conv", "expand_bn", "expand_activation");
      if (j === 0 && stride === 2) parts.push("dwconv_pad");
      parts.push("dwconv", "bn", "activation", "se_squeeze", "se_reshape", "se_reduce");
      parts.push("se_expand", "se_excite", "project_conv", "project_bn");
      // Only repeated blocks keep their shape; each drops its residual branch before adding.
      if (j > 0) parts.push("drop", "add");
      out.push(...parts.map((x) => p + x));
    }
  });
  return [...out, "top_conv", "top_bn", "top_activation", "avg_pool", "top_dropout", "predictions"];
}

const maxDiff = (a: st.Tensor, b: st.Tensor): number => {
  const x = a.dataSync() as Float32Array;
  const y = b.dataSync() as Float32Array;
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

describe("applications: EfficientNet (Keras 3.16)", () => {
  for (const [name, build, withTop, size, features] of TABLE) {
    const withoutTop = withTop - (features * 1000 + 1000);
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without; ${size}×${size}`, async () => {
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.name, name.toLowerCase());
      assert.deepEqual(top.inputs[0]!.shape, [null, size, size, 3]);
      assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
      assert.deepEqual(shapeOf(top, "predictions"), [[features, 1000], [1000]]);
      // The largest are built once, to keep the test cheap: without the top they are these
      // layers up to top_activation (B0 … B5 check that path below).
      if (withTop > 40e6) {
        assert.equal(countUpTo(top, "top_activation"), withoutTop);
        return;
      }
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      assert.deepEqual(bare.inputs[0]!.shape, [null, null, null, 3]);
      assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, features]);
      assert.equal(bare.layers.at(-1)!.name, "top_activation");
    });
  }

  it("B0's layers are Keras's, in order; weight shapes of the stem, a block and the head", async () => {
    const m = await efficientnet.EfficientNetB0({ weights: null, inputShape: [64, 64, 3] });
    assertNames(names(m), b0Names());
    assert.deepEqual(shapeOf(m, "stem_conv"), [[3, 3, 3, 32]]);
    assert.deepEqual(shapeOf(m, "block2a_expand_conv"), [[1, 1, 16, 96]]);
    assert.deepEqual(shapeOf(m, "block2a_dwconv"), [[3, 3, 96, 1]]);
    assert.deepEqual(shapeOf(m, "block3a_dwconv"), [[5, 5, 144, 1]]);
    // Squeeze to max(1, filters_in · 0.25) channels with biases, then back to the expanded width.
    assert.deepEqual(shapeOf(m, "block2a_se_reduce"), [[1, 1, 96, 4], [4]]);
    assert.deepEqual(shapeOf(m, "block2a_se_expand"), [[1, 1, 4, 96], [96]]);
    assert.deepEqual(shapeOf(m, "block7a_project_conv"), [[1, 1, 1152, 320]]);
    assert.deepEqual(shapeOf(m, "top_bn"), [[1280], [1280], [1280], [1280]]);
    assert.deepEqual(
      shapeOf(m, names(m)[1]!),
      [[3], [3], []],
      "normalization: mean, variance, count",
    );
    // Keras's geometry: stride-2 depthwise convolutions are "valid" after correct_pad's padding.
    const pad = (l: string): unknown => m.getLayer(l).getConfig().padding;
    assert.deepEqual(pad("stem_conv_pad"), [
      [0, 1],
      [0, 1],
    ]);
    assert.deepEqual(pad("block3a_dwconv_pad"), [
      [1, 2],
      [1, 2],
    ]);
    assert.equal(m.getLayer("block3a_dwconv").getConfig().padding, "valid");
    assert.equal(m.getLayer("block3b_dwconv").getConfig().padding, "same");
    // Keras writes "silu" (its name for swish); Strata's Activation keeps the name it was given.
    assert.match(String(m.getLayer("stem_activation").getConfig().activation), /^(silu|swish)$/);
    assert.equal(m.getLayer("stem_bn").getConfig().epsilon, 1e-3);
    const init = m.getLayer("stem_conv").getConfig().kernel_initializer as {
      class_name: string;
      config: Record<string, unknown>;
    };
    assert.equal(init.class_name, "VarianceScaling");
    assert.deepEqual(
      [init.config.scale, init.config.mode, init.config.distribution],
      [2, "fan_out", "truncated_normal"],
    );
  });

  it("drop-connect: one decision per sample, rate 0.2 · b / 16; top dropout 0.2", async () => {
    const m = await efficientnet.EfficientNetB0({ weights: null, inputShape: [32, 32, 3] });
    // block2b is block b = 2 of B0's 16.
    const drop = m.getLayer("block2b_drop").getConfig();
    assert.deepEqual([drop.rate, drop.noise_shape], [(0.2 * 2) / 16, [null, 1, 1, 1]]);
    assert.equal(m.getLayer("top_dropout").getConfig().rate, 0.2);
    assert.equal(m.getLayer("block6d_drop").getConfig().rate, (0.2 * 14) / 16);
    const x = st.ones([16, 2, 2, 3]);
    const y = m.getLayer("block6d_drop").apply(x, { training: true }) as st.Tensor;
    const v = y.dataSync() as Float32Array;
    const kept = 1 / (1 - (0.2 * 14) / 16);
    for (let s = 0; s < 16; s++) {
      const sample = Array.from(v.subarray(s * 12, s * 12 + 12));
      assert.ok(
        sample.every((e) => e === 0) || sample.every((e) => Math.abs(e - kept) < 1e-5),
        `sample ${s}: ${sample.join(", ")}`,
      );
    }
  });

  it("the model rescales and normalizes its input itself: (x / 255 − mean) / √variance", async () => {
    const m = await efficientnet.EfficientNetB0({ weights: null, includeTop: false });
    const norm = m.layers[2]!;
    assert.equal(norm.constructor.name, "Normalization");
    assert.deepEqual(norm.getConfig().axis, [3]);
    assert.equal(m.layers[1]!.getConfig().scale, 1 / 255);
    norm.setWeights([
      st.tensor([0.5, 0.25, 0]),
      st.tensor([4, 1, 0.25]),
      st.tensor(0, [], "int32"),
    ]);
    const cut = new st.Model({
      inputs: m.inputs,
      outputs: norm.output as st.layers.SymbolicTensor,
    });
    const pixels = [0, 51, 255, 102, 204, 25.5];
    const got = (cut.predictOnBatch(st.tensor(pixels, [1, 1, 2, 3])) as st.Tensor).dataSync();
    const mean = [0.5, 0.25, 0];
    const std = [2, 1, 0.5];
    pixels.forEach((p, i) => {
      const c = i % 3;
      assert.ok(Math.abs(got[i]! - (p / 255 - mean[c]!) / std[c]!) < 1e-6, `${i}: ${got[i]}`);
    });
    // Unadapted, as in Keras 3, the statistics are 0 and 1: the image only rescaled.
    const fresh = await efficientnet.EfficientNetB0({ weights: null, includeTop: false });
    const cutFresh = new st.Model({
      inputs: fresh.inputs,
      outputs: fresh.layers[2]!.output as st.layers.SymbolicTensor,
    });
    const y = (cutFresh.predictOnBatch(st.tensor(pixels, [1, 1, 2, 3])) as st.Tensor).dataSync();
    pixels.forEach((p, i) => assert.ok(Math.abs(y[i]! - p / 255) < 1e-6));
  });

  it("B0 runs at 64×64 with the top (softmax rows sum to 1) and at 48×40 with avg/max pooling", async () => {
    const m = await efficientnet.EfficientNetB0({ weights: null, inputShape: [64, 64, 3] });
    const x = st.random.uniform([2, 64, 64, 3], { maxval: 255, seed: 1 });
    const y = m.predictOnBatch(x) as st.Tensor;
    assert.deepEqual(y.shape, [2, 1000]);
    const p = y.dataSync() as Float32Array;
    for (const row of [0, 1]) {
      const sum = p.subarray(row * 1000, row * 1000 + 1000).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row}: ${sum}`);
    }
    const avg = await efficientnet.EfficientNetB0({
      weights: null,
      includeTop: false,
      pooling: "avg",
    });
    assert.equal(avg.layers.at(-1)!.name, "avg_pool");
    const a = avg.predictOnBatch(st.random.uniform([1, 48, 40, 3], { maxval: 255, seed: 2 }));
    assert.deepEqual((a as st.Tensor).shape, [1, 1280]);
    const max = await efficientnet.EfficientNetB0({
      weights: null,
      includeTop: false,
      pooling: "max",
      inputShape: [33, 33, 3],
    });
    assert.equal(max.layers.at(-1)!.name, "max_pool");
    // Odd sides: correct_pad pads symmetrically, and 33 → 17 → 9 → 5 → 3 → 2.
    assert.deepEqual(max.getLayer("stem_conv_pad").getConfig().padding, [
      [1, 1],
      [1, 1],
    ]);
    const last = max.getLayer("top_activation").output as st.layers.SymbolicTensor;
    assert.deepEqual(last.shape, [null, 2, 2, 1280]);
  });

  it("preprocessInput passes its input through; decodePredictions is ImageNet's", () => {
    const x = st.tensor([[[[10, 20, 30]]]]);
    assert.equal(efficientnet.preprocessInput(x), x);
    const arr = [[[1, 2, 3]]];
    assert.equal(efficientnet.preprocessInput(arr, { dataFormat: "channels_first" }), arr);
    assert.throws(
      () => efficientnet.preprocessInput(x, { mode: "tf" } as never),
      /efficientnet\.preprocessInput: unknown option mode; expected dataFormat/,
    );
    assert.equal(efficientnet.decodePredictions, applications.imagenetUtils.decodePredictions);
  });

  it("Keras's argument checks, with each model's default size", async () => {
    await assert.rejects(
      efficientnet.EfficientNetB3({ inputShape: [224, 224, 3] }),
      /EfficientNetB3: .*inputShape should be \[300, 300, 3\]/,
    );
    await assert.rejects(
      efficientnet.EfficientNetB0({ weights: null, includeTop: false, inputShape: [31, 64, 3] }),
      /input size must be at least 32x32/,
    );
    await assert.rejects(
      efficientnet.EfficientNetB1({ classifierActivation: "relu" }),
      /only null and "softmax" activations are allowed/,
    );
  });

  it("round-trips through .keras (Normalization's statistics, Dropout's noise_shape)", async () => {
    const model = await efficientnet.EfficientNetB0({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 3],
      pooling: "avg",
    });
    model.layers[2]!.setWeights([
      st.tensor([0.4, 0.5, 0.6]),
      st.tensor([0.05, 0.06, 0.07]),
      st.tensor(0, [], "int32"),
    ]);
    const x = st.random.uniform([2, 32, 32, 3], { maxval: 255, seed: 3 });
    const want = model.predictOnBatch(x) as st.Tensor;
    await inTempDir(async (dir) => {
      const file = join(dir, "b0.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      assert.deepEqual(
        loaded.layers.map((l) => l.name),
        model.layers.map((l) => l.name),
      );
      assert.deepEqual(loaded.getLayer("block2b_drop").getConfig().noise_shape, [null, 1, 1, 1]);
      assert.ok(maxDiff(loaded.predictOnBatch(x) as st.Tensor, want) < 1e-4);
    });
  });
});

/** Keras 2's weight names of B0's layers (the published files' `weight_names`). */
function weightNames(layer: string): string[] {
  const w = (...names: string[]): string[] => names.map((n) => `${layer}/${n}:0`);
  if (/^normalization(_\d+)?$/.test(layer)) return w("mean", "variance", "count");
  if (layer.endsWith("dwconv")) return w("depthwise_kernel");
  if (layer.endsWith("se_reduce") || layer.endsWith("se_expand")) return w("kernel", "bias");
  if (layer.endsWith("conv")) return w("kernel");
  if (layer.endsWith("bn")) return w("gamma", "beta", "moving_mean", "moving_variance");
  return [];
}

describe("applications: EfficientNet weights", () => {
  const home = useTempHome("strata-effnet-weights-");

  it("weights: a path loads B0's legacy .h5 in Keras's layout; the model then runs", async () => {
    const shapes = await efficientnet.EfficientNetB0({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 3],
    });
    // Keras 2 names: the file's layers are listed under the names Keras gave them.
    const kerasNames = b0Names()
      .slice(0, -3)
      .map((n) => n.replace("*", ""));
    const layers = ["input_1", ...kerasNames];
    const value = (i: number, j: number, k: number): number => 0.01 * ((i + j + k) % 7) + 0.001 * j;
    const root = new Hdf5WriteGroup();
    root.attr("layer_names", layers);
    root.attr("backend", "tensorflow");
    root.attr("keras_version", "2.4.0");
    layers.forEach((layer, i) => {
      const wn = weightNames(layer);
      root.group(layer).attr("weight_names", wn);
      // Strata's layer of the same position (the auto-named ones differ by their suffix only).
      const vars = wn.length > 0 ? shapes.layers[i]!.weights : [];
      wn.forEach((name, j) => {
        const shape = vars[j]!.shape;
        const n = shape.reduce((a, b) => a * b, 1);
        if (name.endsWith("count:0")) {
          root.dataset(`${layer}/${name}`, Int32Array.of(1000), shape);
          return;
        }
        const data = new Float32Array(n);
        // Variances stay positive; means and kernels get recognisable values.
        for (let k = 0; k < n; k++)
          data[k] = /variance/.test(name) ? 1 + value(i, j, k) : value(i, j, k);
        root.dataset(`${layer}/${name}`, data, shape);
      });
    });
    const file = join(home(), "b0_notop.h5");
    writeFileSync(file, encodeHdf5(root));

    const model = await efficientnet.EfficientNetB0({ weights: file, includeTop: false });
    layers.forEach((layer, i) => {
      const wn = weightNames(layer);
      if (wn.length === 0 || wn[0]!.endsWith("mean:0")) return;
      const vars = model.getLayer(layer).weights;
      const got = vars[0]!.value.dataSync() as Float32Array;
      for (const k of [0, 1, got.length - 1]) {
        assert.equal(got[k], Math.fround(value(i, 0, k)), `${layer} [${k}]`);
      }
    });
    const norm = model.layers[2]!.getWeights().map((t) => [...t.dataSync()]);
    assert.deepEqual(
      norm[0],
      [0, 1, 2].map((c) => Math.fround(value(2, 0, c))),
    );
    assert.equal(norm[2]![0], 1000);
    // Loaded statistics are used: the model runs (Keras 3 behaviour) and gives finite values.
    const y = model.predictOnBatch(st.ones([1, 32, 32, 3])) as st.Tensor;
    assert.deepEqual(y.shape, [1, 1, 1, 1280]);
    assert.ok((y.dataSync() as Float32Array).every(Number.isFinite));
    // B1 has more blocks: the file is refused with both layer counts.
    await assert.rejects(
      efficientnet.EfficientNetB1({ weights: file, includeTop: false }),
      (e: Error) =>
        e instanceof StrataError && /the file has weights for \d+ layers/.test(e.message),
    );
  });

  it('weights: "imagenet" asks getFile for Keras\'s file, named after the model', async () => {
    const urls: string[] = [];
    globalThis.fetch = ((url: string) => {
      urls.push(String(url));
      return Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
      );
    }) as typeof fetch;
    await assert.rejects(
      efficientnet.EfficientNetB0({ includeTop: false }),
      /EfficientNetB0: could not get the ImageNet weights efficientnetb0_notop\.h5/,
    );
    await assert.rejects(efficientnet.EfficientNetB2(), /EfficientNetB2: could not get/);
    assert.deepEqual(urls, [
      "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
      "https://storage.googleapis.com/keras-applications/efficientnetb2.h5",
    ]);
  });
});
