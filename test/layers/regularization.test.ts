import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Dropout } from "../../src/layers/core/dropout.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { ActivityRegularization } from "../../src/layers/regularization/activity-regularization.js";
import { GaussianDropout, GaussianNoise } from "../../src/layers/regularization/gaussian-noise.js";
import {
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
} from "../../src/layers/regularization/spatial-dropout.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const flat = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

function meanStd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
}

describe("SpatialDropout1D/2D/3D", () => {
  // Random in training mode, so the gradient and training checks run in inference mode (identity).
  it("pass the layer test", () => {
    runLayerTest((dtype) => new SpatialDropout1D(0.5, { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new SpatialDropout2D(0.5, { dtype, seed: 1 }), {
      inputShape: [2, 3, 3, 2],
      expectedOutputShape: [2, 3, 3, 2],
    });
    runLayerTest((dtype) => new SpatialDropout3D(0.3, { dtype, dataFormat: "channels_first" }), {
      inputShape: [1, 2, 2, 2, 2],
      expectedOutputShape: [1, 2, 2, 2, 2],
    });
  });

  it("drop whole channels in training", () => {
    const y1 = new SpatialDropout1D(0.5, { seed: 4 }).apply(st.ones([4, 6, 8]), { training: true });
    for (const sample of y1.toArray() as number[][][]) {
      for (const step of sample) assert.deepEqual(step, sample[0]);
      assert.ok(sample[0]!.every((v) => v === 0 || v === 2));
    }
    const y2 = new SpatialDropout2D(0.5, { seed: 4 }).apply(st.ones([3, 4, 5, 6]), {
      training: true,
    });
    const v2 = flat(y2);
    for (let i = 0; i < v2.length; i++)
      assert.equal(v2[i], v2[Math.floor(i / 120) * 120 + (i % 6)]);
    const fraction = v2.filter((v) => v === 0).length / v2.length;
    assert.ok(fraction > 0.1 && fraction < 0.9, `dropped fraction ${fraction}`);
    const cf = new SpatialDropout2D(0.5, { seed: 4, dataFormat: "channels_first" }).apply(
      st.ones([2, 3, 4, 4]),
      {
        training: true,
      },
    );
    const vcf = flat(cf);
    for (let i = 0; i < vcf.length; i++) assert.equal(vcf[i], vcf[Math.floor(i / 16) * 16]);
    assert.deepEqual(flat(new SpatialDropout1D(0.5).apply(st.ones([1, 2, 2]))), [1, 1, 1, 1]);
  });

  it("write Keras's config (rate, seed, name, dtype string; data_format for 2D/3D)", () => {
    const c1 = new SpatialDropout1D(0.25, { name: "sd" }).getConfig();
    assert.deepEqual(c1, { rate: 0.25, seed: null, name: "sd", dtype: "float32" });
    const c2 = new SpatialDropout2D(0.25, { name: "sd2", seed: 3 }).getConfig();
    assert.deepEqual(c2, {
      rate: 0.25,
      seed: 3,
      name: "sd2",
      dtype: "float32",
      data_format: "channels_last",
    });
    assert.deepEqual(SpatialDropout2D.fromConfig(c2).getConfig(), c2);
    assert.ok(new SpatialDropout1D(0.1) instanceof Dropout);
  });

  it("reject bad rates and ranks", () => {
    assert.throws(() => new SpatialDropout1D(2, { name: "s" }), {
      message:
        'Layer "s" (SpatialDropout1D): rate must be a number between 0 and 1; received rate=2',
    });
    assert.throws(() => new SpatialDropout1D(0.5, { name: "s1" }).apply(Input({ shape: [4] })), {
      message:
        /^Layer "s1" \(SpatialDropout1D\): expected inputs of rank 3 \(batch, …, channels\); received shape \(None, 4\)/,
    });
    assert.throws(
      () => new SpatialDropout2D(0.5).apply(st.ones([2, 3, 4]), { training: true }),
      /rank 4/,
    );
  });
});

describe("GaussianNoise", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new GaussianNoise(0.5, { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
  });

  it("adds N(0, stddev²) noise in training only, reproducibly from a seed", () => {
    const x = st.full([100, 100], 3);
    const layer = new GaussianNoise(0.2, { seed: 5 });
    const y = layer.apply(x, { training: true });
    const [m, s] = meanStd(flat(y));
    assert.ok(Math.abs(m - 3) < 0.01 && Math.abs(s - 0.2) < 0.01, `mean ${m}, std ${s}`);
    assert.deepEqual(
      flat(new GaussianNoise(0.2, { seed: 5 }).apply(x, { training: true })),
      flat(y),
    );
    assert.notDeepEqual(flat(layer.apply(x, { training: true })), flat(y));
    assert.equal(layer.apply(x), x);
    assert.equal(
      new GaussianNoise(0.2).apply(randn([2, 2], 1), { training: true }).dtype,
      "float64",
    );
  });

  it("passes masks, writes Keras's config and rejects bad arguments", () => {
    const mask = st.tensor([[true, false]]);
    assert.equal(maskOf(new GaussianNoise(0.1).apply(st.ones([1, 2, 3]), { mask })), mask);
    const c = new GaussianNoise(0.1, { seed: 2 }).getConfig();
    assert.deepEqual([c.stddev, c.seed], [0.1, 2]);
    assert.throws(() => new GaussianNoise(-1, { name: "g" }), {
      message:
        'Layer "g" (GaussianNoise): stddev must be a number between 0 and 1; received stddev=-1',
    });
    assert.throws(() => new GaussianNoise(0.1, { seed: 0.5 }), /seed must be an integer/);
  });
});

describe("GaussianDropout", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new GaussianDropout(0.3, { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
  });

  it("multiplies by N(1, rate/(1 − rate)) noise in training", () => {
    const x = st.full([100, 100], 2);
    const y = new GaussianDropout(0.2, { seed: 3 }).apply(x, { training: true });
    const [m, s] = meanStd(flat(y));
    const expected = 2 * Math.sqrt(0.2 / 0.8);
    assert.ok(Math.abs(m - 2) < 0.02 && Math.abs(s - expected) < 0.02, `mean ${m}, std ${s}`);
    assert.equal(new GaussianDropout(0.2).apply(x), x);
    const c = new GaussianDropout(0.2).getConfig();
    assert.deepEqual([c.rate, c.seed], [0.2, null]);
    assert.throws(() => new GaussianDropout(1.2), /rate must be a number between 0 and 1/);
  });
});

describe("ActivityRegularization", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new ActivityRegularization({ dtype, l1: 0.1, l2: 0.01 }), {
      inputShape: [2, 3],
      expectedOutputShape: [2, 3],
    });
  });

  it("adds (l1·Σ|x| + l2·Σx²) / batch size to the losses", () => {
    const x = randn([4, 3], 2);
    const layer = new ActivityRegularization({ l1: 0.1, l2: 0.01 });
    assert.equal(layer.apply(x), x);
    const xs = flat(x);
    const ref =
      (0.1 * xs.reduce((a, v) => a + Math.abs(v), 0) + 0.01 * xs.reduce((a, v) => a + v * v, 0)) /
      4;
    assert.equal(layer.losses.length, 1);
    assertClose(layer.losses[0]!, [ref], { rtol: 1e-12 });
    layer.apply(x);
    assert.equal(layer.losses.length, 1, "each call replaces the previous call's loss");
    // The penalty is differentiable: d/dx = (l1·sign(x) + 2·l2·x) / batch.
    const v = new st.Variable(x);
    const { grads } = st.valueAndGrad(() => {
      layer.apply(v.value);
      return layer.losses[0]!;
    }, [v]);
    assertClose(
      grads[0]!,
      xs.map((e) => (0.1 * Math.sign(e) + 0.02 * e) / 4),
      { rtol: 1e-10 },
    );
  });

  it("writes Keras's config (l1, l2; no activity_regularizer) and rejects bad factors", () => {
    const c = new ActivityRegularization({ l2: 0.5, name: "ar" }).getConfig();
    assert.deepEqual(c, {
      name: "ar",
      trainable: true,
      dtype: {
        module: "keras",
        class_name: "DTypePolicy",
        config: { name: "float32" },
        registered_name: null,
      },
      l1: 0,
      l2: 0.5,
    });
    assert.deepEqual(ActivityRegularization.fromConfig(c).getConfig(), c);
    assert.throws(
      () => new ActivityRegularization({ l1: -1 }),
      /l1 must be a non-negative number; received l1=-1/,
    );
  });
});
