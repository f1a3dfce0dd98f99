// EfficientNetV2B0 … B3, S, M and L as Keras 3.16 builds them
// (keras/src/applications/efficientnet_v2.py): parameter counts with the top equal Keras's
// table (keras.io/api/applications: 7.2M … 119.0M; exactly 7,200,312 … 119,027,848, the counts
// the reference implementation's tests assert), without it less the 1000-way classifier;
// V2B0's layer names and order written out here from Keras's naming scheme (fused blocks first,
// then depthwise ones with squeeze-excite); the preprocessing inside the model checked by hand
// for the B and the S/M/L variants; Keras's weight URLs; a forward pass of V2B0 at 64×64 and a
// .keras round trip. Larger models are built, never run.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { inTempDir } from "../keras-fixtures.js";
import { assertNames, countUpTo, useTempHome } from "./app-helpers.js";

type Builder = (opts?: applications.EfficientNetV2Options) => Promise<Model>;
const { efficientnetV2: v2 } = applications;

/** Keras's totals with the top, default sizes, the classifier's input features. */
const TABLE: [string, Builder, string, number, number, number][] = [
  ["EfficientNetV2B0", v2.EfficientNetV2B0, "efficientnetv2-b0", 7_200_312, 224, 1280],
  ["EfficientNetV2B1", v2.EfficientNetV2B1, "efficientnetv2-b1", 8_212_124, 240, 1280],
  ["EfficientNetV2B2", v2.EfficientNetV2B2, "efficientnetv2-b2", 10_178_374, 260, 1408],
  ["EfficientNetV2B3", v2.EfficientNetV2B3, "efficientnetv2-b3", 14_467_622, 300, 1536],
  ["EfficientNetV2S", v2.EfficientNetV2S, "efficientnetv2-s", 21_612_360, 384, 1280],
  ["EfficientNetV2M", v2.EfficientNetV2M, "efficientnetv2-m", 54_431_388, 480, 1280],
  ["EfficientNetV2L", v2.EfficientNetV2L, "efficientnetv2-l", 119_027_848, 480, 1280],
];

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);

/** V2B0's stages: repeats, expansion, first stride, input and output filters, fused. */
const B0_STAGES: [number, number, number, number, number, boolean][] = [
  [1, 1, 1, 32, 16, true],
  [2, 4, 2, 16, 32, true],
  [2, 4, 2, 32, 48, true],
  [3, 4, 2, 48, 96, false],
  [5, 6, 1, 96, 112, false],
  [8, 6, 2, 112, 192, false],
];

/** V2B0's layers after the input, in Keras's order. */
function v2b0Names(): string[] {
  const out = ["rescaling*", "normalization*", "stem_conv", "stem_bn", "stem_activation"];
  B0_STAGES.forEach(([repeats, expand, , , , fused], s) => {
    for (let j = 0; j < repeats; j++) {
      const p = `block${s + 1}${"abcdefgh"[j]}_`;
      const parts: string[] = [];
      if (expand !== 1) parts.push("expand_conv", "expand_bn", "expand_activation");
      if (!fused) {
        parts.push("dwconv2", "bn", "activation", "se_squeeze", "se_reshape", "se_reduce");
        parts.push("se_expand", "se_excite");
      }
      parts.push("project_conv", "project_bn");
      if (expand === 1) parts.push("project_activation");
      // Residual when the block keeps its shape: the repeats (every first block of V2B0
      // changes its filters), each after drop-connect.
      if (j > 0) parts.push("drop", "add");
      out.push(...parts.map((x) => p + x));
    }
  });
  return [...out, "top_conv", "top_bn", "top_activation", "avg_pool", "top_dropout", "predictions"];
}

/** Keras 2's weight names of V2B0's layers (the published files' `weight_names`). */
function weightNames(layer: string): string[] {
  const w = (...names: string[]): string[] => names.map((n) => `${layer}/${n}:0`);
  if (layer.endsWith("dwconv2")) return w("depthwise_kernel");
  if (layer.endsWith("se_reduce") || layer.endsWith("se_expand")) return w("kernel", "bias");
  if (layer.endsWith("conv")) return w("kernel");
  if (layer.endsWith("bn")) return w("gamma", "beta", "moving_mean", "moving_variance");
  return [];
}

/** A model cut after its first `n` layers, fed one image. */
function firstLayers(m: Model, n: number, x: st.Tensor): Float32Array {
  const cut = new st.Model({
    inputs: m.inputs,
    outputs: m.layers[n]!.output as st.layers.SymbolicTensor,
  });
  return (cut.predictOnBatch(x) as st.Tensor).dataSync() as Float32Array;
}

describe("applications: EfficientNetV2 (Keras 3.16)", () => {
  for (const [name, build, kerasName, withTop, size, features] of TABLE) {
    const withoutTop = withTop - (features * 1000 + 1000);
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without; ${size}×${size}`, async () => {
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.name, kerasName);
      assert.deepEqual(top.inputs[0]!.shape, [null, size, size, 3]);
      assert.deepEqual(shapeOf(top, "predictions"), [[features, 1000], [1000]]);
      if (withTop > 40e6) {
        // Built once, to keep the test cheap; the top-less path is checked on the others.
        assert.equal(countUpTo(top, "top_activation"), withoutTop);
        return;
      }
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, features]);
      assert.equal(bare.layers.at(-1)!.name, "top_activation");
    });
  }

  it("V2B0's layers are Keras's, in order; fused and depthwise blocks' weights", async () => {
    const m = await v2.EfficientNetV2B0({ weights: null, inputShape: [64, 64, 3] });
    assertNames(names(m), v2b0Names());
    assert.deepEqual(shapeOf(m, "stem_conv"), [[3, 3, 3, 32]]);
    // Fused without expansion: the k×k projection carries the stride; with it, the expansion.
    assert.deepEqual(shapeOf(m, "block1a_project_conv"), [[3, 3, 32, 16]]);
    assert.deepEqual(shapeOf(m, "block2a_expand_conv"), [[3, 3, 16, 64]]);
    assert.deepEqual(m.getLayer("block2a_expand_conv").getConfig().strides, [2, 2]);
    assert.deepEqual(shapeOf(m, "block2a_project_conv"), [[1, 1, 64, 32]]);
    assert.deepEqual(shapeOf(m, "block4a_dwconv2"), [[3, 3, 192, 1]]);
    assert.deepEqual(m.getLayer("block4a_dwconv2").getConfig().padding, "same");
    assert.deepEqual(shapeOf(m, "block4a_se_reduce"), [[1, 1, 192, 12], [12]]);
    assert.deepEqual(shapeOf(m, "block6h_project_conv"), [[1, 1, 1152, 192]]);
    assert.equal(m.getLayer("stem_bn").getConfig().momentum, 0.9);
    // Drop-connect: 0.2 · b / 21 (V2B0's 21 blocks), b counting from 0 (block2b is b = 2).
    const drop = m.getLayer("block2b_drop").getConfig();
    assert.deepEqual([drop.rate, drop.noise_shape], [(0.2 * 2) / 21, [null, 1, 1, 1]]);
    assert.equal(m.getLayer("block6h_drop").getConfig().rate, (0.2 * 20) / 21);
    assert.equal(m.getLayer("top_dropout").getConfig().rate, 0.2);
    const bias = m.getLayer("predictions").getConfig().bias_initializer as {
      class_name: string;
      config: { value: number };
    };
    assert.deepEqual([bias.class_name, bias.config.value], ["Constant", 0]);
    // Normalization's statistics are constants: no weights.
    assert.equal(m.layers[2]!.weights.length, 0);
    const x = st.random.uniform([2, 64, 64, 3], { maxval: 255, seed: 4 });
    const y = (m.predictOnBatch(x) as st.Tensor).dataSync() as Float32Array;
    assert.equal(y.length, 2000);
    for (const row of [0, 1]) {
      const sum = y.subarray(row * 1000, row * 1000 + 1000).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row}: ${sum}`);
    }
  });

  it("preprocessing inside: B models (x/255 − mean)/std; S/M/L and other channels x/128 − 1", async () => {
    const pixels = [0, 51, 255, 102, 204, 25.5];
    const image = st.tensor(pixels, [1, 1, 2, 3]);
    const b0 = await v2.EfficientNetV2B0({ weights: null, includeTop: false });
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const got = firstLayers(b0, 2, image);
    pixels.forEach((p, i) => {
      const want = (p / 255 - mean[i % 3]!) / std[i % 3]!;
      assert.ok(Math.abs(got[i]! - want) < 1e-5, `${i}: ${got[i]} vs ${want}`);
    });
    const s = await v2.EfficientNetV2S({ weights: null, includeTop: false });
    assert.equal(s.layers[2]!.name, "stem_conv");
    assert.deepEqual(
      [s.layers[1]!.getConfig().scale, s.layers[1]!.getConfig().offset],
      [1 / 128, -1],
    );
    const gotS = firstLayers(s, 1, image);
    pixels.forEach((p, i) => assert.ok(Math.abs(gotS[i]! - (p / 128 - 1)) < 1e-6));
    const grey = await v2.EfficientNetV2B1({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 1],
    });
    assert.deepEqual(grey.layers[1]!.getConfig().offset, -1);
    assert.equal(grey.layers[2]!.name, "stem_conv");
    const raw = await v2.EfficientNetV2B0({
      weights: null,
      includeTop: false,
      includePreprocessing: false,
    });
    assert.equal(raw.layers[1]!.name, "stem_conv");
    // V1 has no such option, as in Keras.
    await assert.rejects(
      applications.EfficientNetB0({ includePreprocessing: false } as never),
      /EfficientNetB0: unknown option includePreprocessing/,
    );
  });

  it("preprocessInput passes its input through; decodePredictions is ImageNet's", () => {
    const x = st.tensor([[[[10, 20, 30]]]]);
    assert.equal(v2.preprocessInput(x), x);
    assert.throws(
      () => v2.preprocessInput(x, { mode: "tf" } as never),
      /efficientnetV2\.preprocessInput: unknown option mode/,
    );
    assert.equal(v2.decodePredictions, applications.imagenetUtils.decodePredictions);
  });

  it("round-trips through .keras (the Normalization's constant statistics)", async () => {
    const model = await v2.EfficientNetV2B0({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 3],
      pooling: "max",
    });
    assert.equal(model.layers.at(-1)!.name, "max_pool");
    const x = st.random.uniform([2, 32, 32, 3], { maxval: 255, seed: 5 });
    const want = (model.predictOnBatch(x) as st.Tensor).dataSync() as Float32Array;
    await inTempDir(async (dir) => {
      const file = join(dir, "v2b0.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      assert.equal(loaded.name, "efficientnetv2-b0");
      const got = (loaded.predictOnBatch(x) as st.Tensor).dataSync() as Float32Array;
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-4, `${i}`));
    });
  });

  describe("weights", () => {
    const home = useTempHome("strata-effnetv2-weights-");

    it("a path loads V2B0's legacy .h5 in Keras's layout, layer by layer", async () => {
      const shapes = await v2.EfficientNetV2B0({
        weights: null,
        includeTop: false,
        inputShape: [32, 32, 3],
      });
      const layers = [
        "input_1",
        ...v2b0Names()
          .slice(0, -3)
          .map((n) => n.replace("*", "")),
      ];
      const value = (i: number, j: number, k: number): number => 0.01 * ((i + 2 * j + k) % 9);
      const root = new Hdf5WriteGroup();
      root.attr("layer_names", layers);
      root.attr("backend", "tensorflow");
      root.attr("keras_version", "2.8.0");
      layers.forEach((layer, i) => {
        const names = weightNames(layer);
        root.group(layer).attr("weight_names", names);
        const vars = names.length > 0 ? shapes.layers[i]!.weights : [];
        names.forEach((name, j) => {
          const n = vars[j]!.shape.reduce((a, b) => a * b, 1);
          const data = new Float32Array(n);
          for (let k = 0; k < n; k++) data[k] = /variance/.test(name) ? 1 : value(i, j, k);
          root.dataset(`${layer}/${name}`, data, vars[j]!.shape);
        });
      });
      const file = join(home(), "v2b0_notop.h5");
      writeFileSync(file, encodeHdf5(root));
      const model = await v2.EfficientNetV2B0({ weights: file, includeTop: false });
      layers.forEach((layer, i) => {
        if (weightNames(layer).length === 0) return;
        const got = model.getLayer(layer).weights[0]!.value.dataSync();
        for (const k of [0, 1, got.length - 1]) {
          assert.equal(got[k], Math.fround(value(i, 0, k)), `${layer} [${k}]`);
        }
      });
      const y = model.predictOnBatch(st.ones([1, 32, 32, 3])) as st.Tensor;
      assert.ok((y.dataSync() as Float32Array).every(Number.isFinite));
    });

    it('"imagenet" asks getFile for Keras\'s file, named after the model', async () => {
      const urls: string[] = [];
      globalThis.fetch = ((url: string) => {
        urls.push(String(url));
        return Promise.reject(
          new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
        );
      }) as typeof fetch;
      await assert.rejects(
        v2.EfficientNetV2B0({ includeTop: false }),
        /EfficientNetV2B0: could not get the ImageNet weights efficientnetv2-b0_notop\.h5/,
      );
      await assert.rejects(v2.EfficientNetV2S(), /EfficientNetV2S: could not get/);
      const base = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/";
      assert.deepEqual(urls, [`${base}efficientnetv2-b0_notop.h5`, `${base}efficientnetv2-s.h5`]);
    });
  });
});
