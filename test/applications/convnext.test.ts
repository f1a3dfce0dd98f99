// ConvNeXtTiny … XLarge as Keras 3.16 builds them (keras/src/applications/convnext.py):
// parameter counts with the top equal Keras's table (keras.io/api/applications: 28.6M … 350.1M;
// exactly 28,589,128 … 350,196,968), without it less the 1000-way head_dense; Tiny's layer
// names and order written out here from Keras's naming scheme; the prestem normalization
// checked by hand; LayerScale and StochasticDepth (Keras's class names, module and config keys,
// their arithmetic, a .keras round trip); Keras's weight URLs; a forward pass of Tiny at 64×64.
// Larger models are built once, never run.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import { serializeLayer } from "../../src/layers/registry.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";
import { inTempDir } from "../keras-fixtures.js";
import { countUpTo, useTempHome } from "./app-helpers.js";

type Builder = (opts?: applications.ConvNeXtOptions) => Promise<Model>;
const { convnext } = applications;

/** Keras's totals with the top; the last stage's channels (the head's input). */
const TABLE: [string, Builder, number, number][] = [
  ["ConvNeXtTiny", convnext.ConvNeXtTiny, 28_589_128, 768],
  ["ConvNeXtSmall", convnext.ConvNeXtSmall, 50_223_688, 768],
  ["ConvNeXtBase", convnext.ConvNeXtBase, 88_591_464, 1024],
  ["ConvNeXtLarge", convnext.ConvNeXtLarge, 197_767_336, 1536],
  ["ConvNeXtXLarge", convnext.ConvNeXtXLarge, 350_196_968, 2048],
];

const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);

/** Keras 2's weight names of Tiny's layers; the nested models list their layers' weights. */
function weightNames(layer: string): string[] {
  const w = (l: string, ...names: string[]): string[] => names.map((n) => `${l}/${n}:0`);
  const ln = (l: string): string[] => w(l, "gamma", "beta");
  const conv = (l: string): string[] => w(l, "kernel", "bias");
  if (layer.endsWith("_stem")) return [...conv(`${layer}_conv`), ...ln(`${layer}_layernorm`)];
  const down = /^(.*)_downsampling_block_(\d)$/.exec(layer);
  if (down) {
    const [, n, i] = down;
    return [...ln(`${n}_downsampling_layernorm_${i}`), ...conv(`${n}_downsampling_conv_${i}`)];
  }
  if (/(_conv|_conv_1|_conv_2)$/.test(layer)) return conv(layer);
  if (/layernorm$|^layer_normalization$/.test(layer)) return ln(layer);
  if (layer.endsWith("_layer_scale")) return w(layer, "Variable");
  return [];
}

/** Tiny's layers after the input, in Keras's order (each block's `inputs + x` is an op node, not a layer). */
function tinyNames(): string[] {
  const n = "convnext_tiny";
  const out = [`${n}_prestem_normalization`, `${n}_stem`];
  [3, 3, 9, 3].forEach((depth, i) => {
    if (i > 0) out.push(`${n}_downsampling_block_${i - 1}`);
    for (let j = 0; j < depth; j++) {
      const p = `${n}_stage_${i}_block_${j}_`;
      const parts = ["depthwise_conv", "layernorm", "pointwise_conv_1", "gelu"];
      parts.push("pointwise_conv_2", "layer_scale", "identity");
      out.push(...parts.map((x) => p + x));
    }
  });
  return [...out, `${n}_head_gap`, `${n}_head_layernorm`, `${n}_head_dense`];
}

describe("applications: ConvNeXt (Keras 3.16)", () => {
  for (const [name, build, withTop, features] of TABLE) {
    const withoutTop = withTop - (features * 1000 + 1000);
    it(`${name}: ${withTop} parameters with the top, ${withoutTop} without`, async () => {
      const top = await build({ weights: null });
      assert.equal(top.countParams(), withTop);
      assert.equal(top.name, name.replace("ConvNeXt", "convnext_").toLowerCase());
      assert.deepEqual(top.inputs[0]!.shape, [null, 224, 224, 3]);
      assert.deepEqual(shapeOf(top, `${top.name}_head_dense`), [[features, 1000], [1000]]);
      if (withTop > 40e6) {
        // Built once, to keep the test cheap: without the top, the head's LayerNormalization
        // stays and only head_dense goes (checked on Tiny below).
        assert.equal(countUpTo(top, `${top.name}_head_layernorm`), withoutTop);
        return;
      }
      const bare = await build({ weights: null, includeTop: false });
      assert.equal(bare.countParams(), withoutTop);
      assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, features]);
      assert.match(bare.layers.at(-1)!.name, /^layer_normalization(_\d+)?$/);
    });
  }

  it("Tiny's layers are Keras's, in order; nested stem and downsampling blocks", async () => {
    const m = await convnext.ConvNeXtTiny({ weights: null, inputShape: [64, 64, 3] });
    const got = m.layers.slice(1).map((l) => l.name);
    const want = tinyNames();
    assert.equal(got.length, want.length);
    got.forEach((g, i) => assert.equal(g, want[i], `layer ${i + 1}`));
    assert.equal(m.operations.filter((op) => op.className === "Add").length, 18);
    const stem = m.getLayer("convnext_tiny_stem") as st.Sequential;
    assert.deepEqual(
      stem.layers.map((l) => l.name),
      ["convnext_tiny_stem_conv", "convnext_tiny_stem_layernorm"],
    );
    assert.deepEqual(
      stem.weights.map((w) => [...w.shape]),
      [[4, 4, 3, 96], [96], [96], [96]],
    );
    const down = m.getLayer("convnext_tiny_downsampling_block_2") as st.Sequential;
    assert.deepEqual(
      down.layers.map((l) => l.name),
      ["convnext_tiny_downsampling_layernorm_2", "convnext_tiny_downsampling_conv_2"],
    );
    assert.deepEqual(
      down.weights.map((w) => [...w.shape]),
      [[384], [384], [2, 2, 384, 768], [768]],
    );
    // The 7×7 depthwise convolution is a grouped Conv2D with a bias.
    const p = "convnext_tiny_stage_1_block_2_";
    assert.deepEqual(shapeOf(m, `${p}depthwise_conv`), [[7, 7, 1, 192], [192]]);
    assert.equal(m.getLayer(`${p}depthwise_conv`).getConfig().groups, 192);
    assert.deepEqual(shapeOf(m, `${p}pointwise_conv_1`), [[192, 768], [768]]);
    assert.deepEqual(shapeOf(m, `${p}layer_scale`), [[192]]);
    assert.equal(m.getLayer(`${p}layernorm`).getConfig().epsilon, 1e-6);
    assert.equal(m.getLayer(`${p}gelu`).getConfig().activation, "gelu");
    const gamma = m.getLayer(`${p}layer_scale`).weights[0]!.value.dataSync();
    assert.ok(Array.from(gamma).every((g) => g === Math.fround(1e-6)));
    // The softmax head runs at 64×64.
    const y = m.predictOnBatch(st.random.uniform([1, 64, 64, 3], { maxval: 255, seed: 6 }));
    const probs = (y as st.Tensor).dataSync() as Float32Array;
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  it("prestem: (x − 255·mean) / (255·std), constants; none without 3 channels or when asked", async () => {
    const m = await convnext.ConvNeXtTiny({ weights: null, includeTop: false, pooling: "avg" });
    assert.deepEqual(m.outputs[0]!.shape, [null, 768]);
    const norm = m.layers[1]!;
    assert.equal(norm.weights.length, 0);
    const cut = new st.Model({
      inputs: m.inputs,
      outputs: norm.output as st.layers.SymbolicTensor,
    });
    const pixels = [0, 51, 255, 102, 204, 25.5];
    const got = (cut.predictOnBatch(st.tensor(pixels, [1, 1, 2, 3])) as st.Tensor).dataSync();
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    pixels.forEach((p, i) => {
      const want = (p - 255 * mean[i % 3]!) / (255 * std[i % 3]!);
      assert.ok(Math.abs(got[i]! - want) < 1e-5, `${i}: ${got[i]} vs ${want}`);
    });
    const grey = await convnext.ConvNeXtTiny({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 1],
    });
    assert.equal(grey.layers[1]!.name, "convnext_tiny_stem");
    const raw = await convnext.ConvNeXtTiny({
      weights: null,
      includeTop: false,
      includePreprocessing: false,
      pooling: "max",
    });
    assert.equal(raw.layers[1]!.name, "convnext_tiny_stem");
    assert.match(raw.layers.at(-2)!.name, /^global_max_pooling2d(_\d+)?$/);
  });

  it("LayerScale: x · gamma, Keras's class, module and config keys", () => {
    const layer = new convnext.LayerScale(0.5, 3, { name: "ls" });
    const y = layer.apply(st.tensor([[1, 2, 3]])) as st.Tensor;
    assert.deepEqual([...y.dataSync()], [0.5, 1, 1.5]);
    layer.setWeights([st.tensor([1, -1, 2])]);
    assert.deepEqual(
      [...(layer.apply(st.tensor([[1, 2, 3]])) as st.Tensor).dataSync()],
      [1, -2, 6],
    );
    const s = serializeLayer(layer);
    assert.equal(s.class_name, "LayerScale");
    assert.equal(s.module, "keras.src.applications.convnext");
    assert.equal(s.config.init_values, 0.5);
    assert.equal(s.config.projection_dim, 3);
    assert.throws(() => new convnext.LayerScale(0.5, 4).apply(st.ones([1, 3])), /projectionDim/);
  });

  it("StochasticDepth: per sample 0 or x / keep in training, identity at inference", () => {
    const layer = new convnext.StochasticDepth(0.25, { name: "sd" });
    const x = st.random.uniform([64, 2, 3], { minval: 1, maxval: 2, seed: 7 });
    assert.equal(layer.apply(x), x);
    const y = (layer.apply(x, { training: true }) as st.Tensor).dataSync();
    const xs = x.dataSync();
    let dropped = 0;
    for (let s = 0; s < 64; s++) {
      const got = Array.from(y.subarray(s * 6, s * 6 + 6));
      const zero = got.every((v) => v === 0);
      if (zero) dropped++;
      else got.forEach((v, k) => assert.ok(Math.abs(v - xs[s * 6 + k]! / 0.75) < 1e-5));
    }
    // 64 samples at rate 0.25: 16 expected; the bounds hold with probability > 0.999.
    assert.ok(dropped >= 4 && dropped <= 30, `dropped ${dropped}`);
    assert.equal(serializeLayer(layer).config.drop_path_rate, 0.25);
    assert.throws(
      () => new convnext.StochasticDepth(1.5),
      /dropPathRate must be a number between 0 and 1/,
    );
  });

  it("a model with LayerScale and StochasticDepth round-trips through .keras", async () => {
    const inp = st.Input({ shape: [4] });
    let h = new st.layers.Dense(4, { name: "d" }).apply(inp) as st.layers.SymbolicTensor;
    h = new convnext.LayerScale(0.1, 4, { name: "ls" }).apply(h) as st.layers.SymbolicTensor;
    h = new convnext.StochasticDepth(0.3, { name: "sd" }).apply(h) as st.layers.SymbolicTensor;
    const model = new st.Model({ inputs: inp, outputs: h });
    model.getLayer("ls").setWeights([st.tensor([1, 2, 3, 4])]);
    const x = st.random.uniform([3, 4], { seed: 8 });
    const want = (model.predictOnBatch(x) as st.Tensor).dataSync();
    await inTempDir(async (dir) => {
      const file = join(dir, "ls.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      assert.equal(loaded.getLayer("ls").constructor.name, "LayerScale");
      assert.equal(loaded.getLayer("sd").getConfig().drop_path_rate, 0.3);
      const got = (loaded.predictOnBatch(x) as st.Tensor).dataSync();
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6));
    });
  });

  it("preprocessInput passes its input through; decodePredictions is ImageNet's", () => {
    const x = st.tensor([[[[10, 20, 30]]]]);
    assert.equal(convnext.preprocessInput(x), x);
    assert.equal(convnext.decodePredictions, applications.imagenetUtils.decodePredictions);
  });

  describe("weights", () => {
    const home = useTempHome("strata-convnext-weights-");

    it("a path loads a legacy .h5 in Keras's layout, nested stem and downsampling blocks included", async () => {
      const shapes = await convnext.ConvNeXtTiny({
        weights: null,
        includeTop: false,
        inputShape: [32, 32, 3],
      });
      // Keras's layers, without the head, and the LayerNormalization that ends the top-less model.
      const layers = ["input_1", ...tinyNames().slice(0, -3), "layer_normalization"];
      const withWeights = shapes.layers.filter((l) => l.weights.length > 0);
      const value = (i: number, j: number, k: number): number => 0.001 * ((i * 7 + j * 3 + k) % 11);
      const root = new Hdf5WriteGroup();
      root.attr("layer_names", layers);
      root.attr("backend", "tensorflow");
      root.attr("keras_version", "2.9.0");
      let i = 0;
      for (const layer of layers) {
        const names = weightNames(layer);
        root.group(layer).attr("weight_names", names);
        if (names.length === 0) continue;
        const vars = withWeights[i]!.weights;
        names.forEach((name, j) => {
          const n = vars[j]!.shape.reduce((a, b) => a * b, 1);
          const data = new Float32Array(n);
          for (let k = 0; k < n; k++) data[k] = value(i, j, k);
          root.dataset(`${layer}/${name}`, data, vars[j]!.shape);
        });
        i++;
      }
      assert.equal(i, withWeights.length);
      const file = join(home(), "tiny_notop.h5");
      writeFileSync(file, encodeHdf5(root));
      const model = await convnext.ConvNeXtTiny({ weights: file, includeTop: false });
      const loaded = model.layers.filter((l) => l.weights.length > 0);
      // The stem (position 0): conv kernel, conv bias, LN gamma, LN beta, in Keras's order.
      const stem = model.getLayer("convnext_tiny_stem") as st.Sequential;
      assert.equal(loaded[0], stem);
      stem.weights.forEach((w, j) =>
        assert.equal(w.value.dataSync()[1], Math.fround(value(0, j, 1))),
      );
      const k = loaded.findIndex((l) => l.name === "convnext_tiny_stage_3_block_2_layer_scale");
      const gamma = loaded[k]!.weights[0]!.value.dataSync();
      assert.equal(gamma[5], Math.fround(value(k, 0, 5)));
    });

    it('"imagenet" asks getFile for Keras\'s file; the name must name the variant', async () => {
      const urls: string[] = [];
      globalThis.fetch = ((url: string) => {
        urls.push(String(url));
        return Promise.reject(
          new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
        );
      }) as typeof fetch;
      await assert.rejects(
        convnext.ConvNeXtTiny({ includeTop: false }),
        /ConvNeXtTiny: could not get the ImageNet weights convnext_tiny_notop\.h5/,
      );
      await assert.rejects(
        convnext.ConvNeXtTiny({ name: "mine" }),
        /ConvNeXtTiny: model name "mine" does not match weights variant "convnext_tiny"/,
      );
      assert.deepEqual(urls, [
        "https://storage.googleapis.com/tensorflow/keras-applications/convnext/convnext_tiny_notop.h5",
      ]);
    });
  });
});
