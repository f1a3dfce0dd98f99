// GroupNormalization, UnitNormalization and RMSNormalization against float64 loops written here,
// with gradients (finite differences), masks, configs and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { GroupNormalization, RMSNormalization, UnitNormalization } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { Masking } from "../../src/layers/core/masking.js";
import { maskOf } from "../../src/layers/layer.js";
import { serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

const data = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);

/** Group norm of channels-last (B, …, C) data in float64, gamma/beta per channel. */
function groupNormRef(
  x: Tensor,
  groups: number,
  eps: number,
  gamma: number[],
  beta: number[],
): number[] {
  const v = data(x);
  const shape = x.shape as number[];
  const B = shape[0]!;
  const C = shape.at(-1)!;
  const S = v.length / (B * C);
  const cg = C / groups;
  const out = new Array<number>(v.length);
  for (let b = 0; b < B; b++)
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let s = 0; s < S; s++)
        for (let c = g * cg; c < (g + 1) * cg; c++) idx.push((b * S + s) * C + c);
      const m = idx.reduce((a, i) => a + v[i]!, 0) / idx.length;
      const va = idx.reduce((a, i) => a + (v[i]! - m) ** 2, 0) / idx.length;
      for (const i of idx) {
        const c = i % C;
        out[i] = (gamma[c]! * (v[i]! - m)) / Math.sqrt(va + eps) + beta[c]!;
      }
    }
  return out;
}

describe("GroupNormalization", () => {
  it("runs the layer lifecycle with finite-difference gradients", () => {
    runLayerTest((dtype) => new GroupNormalization({ dtype, groups: 2 }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedWeightShapes: [[4], [4]],
    });
  });
  it("matches a float64 loop, with trained gamma and beta", () => {
    const x = st.random.normal([2, 3, 2, 6], { seed: 1 });
    const layer = new GroupNormalization({ groups: 3, epsilon: 0.01 });
    layer.apply(x);
    const gamma = [0.5, 1, 1.5, 2, -1, 0.25];
    const beta = [0, 1, -1, 0.5, 2, -0.5];
    layer.setWeights([st.tensor(gamma), st.tensor(beta)]);
    assert.deepEqual(
      layer.weights.map((w) => w.name.split("/").at(-1)),
      ["gamma", "beta"],
    );
    assertClose(layer.apply(x) as Tensor, groupNormRef(x, 3, 0.01, gamma, beta), {
      rtol: 1e-4,
      atol: 1e-5,
    });
  });
  it("groups=-1 is instance normalization and the config then says the channel count", () => {
    const x = st.random.normal([2, 5, 3], { seed: 2 });
    const layer = new GroupNormalization({ groups: -1, center: false, scale: false });
    const y = layer.apply(x) as Tensor;
    assert.equal(layer.weights.length, 0);
    assertClose(y, groupNormRef(x, 3, 1e-3, [1, 1, 1], [0, 0, 0]), { rtol: 1e-4, atol: 1e-5 });
    assert.equal(layer.getConfig().groups, 3);
  });
  it("normalizes along a channels-first axis", () => {
    const x = st.random.normal([2, 4, 3], { seed: 3 });
    const y = new GroupNormalization({ groups: 2, axis: 1 }).apply(x) as Tensor;
    const xt = st.ops.transpose(x, [0, 2, 1]);
    const ref = st.tensor(groupNormRef(xt, 2, 1e-3, [1, 1, 1, 1], [0, 0, 0, 0]), [2, 3, 4]);
    assertClose(y, st.ops.transpose(ref, [0, 2, 1]), { rtol: 1e-4, atol: 1e-5 });
  });
  it("accepts the one-element list axis older configs wrote", () => {
    assert.equal(new GroupNormalization({ axis: [2] }).axis, 2);
  });
  it("rejects groups that do not divide the channels", () => {
    assert.throws(() => new GroupNormalization({ groups: 0 }), /groups/);
    assert.throws(() => new GroupNormalization({ groups: 4 }).apply(st.zeros([1, 6])), /multiple/);
    assert.throws(() => new GroupNormalization({ groups: 4 }).apply(st.zeros([1, 2])), /multiple/);
  });
  it("passes masks through and keeps a None batch", () => {
    const input = Input({ shape: [3, 4] });
    const y = new GroupNormalization({ groups: 2 }).apply(new Masking().apply(input));
    assert.deepEqual(y.shape, [null, 3, 4]);
    const x = st.random.normal([2, 3, 4], { seed: 9 });
    const mask = st.tensor(
      [
        [1, 0, 1],
        [1, 1, 0],
      ],
      undefined,
      "bool",
    );
    assert.equal(maskOf(new GroupNormalization({ groups: 2 }).apply(x, { mask })), mask);
    assert.equal(maskOf(new UnitNormalization().apply(x, { mask })), mask);
  });
  it("config has Keras's keys and round-trips through a .keras file", async () => {
    const layer = new GroupNormalization({ groups: 2, gammaRegularizer: "l2", name: "gn" });
    const c = serializeLayer(layer).config;
    for (const k of [
      "groups",
      "axis",
      "epsilon",
      "center",
      "scale",
      "beta_initializer",
      "gamma_initializer",
      "beta_regularizer",
      "gamma_regularizer",
      "beta_constraint",
      "gamma_constraint",
    ])
      assert.ok(k in c, k);
    assert.equal(c.epsilon, 1e-3);
    const x = st.random.normal([2, 3, 4], { seed: 4 });
    layer.apply(x);
    layer.setWeights([st.tensor([1, 2, 3, 4]), st.tensor([0.1, 0.2, 0.3, 0.4])]);
    await kerasRoundTrip(layer, x);
  });
});

describe("UnitNormalization", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new UnitNormalization({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
  });
  it("gives unit L2 norm over one axis or several, and keeps zeros at zero", () => {
    const x = st.tensor([
      [3, 4],
      [0, 0],
    ]);
    assertClose(new UnitNormalization().apply(x) as Tensor, [
      [0.6, 0.8],
      [0, 0],
    ]);
    const z = st.random.normal([2, 3, 4], { seed: 5 });
    const y = new UnitNormalization({ axis: [1, 2] }).apply(z) as Tensor;
    const v = data(z);
    const ref = v.map((_, i) => {
      const b = Math.floor(i / 12);
      const n = Math.sqrt(v.slice(b * 12, b * 12 + 12).reduce((a, t) => a + t * t, 0));
      return v[i]! / n;
    });
    assertClose(y, ref, { rtol: 1e-5, atol: 1e-6 });
  });
  it("the gradient at a zero vector is finite", () => {
    const x = new st.Variable(st.zeros([1, 3]));
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(new UnitNormalization().apply(x.value) as Tensor),
      [x],
    );
    assert.ok(data(grads[0]!).every(Number.isFinite));
  });
  it("config and .keras round trip", async () => {
    assert.deepEqual(serializeLayer(new UnitNormalization({ axis: [1, 2] })).config.axis, [1, 2]);
    assert.throws(
      () => new UnitNormalization({ axis: 3 }).apply(st.zeros([2, 2, 2])),
      /out of bounds/,
    );
    await kerasRoundTrip(
      new UnitNormalization({ axis: 1 }),
      st.random.normal([2, 3, 2], { seed: 6 }),
    );
  });
});

describe("RMSNormalization", () => {
  it("runs the layer lifecycle with gradients", () => {
    runLayerTest((dtype) => new RMSNormalization({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedWeightShapes: [[4]],
    });
  });
  it("matches x·rsqrt(mean(x²) + eps)·scale", () => {
    const x = st.random.normal([3, 5], { seed: 7 });
    const layer = new RMSNormalization({ epsilon: 0.1 });
    layer.apply(x);
    const scale = [1, 2, 3, 0.5, -1];
    layer.setWeights([st.tensor(scale)]);
    assert.ok(layer.weights[0]!.name.endsWith("/scale"));
    const v = data(x);
    const ref = v.map((t, i) => {
      const r = Math.floor(i / 5);
      const ms = v.slice(r * 5, r * 5 + 5).reduce((a, u) => a + u * u, 0) / 5;
      return (t / Math.sqrt(ms + 0.1)) * scale[i % 5]!;
    });
    assertClose(layer.apply(x) as Tensor, ref, { rtol: 1e-5, atol: 1e-6 });
  });
  it("over several axes, with Keras's config after building", async () => {
    const layer = new RMSNormalization({ axis: [2, 1] });
    const x = st.random.normal([2, 3, 4], { seed: 8 });
    layer.apply(x);
    assert.deepEqual(layer.weights[0]!.shape, [3, 4]);
    assert.deepEqual(layer.getConfig().axis, [1, 2]);
    assert.equal(layer.getConfig().epsilon, 1e-6);
    await kerasRoundTrip(new RMSNormalization(), x);
  });
});
