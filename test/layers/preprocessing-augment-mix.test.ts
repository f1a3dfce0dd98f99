// RandAugment and AugMix (Keras 3.16): defaults and config keys, identity at inference, the
// composition checked against the operations built here by Keras's rules (the same seeds replay
// the same draws), AugMix's mix recomputed in float64 from its draw, the Dirichlet sampler's
// moments, value ranges, seeds and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import type { Layer } from "../../src/layers/layer.js";
import { AugMix, dirichletSample } from "../../src/layers/preprocessing/numeric/aug-mix.js";
import { RandAugment } from "../../src/layers/preprocessing/numeric/rand-augment.js";
import { kerasLayout } from "../../src/models/saving/keras-weights.js";
import { transpose } from "../../src/ops/movement.js";
import { Generator } from "../../src/tensor/random.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

const L = st.layers;
const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);

/** [n, 6, 7, 3] images with varied values in [0, 255]. */
function colorImages(n: number, scale = 1): st.Tensor {
  const size = n * 6 * 7 * 3;
  return st.tensor(
    Array.from({ length: size }, (_, i) => ((i * 53 + 17 * Math.floor(i / 21)) % 256) * scale),
    [n, 6, 7, 3],
  );
}

type Range = [number, number];

/** Keras's RandAugment operations, in its order, built from the public layers by its rules. */
function randAugmentOps(f: Range, vr: Range, seed: number, interpolation = "bilinear"): Layer[] {
  const affine = { seed, interpolation: interpolation as "bilinear" | "nearest" };
  const color = { seed, valueRange: vr };
  return [
    new L.RandomShear({ ...affine, xFactor: f, yFactor: f }),
    new L.RandomTranslation(f, f, affine),
    new L.RandomRotation(f, affine),
    new L.RandomBrightness(f, color),
    new L.RandomColorDegeneration(f, color),
    new L.RandomContrast(f, color),
    new L.RandomSharpness(f, color),
    new L.RandomPosterization(Math.max(1, Math.floor(8 * f[1])), color),
    new L.Solarization({ ...color, additionFactor: f, thresholdFactor: f }),
    new L.AutoContrast({ valueRange: vr }),
    new L.Equalization({ valueRange: vr }),
  ];
}

/** AugMix's operations: the geometric ones and posterization … equalization, then colour ones. */
function augMixOps(f: Range, vr: Range, seed: number, allOps = true): Layer[] {
  const r = randAugmentOps(f, vr, seed);
  const base = [r[0]!, r[1]!, r[2]!, r[7]!, r[8]!, r[9]!, r[10]!];
  return allOps ? [...base, r[3]!, r[4]!, r[5]!, r[6]!] : base;
}

const train = (layer: Layer, x: st.Tensor) => layer.apply(x, { training: true });

function assertWithin(t: st.Tensor, [lo, hi]: Range): void {
  for (const v of values(t))
    assert.ok(v >= lo - 1e-4 && v <= hi + 1e-4, `${v} outside [${lo}, ${hi}]`);
}

describe("RandAugment", () => {
  it("has Keras's defaults and config keys", () => {
    const layer = new RandAugment();
    assert.deepEqual(layer.factor, [0, 0.5]);
    const config = layer.getConfig();
    for (const [k, v] of Object.entries({
      value_range: [0, 255],
      num_ops: 2,
      factor: [0, 0.5],
      interpolation: "bilinear",
      seed: null,
      data_format: "channels_last",
    })) {
      assert.deepEqual(config[k], v, k);
    }
    assert.equal(layer.ops.length, 11);
    assert.deepEqual(new RandAugment({ factor: 0.2 }).factor, [0, 0.2]);
  });

  it("is the identity at inference, and with numOps 0 in training", () => {
    const x = colorImages(2);
    const layer = new RandAugment({ seed: 1 });
    assert.deepEqual(values(layer.apply(x)), values(x));
    assert.deepEqual(values(layer.apply(x, { training: false })), values(x));
    assert.deepEqual(values(train(new RandAugment({ numOps: 0, seed: 1 }), x)), values(x));
    assert.notDeepEqual(values(train(layer, x)), values(x));
  });

  it("with numOps 1 gives one of Keras's eleven operations, and several ops across seeds", () => {
    const x = colorImages(2);
    const chosen = new Set<number>();
    for (let seed = 0; seed < 12; seed++) {
      const out = values(train(new RandAugment({ numOps: 1, factor: 0.4, seed }), x));
      const candidates = randAugmentOps([0, 0.4], [0, 255], seed).map((op) => values(train(op, x)));
      const j = candidates.findIndex((c) => c.every((v, i) => Math.abs(v - out[i]!) < 1e-3));
      assert.ok(j >= 0, `seed ${seed}: output is none of the operations`);
      const [expected] = new RandAugment({ numOps: 1, seed }).drawOps();
      // The same op may give the same output as another (e.g. no-op draws); the drawn one must match.
      assertClose(st.tensor(candidates[expected!]!), st.tensor(out), { atol: 1e-3 });
      chosen.add(expected!);
    }
    assert.ok(chosen.size >= 4, `only ops ${[...chosen].join(", ")} were chosen`);
  });

  it("applies numOps operations in sequence, in the order drawn", () => {
    const x = colorImages(3);
    for (const seed of [3, 8]) {
      const order = new RandAugment({ numOps: 3, seed }).drawOps();
      const ops = randAugmentOps([0, 0.5], [0, 255], seed, "nearest");
      let expected = x;
      for (const k of order) expected = train(ops[k]!, expected);
      const out = train(new RandAugment({ numOps: 3, seed, interpolation: "nearest" }), x);
      assertClose(out, expected, { atol: 1e-3 });
    }
  });

  it("keeps shape and value range, single images too, and is deterministic for a seed", () => {
    const x = colorImages(4, 1 / 255);
    const make = () => new RandAugment({ valueRange: [0, 1], numOps: 3, factor: 0.8, seed: 7 });
    const a = train(make(), x);
    assert.deepEqual(a.shape, x.shape);
    assertWithin(a, [0, 1]);
    assert.deepEqual(values(train(make(), x)), values(a));
    const other = new RandAugment({ valueRange: [0, 1], numOps: 3, factor: 0.8, seed: 8 });
    assert.notDeepEqual(values(train(other, x)), values(a));
    const single = train(make(), st.tensor(values(colorImages(1, 1 / 255)), [6, 7, 3]));
    assert.deepEqual(single.shape, [6, 7, 3]);
  });

  it("rejects bad arguments with ValueError", () => {
    assert.throws(() => new RandAugment({ numOps: -1 }), ValueError);
    assert.throws(() => new RandAugment({ numOps: 1.5 }), ValueError);
    assert.throws(() => new RandAugment({ factor: 2 }), ValueError);
    assert.throws(() => new RandAugment({ interpolation: "cubic" as "nearest" }), ValueError);
    assert.throws(() => new RandAugment({ valueRange: [1, 1] }), ValueError);
  });

  it("round-trips through .keras with the same outputs for the same seed", async () => {
    await kerasRoundTrip(
      () => new RandAugment({ numOps: 3, factor: 0.6, seed: 4 }),
      colorImages(2),
      true,
    );
    await kerasRoundTrip(() => new RandAugment({ seed: 4 }), colorImages(2));
  });
});

/** The .keras group paths of a Sequential model holding `layer`. */
function layoutPaths(layer: Layer): string[] {
  const model = new st.Sequential([st.layers.Input({ shape: [6, 7, 3] }), layer]);
  return kerasLayout(model).map((e) => e.path);
}

/** channels_first gives the transposed channels_last result for the same seed. */
function assertChannelsFirstAgrees(
  make: (dataFormat: "channels_first" | "channels_last") => Layer,
): void {
  const x = colorImages(2);
  const last = train(make("channels_last"), x);
  const first = train(make("channels_first"), transpose(x, [0, 3, 1, 2]));
  assertClose(transpose(first, [0, 2, 3, 1]), last, { atol: 1e-3 });
}

describe("RandAugment and AugMix in models", () => {
  it("hold their operations under Keras's attribute names in the .keras layout", () => {
    const ops = [
      "random_shear",
      "random_translation",
      "random_rotation",
      "random_brightness",
      "random_color_degeneration",
      "random_contrast",
      "random_sharpness",
      "random_posterization",
      "solarization",
      "auto_contrast",
      "equalization",
    ];
    const paths = layoutPaths(new RandAugment());
    for (const op of ops) assert.ok(paths.includes(`layers/rand_augment/${op}`), op);
    const some = layoutPaths(new AugMix({ allOps: false }));
    assert.ok(some.includes("layers/aug_mix/equalization"));
    assert.ok(!some.some((p) => p.endsWith("random_contrast")));
  });

  it("agree between channels_last and channels_first for the same seed", () => {
    assertChannelsFirstAgrees((dataFormat) => new RandAugment({ numOps: 3, seed: 2, dataFormat }));
    assertChannelsFirstAgrees((dataFormat) => new AugMix({ seed: 2, dataFormat }));
  });

  it("stay within valueRange at full strength over many seeds", () => {
    const x = colorImages(2);
    for (let seed = 0; seed < 8; seed++) {
      assertWithin(train(new RandAugment({ numOps: 4, factor: 1, seed }), x), [0, 255]);
      assertWithin(train(new AugMix({ factor: 1, alpha: 0.5, seed }), x), [0, 255]);
    }
  });
});

describe("AugMix", () => {
  it("has Keras's defaults and config keys", () => {
    const layer = new AugMix();
    const config = layer.getConfig();
    for (const [k, v] of Object.entries({
      value_range: [0, 255],
      num_chains: 3,
      chain_depth: 3,
      factor: [0, 0.3],
      alpha: 1,
      all_ops: true,
      interpolation: "bilinear",
      seed: null,
      data_format: "channels_last",
    })) {
      assert.deepEqual(config[k], v, k);
    }
    assert.equal(layer.ops.length, 11);
    assert.equal(new AugMix({ allOps: false }).ops.length, 7);
  });

  it("Dirichlet samples sum to 1 with mean 1/k and variance (k − 1) / (k² (kα + 1))", () => {
    const rng = new Generator(2);
    for (const [k, alpha] of [
      [3, 1],
      [4, 0.5],
    ] as const) {
      const samples = Array.from({ length: 10000 }, () => dirichletSample(rng, k, alpha));
      for (const s of samples.slice(0, 50)) {
        assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        assert.ok(s.every((v) => v >= 0));
      }
      const first = samples.map((s) => s[0]!);
      const m = first.reduce((a, b) => a + b, 0) / first.length;
      const v = first.reduce((a, b) => a + (b - m) ** 2, 0) / first.length;
      const expectedVar = (k - 1) / (k * k * (k * alpha + 1));
      assert.ok(Math.abs(m - 1 / k) < 0.01, `mean ${m}`);
      assert.ok(Math.abs(v - expectedVar) < 0.1 * expectedVar, `variance ${v} vs ${expectedVar}`);
    }
  });

  it("is the identity at inference, and in training when every chain is empty", () => {
    const x = colorImages(2);
    const layer = new AugMix({ seed: 3 });
    assert.deepEqual(values(layer.apply(x)), values(x));
    // chainDepth 0: Σ m_i · x = x since the Dirichlet weights sum to 1, then w·x + (1 − w)·x = x.
    for (const alpha of [0.3, 1, 4]) {
      const empty = new AugMix({ chainDepth: 0, numChains: 4, alpha, seed: 5 });
      assertClose(train(empty, x), x, { atol: 1e-3 });
    }
    assert.notDeepEqual(values(train(layer, x)), values(x));
  });

  it("mixes the chains as w·x + (1 − w)·Σ m_i·chain_i(x), clipped (float64 reference)", () => {
    const x = colorImages(2);
    const xs = values(x);
    for (const [seed, allOps] of [
      [1, true],
      [6, false],
      [9, true],
    ] as const) {
      const draw = new AugMix({ seed, allOps, numChains: 3, chainDepth: 2 }).drawMix();
      assert.ok(Math.abs(draw.chainWeights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.ok(draw.skipWeight >= 0 && draw.skipWeight <= 1);
      const ops = augMixOps([0, 0.3], [0, 255], seed, allOps);
      const expected = xs.map((v) => draw.skipWeight * v);
      draw.chains.forEach((chain, i) => {
        let c = x;
        for (const k of chain) c = train(ops[k]!, c);
        values(c).forEach((v, j) => {
          expected[j]! += (1 - draw.skipWeight) * draw.chainWeights[i]! * v;
        });
      });
      const out = train(new AugMix({ seed, allOps, numChains: 3, chainDepth: 2 }), x);
      assertClose(
        out,
        st.tensor(
          expected.map((v) => Math.min(255, Math.max(0, v))),
          x.shape as number[],
        ),
        { atol: 1e-2 },
      );
    }
  });

  it("keeps shape and value range and is deterministic for a seed", () => {
    const x = colorImages(3, 1 / 255);
    const make = () => new AugMix({ valueRange: [0, 1], factor: 0.9, alpha: 0.5, seed: 11 });
    const a = train(make(), x);
    assert.deepEqual(a.shape, x.shape);
    assertWithin(a, [0, 1]);
    assert.deepEqual(values(train(make(), x)), values(a));
    const other = new AugMix({ valueRange: [0, 1], factor: 0.9, alpha: 0.5, seed: 12 });
    assert.notDeepEqual(values(train(other, x)), values(a));
  });

  it("rejects bad arguments with ValueError", () => {
    assert.throws(() => new AugMix({ numChains: 0 }), ValueError);
    assert.throws(() => new AugMix({ chainDepth: -1 }), ValueError);
    assert.throws(() => new AugMix({ alpha: 0 }), ValueError);
    assert.throws(() => new AugMix({ factor: [0, 1.5] }), ValueError);
    assert.throws(() => new AugMix({ interpolation: "area" as "nearest" }), ValueError);
  });

  it("round-trips through .keras with the same outputs for the same seed", async () => {
    const make = () =>
      new AugMix({ numChains: 2, chainDepth: 2, factor: 0.5, alpha: 0.7, allOps: false, seed: 2 });
    await kerasRoundTrip(make, colorImages(2), true);
    await kerasRoundTrip(() => new AugMix({ seed: 2 }), colorImages(2));
  });
});
