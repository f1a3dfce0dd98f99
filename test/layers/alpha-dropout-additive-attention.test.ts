// AlphaDropout against its formula applied to the layer's own keep decisions, with its
// statistics; AdditiveAttention against Keras's test cases and a float64 loop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { AdditiveAttention, AlphaDropout } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

const arr = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);
const ALPHA_P = -1.6732632423543772 * 1.0507009873554805;

describe("AlphaDropout", () => {
  it("runs the layer lifecycle (identity at inference)", () => {
    runLayerTest((dtype) => new AlphaDropout(0.3, { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
    const x = st.random.normal([4, 5], { seed: 1 });
    assertClose(new AlphaDropout(0.5).apply(x) as Tensor, x);
  });

  it("in training, each entry is a·x + b or a·α' + b with Keras's a and b", () => {
    const rate = 0.4;
    const a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5;
    const b = -a * ALPHA_P * rate;
    const x = st.random.normal([50, 40], { seed: 2 });
    const y = arr(new AlphaDropout(rate, { seed: 7 }).apply(x, { training: true }) as Tensor);
    const xs = arr(x);
    let dropped = 0;
    y.forEach((v, i) => {
      const kept = Math.abs(v - (a * xs[i]! + b)) < 1e-5;
      const drop = Math.abs(v - (a * ALPHA_P + b)) < 1e-5;
      assert.ok(kept || drop, `entry ${i}: ${v}`);
      if (!kept) dropped++;
    });
    const frac = dropped / y.length;
    assert.ok(Math.abs(frac - rate) < 0.05, `dropped fraction ${frac}`);
  });

  it("keeps zero mean and unit variance of standard normal inputs", () => {
    const x = st.random.normal([200, 100], { seed: 3 });
    const y = arr(new AlphaDropout(0.2, { seed: 1 }).apply(x, { training: true }) as Tensor);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });

  it("noiseShape shares decisions along axes of size 1; seeds reproduce", () => {
    const x = st.ones([3, 6, 2]);
    const y = arr(
      new AlphaDropout(0.5, { noiseShape: [null, 1, null], seed: 3 }).apply(x, {
        training: true,
      }) as Tensor,
    );
    for (let b = 0; b < 3; b++)
      for (let c = 0; c < 2; c++)
        for (let t = 1; t < 6; t++) assert.equal(y[(b * 6 + t) * 2 + c], y[b * 12 + c]);
    const again = arr(
      new AlphaDropout(0.5, { noiseShape: [null, 1, null], seed: 3 }).apply(x, {
        training: true,
      }) as Tensor,
    );
    assert.deepEqual(again, y);
  });

  it("passes masks through; config, errors and .keras round trip", async () => {
    const mask = st.tensor([[1, 0]], undefined, "bool");
    assert.equal(maskOf(new AlphaDropout(0.1).apply(st.ones([1, 2, 3]), { mask })), mask);
    const c = serializeLayer(new AlphaDropout(0.2, { seed: 5, noiseShape: [null, 1] })).config;
    assert.equal(c.rate, 0.2);
    assert.equal(c.seed, 5);
    assert.deepEqual(c.noise_shape, [null, 1]);
    assert.throws(() => new AlphaDropout(1.5), /between 0 and 1/);
    await kerasRoundTrip(new AlphaDropout(0.3, { seed: 1 }), st.random.normal([2, 3], { seed: 4 }));
  });
});

describe("AdditiveAttention", () => {
  it("runs the layer lifecycle with gradients (Keras's weight counts)", () => {
    runLayerTest((dtype) => new AdditiveAttention({ dtype }), {
      inputShape: [2, 3, 4],
      inputShapes: [
        [2, 3, 4],
        [2, 5, 4],
      ],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 1,
      expectedWeightShapes: [[4]],
    });
    const noScale = new AdditiveAttention({ useScale: false });
    noScale.apply([st.ones([2, 3, 4]), st.ones([2, 4, 4])]);
    assert.equal(noScale.weights.length, 0);
  });

  it("Keras's test_attention_correctness", () => {
    const query = st.tensor([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const key = st.tensor([
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    const value = st.tensor([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const [out, scores] = new AdditiveAttention({ useScale: false }).apply([query, value, key], {
      returnAttentionScores: true,
    });
    assertClose(
      out,
      [
        [
          [1.727, 2.727],
          [2.272, 3.272],
        ],
      ],
      { atol: 1e-3 },
    );
    assertClose(
      scores,
      [
        [
          [0.636, 0.363],
          [0.363, 0.636],
        ],
      ],
      { atol: 1e-3 },
    );
  });

  it("Keras's test_attention_with_mask", () => {
    const query = st.tensor([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const value = st.tensor([
      [
        [1, 1],
        [1, 1],
      ],
    ]);
    const qm = st.tensor([[1, 0]], undefined, "bool");
    const vm = st.tensor([[1, 0]], undefined, "bool");
    const [out, scores] = new AdditiveAttention({ useScale: false }).apply([query, value], {
      mask: [qm, vm],
      returnAttentionScores: true,
    });
    assertClose(out, [
      [
        [1, 1],
        [0, 0],
      ],
    ]);
    assertClose(scores, [
      [
        [1, 0],
        [1, 0],
      ],
    ]);
  });

  it("the learned scale weighs each feature's tanh (float64 loop)", () => {
    const q = st.random.normal([1, 2, 3], { seed: 1 });
    const v = st.random.normal([1, 4, 3], { seed: 2 });
    const layer = new AdditiveAttention();
    layer.apply([q, v]);
    const scale = [0.5, -1, 2];
    layer.setWeights([st.tensor(scale)]);
    const y = layer.apply([q, v]) as Tensor;
    const qs = arr(q);
    const vs = arr(v);
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) {
      const logits = [0, 1, 2, 3].map((j) =>
        [0, 1, 2].reduce((s, d) => s + scale[d]! * Math.tanh(qs[i * 3 + d]! + vs[j * 3 + d]!), 0),
      );
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - m));
      const z = e.reduce((s, t) => s + t, 0);
      for (let d = 0; d < 3; d++) ref.push(e.reduce((s, w, j) => s + (w / z) * vs[j * 3 + d]!, 0));
    }
    assertClose(y, ref, { rtol: 1e-5, atol: 1e-6 });
  });

  it("config has no score_mode; errors; .keras round trip", async () => {
    const layer = new AdditiveAttention({ dropout: 0.1, name: "aa" });
    const c = serializeLayer(layer).config;
    assert.equal(c.use_scale, true);
    assert.equal(c.dropout, 0.1);
    assert.ok(!("score_mode" in c));
    assert.throws(
      () => new AdditiveAttention().apply(st.ones([1, 2, 2])),
      /must be called on a list/,
    );
    const q = Input({ shape: [3, 4] });
    const v = Input({ shape: [5, 4] });
    const out = new AdditiveAttention().apply([q, v]);
    assert.deepEqual(out.shape, [null, 3, 4]);
    // .keras round trip of a two-input model
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "strata-aa-"));
    try {
      const model = new st.Model({ inputs: [q, v], outputs: out });
      const xs = [
        st.random.normal([2, 3, 4], { seed: 1 }),
        st.random.normal([2, 5, 4], { seed: 2 }),
      ];
      await model.save(join(dir, "m.keras"));
      const loaded = await st.models.loadModel(join(dir, "m.keras"), { compile: false });
      assertClose(loaded.predictOnBatch(xs) as Tensor, model.predictOnBatch(xs) as Tensor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
