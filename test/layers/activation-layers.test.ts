/**
 * Keras's activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) and Identity: the layer
 * lifecycle (runLayerTest: shapes, config round trip, gradients by finite differences, training),
 * values from float64 loops of Keras's documented formulas and Keras's docstring examples, Keras
 * 3 and Keras 2 configs, masks, and `.keras` round trips.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import { ELU } from "../../src/layers/activations/elu.js";
import { Identity } from "../../src/layers/activations/identity.js";
import { LeakyReLU } from "../../src/layers/activations/leaky-relu.js";
import { PReLU } from "../../src/layers/activations/prelu.js";
import { ReLU } from "../../src/layers/activations/relu.js";
import { Softmax } from "../../src/layers/activations/softmax.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { setMask } from "../../src/layers/masks.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { assertKerasRoundTrip } from "./preprocessing-numeric-roundtrip.js";

const values = (t: Tensor): number[] => Array.from(t.dataSync(), Number);
const POLICY = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

describe("ReLU", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new ReLU({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest(
      (dtype) => new ReLU({ dtype, maxValue: 1.5, negativeSlope: 0.2, threshold: 0.3 }),
      { inputShape: [3, 5], expectedOutputShape: [3, 5] },
    );
  });

  it("follows Keras's docstring example and formula", () => {
    const x = st.tensor([-10, -5, 0, 5, 10]);
    const layer = new ReLU({ maxValue: 10, negativeSlope: 0.5, threshold: 0 });
    assert.deepEqual(values(layer.apply(x)), [-5, -2.5, 0, 5, 10]);
    const v = randn([4, 6], 1, 3);
    const ref = (t: number): number => (t >= 2 ? 2 : t > 0.5 ? t : 0.25 * (t - 0.5));
    assertClose(
      new ReLU({ maxValue: 2, negativeSlope: 0.25, threshold: 0.5, dtype: "float64" }).apply(v),
      values(v).map(ref),
      { rtol: 1e-12 },
    );
    assert.deepEqual(values(new ReLU().apply(x)), [0, 0, 0, 5, 10]);
  });

  it("writes Keras's config and refuses Keras's bad values", () => {
    const layer = new ReLU({ name: "r", maxValue: 6 });
    assert.deepEqual(layer.getConfig(), {
      name: "r",
      trainable: true,
      dtype: POLICY,
      max_value: 6,
      negative_slope: 0,
      threshold: 0,
    });
    assert.equal(new ReLU().name.startsWith("re_lu"), true);
    assert.throws(() => new ReLU({ maxValue: -1 }), /max_value must be a number >= 0/);
    assert.throws(() => new ReLU({ negativeSlope: -0.1 }), /negative_slope must be/);
    assert.throws(() => new ReLU({ threshold: -1 }), /threshold must be/);
    assert.throws(
      () => new ReLU({ max_value: 3 } as never),
      /unknown option 'max_value' \(did you mean 'maxValue'\?\)/,
    );
  });
});

describe("LeakyReLU", () => {
  it("passes the layer test with Keras 3's default slope 0.3", () => {
    runLayerTest((dtype) => new LeakyReLU({ dtype }), {
      inputShape: [2, 5],
      expectedOutputShape: [2, 5],
      expectedNumTrainableWeights: 0,
    });
    const x = st.tensor([-10, -5, 0, 5, 10]);
    assertClose(new LeakyReLU().apply(x), [-3, -1.5, 0, 5, 10]);
    assert.deepEqual(values(new LeakyReLU({ negativeSlope: 0.5 }).apply(x)), [-5, -2.5, 0, 5, 10]);
    assert.ok(new LeakyReLU().name.startsWith("leaky_re_lu"));
  });

  it("reads Keras 3's negative_slope and Keras 2's alpha", () => {
    const k3 = deserializeLayer({
      module: "keras.layers",
      class_name: "LeakyReLU",
      config: { name: "lr", trainable: true, dtype: POLICY, negative_slope: 0.1 },
      registered_name: null,
    }) as LeakyReLU;
    assert.equal(k3.negativeSlope, 0.1);
    // Keras 2.x (tf.keras) config: `alpha`, dtype as a string.
    const k2 = deserializeLayer({
      class_name: "LeakyReLU",
      config: { name: "leaky_re_lu_1", trainable: true, dtype: "float32", alpha: 0.05 },
    }) as LeakyReLU;
    assert.equal(k2.negativeSlope, 0.05);
    assert.deepEqual(k2.getConfig(), {
      name: "leaky_re_lu_1",
      trainable: true,
      dtype: POLICY,
      negative_slope: 0.05,
    });
    assertClose(k2.apply(st.tensor([-2, 2])), [-0.1, 2]);
    assert.throws(() => new LeakyReLU({ negativeSlope: -1 }), /negative_slope must be/);
    assert.throws(
      () => new LeakyReLU({ alpha: 0.1 } as never),
      /unknown option 'alpha' \(Keras 3 calls it 'negativeSlope'\)/,
    );
  });
});

describe("ELU", () => {
  it("passes the layer test and computes α(eˣ − 1) below 0", () => {
    runLayerTest((dtype) => new ELU({ dtype, alpha: 0.7 }), {
      inputShape: [2, 3, 2],
      expectedOutputShape: [2, 3, 2],
      expectedNumTrainableWeights: 0,
    });
    const v = randn([3, 4], 2, 2);
    assertClose(
      new ELU({ alpha: 0.5, dtype: "float64" }).apply(v),
      values(v).map((t) => (t > 0 ? t : 0.5 * Math.expm1(t))),
      { rtol: 1e-12 },
    );
    assert.deepEqual(new ELU({ name: "e" }).getConfig(), {
      name: "e",
      trainable: true,
      dtype: POLICY,
      alpha: 1,
    });
  });
});

describe("Softmax", () => {
  it("passes the layer test, one axis or several", () => {
    runLayerTest((dtype) => new Softmax({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new Softmax({ dtype, axis: [1, 2] }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
  });

  it("gives Keras's docstring example and normalizes over the given axes", () => {
    assertClose(new Softmax().apply(st.tensor([1, 2, 1])), [0.21194157, 0.5761169, 0.21194157], {
      rtol: 1e-6,
    });
    const x = randn([2, 3, 4], 3);
    const v = values(x);
    const y = values(new Softmax({ axis: [1, 2], dtype: "float64" }).apply(x));
    for (let b = 0; b < 2; b++) {
      const row = v.slice(b * 12, b * 12 + 12);
      const z = row.reduce((s, t) => s + Math.exp(t), 0);
      assertClose(
        st.tensor(y.slice(b * 12, b * 12 + 12)),
        row.map((t) => Math.exp(t) / z),
        {
          rtol: 1e-12,
        },
      );
    }
    assertClose(st.ops.sum(new Softmax({ axis: 1 }).apply(x), 1), st.ones([2, 4]), {
      rtol: 1e-6,
    });
  });

  it("masks as Keras does: masked logits dropped, masked outputs zero, a full mask gives zeros", () => {
    const x = st.tensor(Float64Array.from([1, 2, 3, 4, 0.5, -1, 2, 0, 3, 1, 1, 1]), [3, 4]);
    const mask = st.tensor(
      [
        [true, true, false, true],
        [false, true, true, false],
        [false, false, false, false],
      ],
      [3, 4],
    );
    const y = new Softmax({ dtype: "float64" }).apply(x, { mask });
    const v = values(x);
    const m = values(mask);
    const expected: number[] = [];
    for (let r = 0; r < 3; r++) {
      const keep = [0, 1, 2, 3].filter((c) => m[r * 4 + c]);
      const z = keep.reduce((s, c) => s + Math.exp(v[r * 4 + c]!), 0);
      for (let c = 0; c < 4; c++) expected.push(m[r * 4 + c] ? Math.exp(v[r * 4 + c]!) / z : 0);
    }
    assertClose(y, expected, { rtol: 1e-12 });
    // A numeric mask keeps entries > 0.5; a mask of shape [1, 4] broadcasts over the rows.
    const numeric = st.tensor([[1, 0, 0.7, 0.2]]);
    const yb = new Softmax().apply(
      st.tensor([
        [1, 2, 3, 4],
        [0, 0, 0, 0],
      ]),
      { mask: numeric },
    );
    const e = Math.exp(1) + Math.exp(3);
    assertClose(yb, [
      [Math.exp(1) / e, 0, Math.exp(3) / e, 0],
      [0.5, 0, 0.5, 0],
    ]);
    assert.throws(
      () => new Softmax().apply(st.ones([2, 4]), { mask: st.ones([2, 3], "bool") }),
      /the mask must be broadcastable to the inputs.*mask.shape=\[2,3\]/,
    );
    assert.throws(
      () => new Softmax().apply(st.ones([4]), { mask: st.ones([2, 4], "bool") }),
      StrataError,
    );
  });

  it("takes the mask that comes with its input, and passes it on", () => {
    // Layer.apply reads the mask an upstream layer attached (Keras's _keras_mask).
    const x = st.tensor([
      [3, 1, 2, 2],
      [0, 1, 1, 5],
    ]);
    const mask = st.tensor([
      [true, true, false, false],
      [true, true, true, true],
    ]);
    setMask(x, mask);
    const y = new Softmax().apply(x);
    const e = Math.exp(3) + Math.exp(1);
    assertClose(y.slice([0, 0], [1, 4]), [[Math.exp(3) / e, Math.exp(1) / e, 0, 0]]);
    assertClose(y.slice([1, 0], [1, 4]), new Softmax().apply(st.tensor([[0, 1, 1, 5]])));
    assert.equal(maskOf(y), mask);
  });

  it("writes axis as Keras does and refuses a bad one", () => {
    assert.equal(new Softmax().getConfig().axis, -1);
    assert.deepEqual(new Softmax({ axis: [1, 2] }).getConfig().axis, [1, 2]);
    assert.deepEqual(Softmax.fromConfig({ name: "s", axis: [2] }).getConfig().axis, [2]);
    assert.throws(() => new Softmax({ axis: 1.5 }), /axis must be an integer/);
  });
});

describe("PReLU", () => {
  it("passes the layer test: alpha of the input's shape, or shared along axes", () => {
    runLayerTest(
      (dtype) =>
        new PReLU({
          dtype,
          alphaInitializer: {
            class_name: "RandomUniform",
            config: { minval: 0.1, maxval: 0.5, seed: 3 },
            module: "keras.initializers",
            registered_name: null,
          },
        }),
      {
        inputShape: [2, 3, 4],
        expectedOutputShape: [2, 3, 4],
        expectedWeightShapes: [[3, 4]],
        expectedNumTrainableWeights: 1,
      },
    );
    runLayerTest((dtype) => new PReLU({ dtype, sharedAxes: [1, 2], alphaInitializer: "ones" }), {
      inputShape: [2, 3, 3, 2],
      expectedOutputShape: [2, 3, 3, 2],
      expectedWeightShapes: [[1, 1, 2]],
    });
    runLayerTest((dtype) => new PReLU({ dtype, sharedAxes: 1 }), {
      inputShape: [2, 5, 3],
      expectedOutputShape: [2, 5, 3],
      expectedWeightShapes: [[1, 3]],
    });
  });

  it("computes x for x ≥ 0 and alpha · x below, alpha broadcast over shared axes", () => {
    const layer = new PReLU({ sharedAxes: [1], dtype: "float64" });
    const x = randn([2, 3, 2], 4);
    layer.apply(x);
    layer.setWeights([st.tensor(Float64Array.from([0.1, 0.7]), [1, 2])]);
    const v = values(x);
    assertClose(
      layer.apply(x),
      v.map((t, i) => (t >= 0 ? t : [0.1, 0.7][i % 2]! * t)),
      { rtol: 1e-12 },
    );
    // Default alpha is zero: relu.
    assertClose(new PReLU().apply(st.tensor([[-1, 2]])), [[0, 2]]);
    assert.equal(new PReLU().name.startsWith("p_re_lu"), true);
  });

  it("writes Keras's config and checks its input spec", () => {
    const layer = new PReLU({ name: "p", sharedAxes: [1, 2] });
    assert.deepEqual(layer.getConfig(), {
      name: "p",
      trainable: true,
      dtype: POLICY,
      alpha_initializer: {
        module: "keras.initializers",
        class_name: "Zeros",
        config: {},
        registered_name: null,
      },
      alpha_regularizer: null,
      alpha_constraint: null,
      shared_axes: [1, 2],
    });
    const keras2 = deserializeLayer({
      class_name: "PReLU",
      config: {
        name: "p_re_lu_1",
        trainable: true,
        dtype: "float32",
        alpha_initializer: { class_name: "Constant", config: { value: 0.25 } },
        alpha_regularizer: null,
        alpha_constraint: null,
        shared_axes: [1],
      },
    }) as PReLU;
    assertClose(keras2.apply(st.tensor([[[-4, 4]]])), [[[-1, 4]]]);
    layer.apply(st.ones([1, 2, 2, 3]));
    assert.throws(() => layer.apply(st.ones([1, 2, 2, 4])), /expected inputs of shape/);
    assert.throws(() => layer.apply(st.ones([1, 2, 3])), /expected inputs of shape/);
    // Shared axes need not match: alpha is 1 there.
    assert.deepEqual(layer.apply(st.ones([1, 5, 7, 3])).shape, [1, 5, 7, 3]);
    assert.throws(() => new PReLU({ sharedAxes: [0] }), /shared_axes must be input axes >= 1/);
    assert.throws(
      () => new PReLU({ sharedAxes: [3] }).apply(st.ones([1, 2, 2])),
      /beyond an input of rank 3/,
    );
    const unknown = Input({ shape: [null, 3] });
    assert.throws(() => new PReLU().apply(unknown), /axis 1 of the input must be known/);
    assert.deepEqual(new PReLU({ sharedAxes: [1] }).apply(unknown).shape, [null, null, 3]);
  });

  it("learns alpha: a gradient step moves it toward the slope of the data", () => {
    const layer = new PReLU();
    const x = st.tensor([[-1, -2, 3]]);
    const target = st.tensor([[-0.5, -1, 3]]); // slope 0.5 below zero
    layer.apply(x);
    for (let i = 0; i < 200; i++) {
      const { grads } = st.valueAndGrad(
        () => st.ops.mean(st.ops.square(st.ops.subtract(layer.apply(x) as Tensor, target))),
        layer.trainableWeights,
      );
      layer.alpha.assign(st.ops.subtract(layer.alpha, st.ops.multiply(grads[0]!, 0.5)));
    }
    assertClose(layer.alpha.value, [[0.5, 0.5, 0]], { atol: 1e-3 });
  });
});

describe("Identity", () => {
  it("returns its inputs, keeps dtypes and masks, and writes the base config only", () => {
    runLayerTest((dtype) => new Identity({ dtype }), {
      inputShape: [2, 3],
      expectedOutputShape: [2, 3],
      expectedNumTrainableWeights: 0,
    });
    const ints = st.tensor([1, 2], [2], "int32");
    assert.equal(new Identity().apply(ints), ints);
    const pair = new Identity().apply([st.ones([1, 2]), ints] as never) as unknown as Tensor[];
    assert.equal(pair.length, 2);
    assert.equal(pair[1], ints);
    const sym = new Identity().apply(Input({ shape: [4], dtype: "int32" }));
    assert.equal(sym.dtype, "int32");
    assert.deepEqual(new Identity({ name: "id" }).getConfig(), {
      name: "id",
      trainable: true,
      dtype: POLICY,
    });
    assert.throws(() => new Identity({ units: 3 } as never), /unknown option 'units'/);
  });
});

describe("activation layers in Keras 2 model configs", () => {
  it("load a tf.keras 2 Sequential JSON (LeakyReLU's alpha, PReLU, ELU, ReLU, Softmax)", () => {
    const layer = (className: string, config: Record<string, unknown>) => ({
      class_name: className,
      config: { trainable: true, dtype: "float32", ...config },
    });
    const json = JSON.stringify({
      class_name: "Sequential",
      config: {
        name: "sequential",
        layers: [
          layer("InputLayer", { batch_input_shape: [null, 4], name: "input_1" }),
          layer("LeakyReLU", { name: "leaky_re_lu", alpha: 0.1 }),
          layer("PReLU", {
            name: "p_re_lu",
            alpha_initializer: { class_name: "Constant", config: { value: 0.5 } },
            alpha_regularizer: null,
            alpha_constraint: null,
            shared_axes: null,
          }),
          layer("ELU", { name: "elu", alpha: 0.5 }),
          layer("ReLU", { name: "re_lu", max_value: 6, negative_slope: 0, threshold: 0 }),
          layer("Softmax", { name: "softmax", axis: -1 }),
        ],
      },
      keras_version: "2.13.1",
      backend: "tensorflow",
    });
    const model = st.models.modelFromJson(json);
    const x = st.tensor([
      [-3, -0.5, 2, 7],
      [1, -8, 0.25, -1],
    ]);
    const chain = (v: number): number => {
      let t = v >= 0 ? v : 0.1 * v; // LeakyReLU, Keras 2's alpha = 0.1
      t = t >= 0 ? t : 0.5 * t; // PReLU, alpha 0.5
      t = t > 0 ? t : 0.5 * Math.expm1(t); // ELU 0.5
      return Math.min(Math.max(t, 0), 6); // ReLU(max_value=6)
    };
    const expected = (x.toArray() as number[][]).map((row) => {
      const h = row.map(chain);
      const z = h.reduce((s, t) => s + Math.exp(t), 0);
      return h.map((t) => Math.exp(t) / z);
    });
    assertClose(model.predictOnBatch(x) as Tensor, expected, { rtol: 1e-6 });
    assert.deepEqual(
      model.layers.map((l) => l.constructor.name),
      ["LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax"],
    );
  });
});

describe("activation layers in .keras files", () => {
  it("round trip each layer through model.save / loadModel with the same outputs", async () => {
    const x = randn([2, 3, 4], 9, 2).cast("float32");
    await assertKerasRoundTrip(new ReLU({ maxValue: 1, negativeSlope: 0.1, threshold: 0.2 }), x);
    await assertKerasRoundTrip(new LeakyReLU({ negativeSlope: 0.15 }), x);
    await assertKerasRoundTrip(new ELU({ alpha: 0.4 }), x);
    await assertKerasRoundTrip(new Softmax({ axis: [1, 2] }), x);
    await assertKerasRoundTrip(new Identity(), x);
    const prelu = new PReLU({ sharedAxes: [1] });
    prelu.apply(x);
    prelu.setWeights([st.tensor([[0.1, -0.2, 0.3, 0.4]])]);
    const loaded = await assertKerasRoundTrip(prelu, x);
    const again = loaded.layers.find((l) => l instanceof PReLU) as PReLU;
    assert.deepEqual(values(again.alpha.value), values(prelu.alpha.value));
  });

  it("saves PReLU's alpha where Keras does, and builds no build_config for weightless layers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-actl-"));
    try {
      const input = Input({ shape: [3, 2] });
      const p = new PReLU({ name: "p_re_lu", sharedAxes: [1] });
      const y = new Softmax().apply(new ReLU().apply(p.apply(input)));
      const model = new st.Model({ inputs: input, outputs: y });
      const path = join(dir, "m.keras");
      await model.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      const root = readHdf5(zip.read("model.weights.h5"), "model.weights.h5");
      assert.deepEqual(root.dataset("layers/p_re_lu/vars/0").shape, [1, 2]);
      const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as {
        config: { layers: { class_name: string; build_config?: unknown }[] };
      };
      const byClass = Object.fromEntries(config.config.layers.map((l) => [l.class_name, l]));
      assert.deepEqual(byClass.PReLU!.build_config, { input_shape: [null, 3, 2] });
      assert.equal(byClass.ReLU!.build_config, undefined);
      assert.equal(byClass.Softmax!.build_config, undefined);
      assert.equal(serializeLayer(new ELU()).build_config, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
