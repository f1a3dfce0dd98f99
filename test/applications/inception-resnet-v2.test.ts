// InceptionResNetV2 as Keras 3.16 builds it (keras/src/applications/inception_resnet_v2.py):
// parameter counts with and without the top equal keras.io/api/applications' table, layer
// counts, the named layers in Keras's order (the blocks' `_mixed`, `_conv`, `_ac` around the
// unnamed scaling layer), the blocks' projection shapes and scales, a forward pass at the
// minimum 75×75, and Keras's CustomScaleLayer: x + r × scale by hand, Keras's config and
// serialized identity (a config written as Keras writes it loads), a .keras round trip.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import * as applications from "../../src/applications/index.js";
import { CustomScaleLayer } from "../../src/applications/inception-resnet-v2.js";
import type { Model } from "../../src/models/model.js";
import { inTempDir } from "../keras-fixtures.js";

const names = (m: Model): string[] => m.layers.slice(1).map((l) => l.name);
const shapeOf = (m: Model, layer: string): number[][] =>
  m.getLayer(layer).weights.map((w) => [...w.shape]);
const AUTOMATIC =
  /^(conv2d|batch_normalization|activation|max_pooling2d|average_pooling2d)(_\d+)?$/;

/** The layers Keras names (and the scaling layers, "custom_scale_layer*"), in summary order. */
function namedLayers(): string[] {
  const out = ["mixed_5b"];
  const block = (type: string, n: number, lastWithoutAc = false): void => {
    for (let i = 1; i <= n; i++) {
      out.push(`${type}_${i}_mixed`, `${type}_${i}_conv`, "custom_scale_layer*");
      if (!(lastWithoutAc && i === n)) out.push(`${type}_${i}_ac`);
    }
  };
  block("block35", 10);
  out.push("mixed_6a");
  block("block17", 20);
  out.push("mixed_7a");
  block("block8", 10, true);
  return [...out, "conv_7b", "conv_7b_bn", "conv_7b_ac", "avg_pool", "predictions"];
}

describe("applications: InceptionResNetV2 (Keras 3.16)", () => {
  it("55,873,736 parameters with the top, 54,336,736 without; 782 layers; Keras's names", async () => {
    const top = await applications.InceptionResNetV2({ weights: null });
    assert.equal(top.countParams(), 55_873_736);
    assert.equal(top.layers.length, 782);
    assert.equal(top.name, "inception_resnet_v2");
    assert.deepEqual(top.inputs[0]!.shape, [null, 299, 299, 3]);
    assert.deepEqual(top.outputs[0]!.shape, [null, 1000]);
    const named = names(top).filter((n) => !AUTOMATIC.test(n));
    const want = namedLayers();
    assert.equal(named.length, want.length);
    named.forEach((n, i) => {
      const w = want[i]!;
      if (w === "custom_scale_layer*") assert.match(n, /^custom_scale_layer(_\d+)?$/, `#${i}`);
      else assert.equal(n, w, `#${i}`);
    });
    // The projections back to the block's input channels have a bias and no BN.
    assert.deepEqual(shapeOf(top, "block35_1_conv"), [[1, 1, 128, 320], [320]]);
    assert.deepEqual(shapeOf(top, "block17_20_conv"), [[1, 1, 384, 1088], [1088]]);
    assert.deepEqual(shapeOf(top, "block8_10_conv"), [[1, 1, 448, 2080], [2080]]);
    assert.deepEqual(shapeOf(top, "conv_7b"), [[1, 1, 2080, 1536]]);
    assert.deepEqual(shapeOf(top, "conv_7b_bn"), [[1536], [1536], [1536]]);
    assert.equal(top.getLayer("conv_7b_bn").getConfig().scale, false);
    assert.deepEqual(shapeOf(top, "predictions"), [[1536, 1000], [1000]]);
    const scales = top.layers
      .filter((l) => l instanceof CustomScaleLayer)
      .map((l) => (l as CustomScaleLayer).scale);
    assert.deepEqual(scales, [
      ...Array<number>(10).fill(0.17),
      ...Array<number>(20).fill(0.1),
      ...Array<number>(9).fill(0.2),
      1,
    ]);
    const sizes: [string, number, number][] = [
      ["mixed_5b", 35, 320],
      ["mixed_6a", 17, 1088],
      ["mixed_7a", 8, 2080],
      ["conv_7b_ac", 8, 1536],
    ];
    for (const [layer, side, channels] of sizes) {
      const out = top.getLayer(layer).output as st.layers.SymbolicTensor;
      assert.deepEqual(out.shape, [null, side, side, channels], layer);
    }
    const bare = await applications.InceptionResNetV2({ weights: null, includeTop: false });
    assert.equal(bare.countParams(), 54_336_736);
    assert.equal(bare.layers.length, 780);
    assert.deepEqual(bare.outputs[0]!.shape, [null, null, null, 1536]);
  });

  it("runs at the minimum 75×75 with avg pooling; 74 is refused", async () => {
    const m = await applications.InceptionResNetV2({
      weights: null,
      includeTop: false,
      inputShape: [75, 75, 3],
      pooling: "avg",
    });
    assert.match(m.layers.at(-1)!.name, /^global_average_pooling2d(_\d+)?$/);
    const y = m.predictOnBatch(st.random.uniform([1, 75, 75, 3], { minval: -1, seed: 4 }));
    assert.deepEqual((y as st.Tensor).shape, [1, 1536]);
    assert.ok((y as st.Tensor).dataSync().every((v) => Number.isFinite(v)));
    await assert.rejects(
      applications.InceptionResNetV2({ weights: null, includeTop: false, inputShape: [74, 80, 3] }),
      (e: Error) =>
        e instanceof ValueError &&
        /^InceptionResNetV2: input size must be at least 75x75; Received: inputShape=\[74, 80, 3\]/.test(
          e.message,
        ),
    );
  });

  it('inceptionResnetV2.preprocessInput is "tf"; decodePredictions is imagenet_utils\'', () => {
    const y = applications.inceptionResnetV2.preprocessInput(st.tensor([[[[0, 127.5, 255]]]]));
    assert.deepEqual([...(y.dataSync() as Float32Array)], [-1, 0, 1]);
    assert.equal(
      applications.inceptionResnetV2.decodePredictions,
      applications.imagenetUtils.decodePredictions,
    );
  });
});

describe("applications: CustomScaleLayer", () => {
  it("computes inputs[0] + inputs[1] * scale", () => {
    const layer = new CustomScaleLayer({ scale: 0.17 });
    const a = st.tensor([[1, -2, 3]]);
    const b = st.tensor([[10, 20, -30]]);
    const y = layer.apply([a, b]) as st.Tensor;
    const want = [1 + 10 * 0.17, -2 + 20 * 0.17, 3 - 30 * 0.17];
    const got = y.dataSync() as Float32Array;
    want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-6, `${got[i]} vs ${w}`));
    assert.throws(() => new CustomScaleLayer({} as never), /scale must be a finite number/);
    assert.throws(
      () => new CustomScaleLayer({ scale: 1 }).apply(a),
      /expected a list of two inputs/,
    );
  });

  it("has Keras's config and identity; a config as Keras writes it loads", () => {
    const layer = new CustomScaleLayer({ scale: 0.1, name: "s" });
    const ser = st.layers.serializeLayer(layer);
    assert.equal(ser.module, "keras.src.applications.inception_resnet_v2");
    assert.equal(ser.class_name, "CustomScaleLayer");
    assert.equal(ser.registered_name, "CustomScaleLayer");
    assert.deepEqual(Object.keys(ser.config).sort(), ["dtype", "name", "scale", "trainable"]);
    assert.equal(ser.config.scale, 0.1);
    const keras = {
      module: "keras.src.applications.inception_resnet_v2",
      class_name: "CustomScaleLayer",
      config: {
        name: "custom_scale_layer_7",
        trainable: true,
        dtype: {
          module: "keras",
          class_name: "DTypePolicy",
          config: { name: "float32" },
          registered_name: null,
        },
        scale: 0.2,
      },
      registered_name: "CustomScaleLayer",
      build_config: {
        input_shape: [
          [null, 8, 8, 2080],
          [null, 8, 8, 2080],
        ],
      },
    };
    const back = st.layers.deserializeLayer(keras);
    assert.ok(back instanceof CustomScaleLayer);
    assert.equal(back.scale, 0.2);
    assert.equal(back.name, "custom_scale_layer_7");
    assert.ok(back.built);
  });

  it("a model with the scaled residual round-trips through .keras", async () => {
    const inp = st.Input({ shape: [4, 4, 3] });
    const up = new st.layers.Conv2D(3, 1, { name: "up" }).apply(inp) as st.layers.SymbolicTensor;
    const out = new CustomScaleLayer({ scale: 0.17 }).apply([inp, up]) as st.layers.SymbolicTensor;
    const model = new st.models.Model({ inputs: inp, outputs: out });
    const x = st.random.uniform([2, 4, 4, 3], { seed: 5 });
    const want = model.predictOnBatch(x) as st.Tensor;
    await inTempDir(async (dir) => {
      const file = join(dir, "scaled.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      const layer = loaded.layers.at(-1)!;
      assert.ok(layer instanceof CustomScaleLayer);
      assert.equal(layer.scale, 0.17);
      const got = (loaded.predictOnBatch(x) as st.Tensor).dataSync() as Float32Array;
      const w = want.dataSync() as Float32Array;
      got.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-6));
    });
  });
});
