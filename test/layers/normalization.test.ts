import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { BatchNormalization } from "../../src/layers/normalization/batch-normalization.js";
import { LayerNormalization } from "../../src/layers/normalization/layer-normalization.js";
import { assertClose, randn, randu, valuesOf } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

// ------------------------------------------------------------ float64 references

/** Flat index helpers over a row-major shape. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}
function unravel(i: number, shape: readonly number[]): number[] {
  return strides(shape).map((s, k) => Math.floor(i / s) % shape[k]!);
}

/** Per-channel (along `axis`) mean and biased variance, counting only entries with weight 1. */
function channelMoments(
  x: Tensor,
  axis: number,
  weight?: (idx: number[]) => number,
): [number[], number[]] {
  const c = x.shape[axis]!;
  const s = new Array<number>(c).fill(0);
  const n = new Array<number>(c).fill(0);
  const w = (idx: number[]) => (weight ? weight(idx) : 1);
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape);
    s[idx[axis]!]! += w(idx) * Number(valuesOf(x)[i]);
    n[idx[axis]!]! += w(idx);
  }
  const mean = s.map((v, k) => v / n[k]!);
  const q = new Array<number>(c).fill(0);
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape);
    q[idx[axis]!]! += w(idx) * (Number(valuesOf(x)[i]) - mean[idx[axis]!]!) ** 2;
  }
  return [mean, q.map((v, k) => v / n[k]!)];
}

function bnReference(
  x: Tensor,
  axis: number,
  mean: number[],
  variance: number[],
  gamma: number[] | null,
  beta: number[] | null,
  eps: number,
): number[] {
  return Array.from(x.dataSync(), (v, i) => {
    const c = unravel(i, x.shape)[axis]!;
    const y = (Number(v) - mean[c]!) / Math.sqrt(variance[c]! + eps);
    return y * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
  });
}

/** Layer norm of each example over `axes`; gamma/beta indexed by the normalized coordinates. */
function lnReference(
  x: Tensor,
  axes: number[],
  gamma: Tensor | null,
  beta: Tensor | null,
  eps: number,
  rms = false,
): number[] {
  const groups = new Map<string, number[]>();
  const keyOf = (idx: number[]) => idx.filter((_, k) => !axes.includes(k)).join(",");
  for (let i = 0; i < x.size; i++) {
    const key = keyOf(unravel(i, x.shape));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(Number(valuesOf(x)[i]));
  }
  const stats = new Map<string, [number, number]>();
  for (const [key, vals] of groups) {
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
    stats.set(key, [m, v]);
  }
  const paramShape = axes.map((a) => x.shape[a]!);
  return Array.from(x.dataSync(), (val, i) => {
    const idx = unravel(i, x.shape);
    const [m, v] = stats.get(keyOf(idx))!;
    const p = axes.reduce((acc, a, k) => acc + idx[a]! * strides(paramShape)[k]!, 0);
    const g = gamma ? Number(valuesOf(gamma)[p]) : 1;
    if (rms) return (Number(val) / Math.sqrt(v + eps)) * g;
    return ((Number(val) - m) / Math.sqrt(v + eps)) * g + (beta ? Number(valuesOf(beta)[p]) : 0);
  });
}

const f64 = (values: number[]): Tensor => st.tensor(values, undefined, "float64");

// ------------------------------------------------------------ Keras fixtures

/** The config.json of a .keras fixture (a zip); read with node:zlib, no zip library needed. */
function kerasConfig(name: string): {
  config: { layers: { class_name: string; config: Record<string, unknown> }[] };
} {
  const buf = readFileSync(`/work/shared/fixtures/keras/${name}.keras`);
  let p = 0;
  while (p + 30 < buf.length && buf.readUInt32LE(p) === 0x04034b50) {
    const method = buf.readUInt16LE(p + 8);
    const size = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extraLen = buf.readUInt16LE(p + 28);
    const file = buf.toString("utf8", p + 30, p + 30 + nameLen);
    const start = p + 30 + nameLen + extraLen;
    if (file === "config.json") {
      const raw = buf.subarray(start, start + size);
      return JSON.parse((method === 8 ? inflateRawSync(raw) : raw).toString("utf8"));
    }
    p = start + size;
  }
  throw new Error(`config.json not found in ${name}.keras`);
}

function fixtureLayer(file: string, className: string, index = 0): Record<string, unknown> {
  const found = kerasConfig(file).config.layers.filter((l) => l.class_name === className);
  return found[index]!.config;
}

/** Keras's config minus what is instance-specific (name, shared object ids). */
function comparable(config: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(config, (k, v: unknown) =>
      k === "shared_object_id" || k === "name" ? undefined : v,
    ),
  ) as Record<string, unknown>;
}

// ------------------------------------------------------------ BatchNormalization

describe("BatchNormalization", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new BatchNormalization({ dtype }), {
      inputShape: [4, 3],
      expectedOutputShape: [4, 3],
      expectedNumTrainableWeights: 2,
      expectedNumNonTrainableWeights: 2,
      expectedWeightShapes: [[3], [3], [3], [3]],
    });
    // batch statistics in the gradient (training mode)
    runLayerTest((dtype) => new BatchNormalization({ dtype, momentum: 0.5 }), {
      inputShape: [5, 2, 3],
      expectedOutputShape: [5, 2, 3],
      training: true,
    });
    // channels-first axis, no beta
    runLayerTest((dtype) => new BatchNormalization({ dtype, axis: 1, center: false }), {
      inputShape: [3, 2, 4],
      expectedOutputShape: [3, 2, 4],
      expectedWeightShapes: [[2], [2], [2]],
      training: true,
    });
    runLayerTest(
      (dtype) => new BatchNormalization({ dtype, renorm: true, renormClipping: { rmax: 2 } }),
      {
        inputShape: [4, 3],
        expectedOutputShape: [4, 3],
        expectedWeightShapes: [[3], [3], [3], [3], [3], [3], [3]],
        expectedNumNonTrainableWeights: 5,
      },
    );
  });

  it("normalizes with batch statistics in training and moves the moving statistics", () => {
    const x = randn([6, 2, 3], 1, 2);
    const bn = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3, dtype: "float64" });
    bn.apply(x);
    const gamma = [1.5, -0.5, 2];
    const beta = [0.1, 0.2, -0.3];
    bn.setWeights([f64(gamma), f64(beta), f64([0.5, -1, 0]), f64([2, 1, 0.5])]);
    const [mean, variance] = channelMoments(x, 2);
    assertClose(
      bn.apply(x, { training: true }),
      bnReference(x, 2, mean, variance, gamma, beta, 1e-3),
      {
        rtol: 1e-9,
        atol: 1e-12,
      },
    );
    const movingMean = [0.5, -1, 0].map((m, c) => 0.9 * m + 0.1 * mean[c]!);
    const movingVar = [2, 1, 0.5].map((v, c) => 0.9 * v + 0.1 * variance[c]!);
    assertClose(bn.movingMean.value, movingMean, { rtol: 1e-9 });
    assertClose(bn.movingVariance.value, movingVar, { rtol: 1e-9 });
    // inference reads the moving statistics and leaves them alone
    assertClose(bn.apply(x), bnReference(x, 2, movingMean, movingVar, gamma, beta, 1e-3), {
      rtol: 1e-9,
      atol: 1e-12,
    });
    assertClose(bn.movingMean.value, movingMean, { rtol: 1e-9 });
  });

  it("normalizes along a chosen axis", () => {
    const x = randn([3, 4, 2, 2], 2);
    const bn = new BatchNormalization({ axis: 1, dtype: "float64" });
    const [mean, variance] = channelMoments(x, 1);
    assertClose(
      bn.apply(x, { training: true }),
      bnReference(x, 1, mean, variance, null, null, 1e-3),
      {
        rtol: 1e-9,
        atol: 1e-12,
      },
    );
    // inference on a fresh layer: the initial moving statistics (0, 1)
    const fresh = new BatchNormalization({ axis: 1, dtype: "float64" });
    assertClose(fresh.apply(x), bnReference(x, 1, [0, 0, 0, 0], [1, 1, 1, 1], null, null, 1e-3), {
      rtol: 1e-9,
    });
  });

  it("runs a frozen layer in inference mode even with training: true", () => {
    const x = randn([5, 3], 3);
    const bn = new BatchNormalization({ dtype: "float64" });
    bn.apply(x);
    bn.setWeights([f64([2, 2, 2]), f64([1, 0, -1]), f64([0.3, 0.2, 0.1]), f64([4, 1, 0.25])]);
    bn.trainable = false;
    assert.equal(bn.trainableWeights.length, 0);
    assert.equal(bn.nonTrainableWeights.length, 4);
    const expected = bnReference(x, 1, [0.3, 0.2, 0.1], [4, 1, 0.25], [2, 2, 2], [1, 0, -1], 1e-3);
    assertClose(bn.apply(x, { training: true }), expected, { rtol: 1e-9, atol: 1e-12 });
    assertClose(bn.movingMean.value, [0.3, 0.2, 0.1]);
    assertClose(bn.movingVariance.value, [4, 1, 0.25]);
    // unfrozen again, training uses the batch
    bn.trainable = true;
    const [mean, variance] = channelMoments(x, 1);
    assertClose(
      bn.apply(x, { training: true }),
      bnReference(x, 1, mean, variance, [2, 2, 2], [1, 0, -1], 1e-3),
      {
        rtol: 1e-9,
        atol: 1e-12,
      },
    );
  });

  it("updates the moving statistics after a training step and trains gamma/beta", () => {
    st.random.setSeed(5);
    const x = randn([8, 3], 4, 3);
    const bn = new BatchNormalization({ momentum: 0.8, dtype: "float64" });
    bn.apply(x);
    const target = randn([8, 3], 6);
    const loss = () =>
      st.ops.mean(st.ops.square(st.ops.subtract(bn.apply(x, { training: true }), target)));
    const { value, grads } = st.valueAndGrad(loss, bn.trainableWeights);
    assert.equal(grads.length, 2);
    // one call inside valueAndGrad: one update, computed without a gradient path
    const [mean] = channelMoments(x, 1);
    assertClose(
      bn.movingMean.value,
      mean.map((m) => 0.2 * m),
      { rtol: 1e-9 },
    );
    bn.trainableWeights.forEach((v, i) =>
      v.assign(st.ops.subtract(v, st.ops.multiply(grads[i]!, 0.5))),
    );
    assert.ok((loss().item() as number) < (value.item() as number));
  });

  it("leaves masked entries out of the batch statistics", () => {
    const x = randn([2, 4, 3], 7);
    const maskValues = [
      [1, 1, 0, 0],
      [1, 1, 1, 0],
    ];
    const mask = st.tensor(maskValues, undefined, "bool");
    const bn = new BatchNormalization({ dtype: "float64", momentum: 0 });
    bn.apply(x);
    bn.apply(x, { training: true, mask });
    const [mean, variance] = channelMoments(x, 2, (idx) => maskValues[idx[0]!]![idx[1]!]!);
    // momentum 0: the moving statistics are the (masked) batch statistics
    assertClose(bn.movingMean.value, mean, { rtol: 1e-6 });
    assertClose(bn.movingVariance.value, variance, { rtol: 1e-6 });
    assert.throws(() => bn.apply(x, { training: true, mask: st.ones([2], "bool") }), {
      message: /mask should have one axis less than the inputs/,
    });
  });

  it("applies batch renormalization's corrections and statistics", () => {
    const x = randn([6, 3], 8, 2);
    const bn = new BatchNormalization({
      dtype: "float64",
      renorm: true,
      momentum: 0.5,
      renormMomentum: 0.75,
    });
    bn.apply(x);
    assert.deepEqual(
      bn.weights.map((w) => w.name.split("/")[1]),
      [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
        "moving_stddev",
        "renorm_mean",
        "renorm_stddev",
      ],
    );
    const gamma = [1, 2, 3];
    const beta = [0, 1, 0];
    const [zeros, ones] = [f64([0, 0, 0]), f64([1, 1, 1])];
    bn.setWeights([f64(gamma), f64(beta), zeros, ones, ones, zeros, ones]);
    // With renorm statistics (0, 1), r = σ_B and d = μ_B: (x̂·r + d) = x, so y = γ·x + β.
    const expected = Array.from(x.dataSync(), (v, i) => gamma[i % 3]! * v + beta[i % 3]!);
    assertClose(bn.apply(x, { training: true }), expected, { rtol: 1e-9, atol: 1e-12 });
    const [mean, variance] = channelMoments(x, 1);
    const sd = variance.map((v) => Math.sqrt(v + 1e-3));
    assertClose(
      bn.renormMean!.value,
      mean.map((m) => 0.25 * m),
      { rtol: 1e-9 },
    );
    assertClose(
      bn.renormStddev!.value,
      sd.map((s) => 0.75 + 0.25 * s),
      { rtol: 1e-9 },
    );
    const movingSd = sd.map((s) => 0.5 + 0.5 * s);
    assertClose(bn.movingStddev!.value, movingSd, { rtol: 1e-9 });
    assertClose(
      bn.movingMean.value,
      mean.map((m) => 0.5 * m),
      { rtol: 1e-9 },
    );
    assertClose(
      bn.movingVariance.value,
      movingSd.map((s) => Math.max(s * s - 1e-3, 0)),
      { rtol: 1e-9 },
    );
    // clipped corrections: r ≤ rmax, |d| ≤ dmax
    const clipped = new BatchNormalization({
      dtype: "float64",
      renorm: true,
      renormClipping: { rmax: 1, dmax: 0 },
    });
    const y = clipped.apply(x, { training: true });
    const r = sd.map((s) => Math.min(s, 1));
    assertClose(
      y,
      Array.from(x.dataSync(), (v, i) => ((v - mean[i % 3]!) / sd[i % 3]!) * r[i % 3]!),
      {
        rtol: 1e-9,
        atol: 1e-12,
      },
    );
  });

  it("infers shapes symbolically", () => {
    const inp = Input({ shape: [null, 5] });
    const out = new BatchNormalization().apply(inp);
    assert.deepEqual(out.shape, [null, null, 5]);
  });

  it("writes Keras's config (conv_zoo fixture)", () => {
    const keras = fixtureLayer("conv_zoo", "BatchNormalization");
    const bn = new BatchNormalization();
    bn.apply(st.zeros([1, 6, 6, 6]));
    assert.deepEqual(comparable(bn.getConfig()), comparable(keras));
    const back = BatchNormalization.fromConfig(keras);
    assert.equal(back.name, "batch_normalization");
    assert.deepEqual(comparable(back.getConfig()), comparable(keras));
  });

  it("rejects bad arguments with Keras-style messages", () => {
    assert.throws(() => new BatchNormalization({ name: "bn", axis: 1.5 }), {
      message: 'Layer "bn" (BatchNormalization): axis must be an integer; received axis=1.5',
    });
    assert.throws(() => new BatchNormalization({ momentum: 2 }), {
      message: /momentum must be a number in \[0, 1\]; received momentum=2/,
    });
    assert.throws(() => new BatchNormalization({ epsilon: -1 }), {
      message: /received epsilon=-1/,
    });
    assert.throws(() => new BatchNormalization({ synchronized: true }), {
      message: /synchronized=true/,
    });
    assert.throws(
      () => new BatchNormalization({ renorm: true, renormClipping: { rmax: 1, rmin: 2 } }),
      { message: /rmax ≥ rmin; received rmax=1, rmin=2/ },
    );
    assert.throws(
      () => new BatchNormalization({ renorm: true, renormClipping: { foo: 1 } as never }),
      { message: /accepts the keys rmax, rmin, dmax/ },
    );
    const bn = new BatchNormalization({ name: "bn2", axis: 3 });
    assert.throws(() => bn.apply(st.zeros([2, 3])), {
      message:
        /^Layer "bn2" \(BatchNormalization\): axis 3 is out of bounds for an input of rank 2/,
    });
    const built = new BatchNormalization({ name: "bn3" });
    built.apply(st.zeros([2, 3]));
    assert.throws(() => built.apply(st.zeros([2, 4])), {
      message: /^Layer "bn3" \(BatchNormalization\): expected axis -1 of the input to have size 3/,
    });
  });
});

// ------------------------------------------------------------ LayerNormalization

describe("LayerNormalization", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new LayerNormalization({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 2,
      expectedWeightShapes: [[4], [4]],
    });
    runLayerTest((dtype) => new LayerNormalization({ dtype, axis: [1, 2], epsilon: 1e-6 }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedWeightShapes: [
        [3, 4],
        [3, 4],
      ],
    });
    runLayerTest((dtype) => new LayerNormalization({ dtype, axis: 1, center: false }), {
      inputShape: [2, 3, 2],
      expectedOutputShape: [2, 3, 2],
      expectedWeightShapes: [[3]],
    });
    runLayerTest((dtype) => new LayerNormalization({ dtype, rmsScaling: true }), {
      inputShape: [3, 4],
      expectedOutputShape: [3, 4],
      expectedWeightShapes: [[4]],
    });
  });

  it("normalizes each example over one axis", () => {
    const x = randn([3, 2, 5], 11, 3);
    const ln = new LayerNormalization({ dtype: "float64" });
    ln.apply(x);
    const gamma = randu([5], 12);
    const beta = randu([5], 13);
    ln.setWeights([gamma, beta]);
    assertClose(ln.apply(x), lnReference(x, [2], gamma, beta, 1e-3), { rtol: 1e-9, atol: 1e-12 });
  });

  it("normalizes over several axes with gamma/beta spanning them", () => {
    const x = randn([2, 3, 4, 2], 14);
    const ln = new LayerNormalization({ axis: [-1, 1], epsilon: 1e-5, dtype: "float64" });
    ln.apply(x);
    assert.deepEqual(ln.getConfig().axis, [3, 1]);
    // gamma's shape follows the listed order ([2, 3]); Keras reshapes it onto the sorted axes
    assert.deepEqual(ln.gamma!.shape, [2, 3]);
    const y = new LayerNormalization({ axis: [1, 3], epsilon: 1e-5, dtype: "float64" });
    y.apply(x);
    const gamma = randu([3, 2], 15);
    const beta = randu([3, 2], 16);
    y.setWeights([gamma, beta]);
    assertClose(y.apply(x), lnReference(x, [1, 3], gamma, beta, 1e-5), { rtol: 1e-9, atol: 1e-12 });
    const all = new LayerNormalization({
      axis: [1, 2, 3],
      scale: false,
      center: false,
      dtype: "float64",
    });
    assertClose(all.apply(x), lnReference(x, [1, 2, 3], null, null, 1e-3), {
      rtol: 1e-9,
      atol: 1e-12,
    });
    assert.equal(all.weights.length, 0);
  });

  it("scales by the variance with rmsScaling, as Keras does", () => {
    const x = randn([2, 6], 17, 2);
    const ln = new LayerNormalization({ rmsScaling: true, dtype: "float64" });
    ln.apply(x);
    const gamma = randu([6], 18);
    ln.setWeights([gamma]);
    assertClose(ln.apply(x), lnReference(x, [1], gamma, null, 1e-3, true), {
      rtol: 1e-9,
      atol: 1e-12,
    });
  });

  it("passes masks through and infers shapes symbolically", () => {
    const inp = Input({ shape: [null, 4] });
    assert.deepEqual(new LayerNormalization().apply(inp).shape, [null, null, 4]);
    const mask = st.tensor([[true, false]]);
    const x = st.random.normal([1, 2, 4]);
    const out = new LayerNormalization().apply(x, { mask });
    assert.equal(maskOf(out), mask);
    assert.equal(maskOf(new BatchNormalization().apply(x, { mask })), mask);
  });

  it("writes Keras's config (attn and conv_zoo fixtures)", () => {
    const attn = fixtureLayer("attn", "LayerNormalization");
    const ln = new LayerNormalization({ epsilon: 1e-6 });
    ln.apply(st.zeros([1, 5, 8]));
    assert.deepEqual(comparable(ln.getConfig()), comparable(attn));
    const zoo = fixtureLayer("conv_zoo", "LayerNormalization");
    const ln2 = new LayerNormalization();
    ln2.apply(st.zeros([1, 6, 6, 4]));
    assert.deepEqual(comparable(ln2.getConfig()), comparable(zoo));
    const back = LayerNormalization.fromConfig(zoo);
    back.apply(st.zeros([1, 6, 6, 4]));
    assert.deepEqual(
      back.weights.map((w) => [...w.shape]),
      [[4], [4]],
    );
    assert.deepEqual(comparable(back.getConfig()), comparable(zoo));
    // unbuilt, the axis is as given (Keras writes -1 until build)
    assert.equal(new LayerNormalization().getConfig().axis, -1);
  });

  it("rejects bad axes and sizes with Keras-style messages", () => {
    assert.throws(() => new LayerNormalization({ name: "ln", axis: [] }), {
      message:
        'Layer "ln" (LayerNormalization): axis must be an integer or a non-empty list of integers; received axis=[]',
    });
    assert.throws(() => new LayerNormalization({ epsilon: Number.NaN }), {
      message: /received epsilon=NaN/,
    });
    assert.throws(() => new LayerNormalization({ name: "ln2", axis: 2 }).apply(st.zeros([2, 3])), {
      message:
        /^Layer "ln2" \(LayerNormalization\): axis 2 is out of bounds for an input of rank 2/,
    });
    assert.throws(() => new LayerNormalization({ axis: [1, -1] }).apply(st.zeros([2, 3])), {
      message: /axis lists an axis twice/,
    });
    const ln = new LayerNormalization({ name: "ln3" });
    ln.apply(st.zeros([2, 3]));
    assert.throws(() => ln.apply(st.zeros([2, 5])), {
      message:
        /^Layer "ln3" \(LayerNormalization\): expected the normalized axes \[1\] of the input to have sizes \[3\]/,
    });
  });
});
