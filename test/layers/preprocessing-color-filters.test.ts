// Equalization, RandomSharpness and RandomColorJitter (Keras 3.16): hand-computed histograms and
// blur kernels, fixed factors, seeds and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Equalization } from "../../src/layers/preprocessing/numeric/equalization.js";
import { RandomColorJitter } from "../../src/layers/preprocessing/numeric/random-color-jitter.js";
import { RandomSharpness } from "../../src/layers/preprocessing/numeric/random-sharpness.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);
const COLORS = st.tensor(
  Array.from({ length: 36 }, (_, i) => (i * 53) % 256),
  [3, 2, 2, 3],
);

describe("Equalization", () => {
  it("maps values through the cumulative histogram (hand-computed)", () => {
    // hist: 10 ×2, 20 ×1, 30 ×1 → cdf 2, 3, 4; lut = (cdf − 2) · 255 / 2 → 0, 127.5 → 128, 255.
    const x = st.tensor([10, 10, 20, 30], [1, 2, 2, 1]);
    assert.deepEqual(values(new Equalization().apply(x, { training: true })), [0, 0, 128, 255]);
    const unit = new Equalization({ valueRange: [0, 1] });
    assertClose(
      unit.apply(st.tensor([10, 10, 20, 30], [1, 2, 2, 1]).div(255), { training: true }),
      [0, 0, 128 / 255, 1],
      { atol: 1e-6 },
    );
  });

  it("takes one histogram per channel over the batch; one-bin channels and inference unchanged", () => {
    // Channel 0 over both images: 10, 20 | 30, 30; channel 1 constant 5.
    const x = st.tensor([10, 5, 20, 5, 30, 5, 30, 5], [2, 1, 2, 2]);
    // hist 10:1, 20:1, 30:2 → cdf 1, 2, 4 → lut 0, 85, 255.
    assert.deepEqual(
      values(new Equalization().apply(x, { training: true })),
      [0, 5, 85, 5, 255, 5, 255, 5],
    );
    assert.deepEqual(values(new Equalization().apply(x)), values(x));
    const cf = new Equalization({ dataFormat: "channels_first" });
    const xcf = st.ops.transpose(x, [0, 3, 1, 2]);
    assert.deepEqual(
      values(st.ops.transpose(cf.apply(xcf, { training: true }), [0, 2, 3, 1])),
      [0, 5, 85, 5, 255, 5, 255, 5],
    );
  });

  it("writes Keras's config and round-trips through .keras files", async () => {
    const config = new Equalization({ bins: 64 }).getConfig();
    assert.equal(config.bins, 64);
    assert.deepEqual(config.value_range, [0, 255]);
    assert.throws(() => new Equalization({ bins: 1 }), /bins must be an integer >= 2/);
    await kerasRoundTrip(() => new Equalization({ bins: 32 }), COLORS, true);
  });
});

describe("RandomSharpness", () => {
  const flat13 = st.full([1, 3, 3, 1], 13);

  it("[0, 0] gives the zero-padded 3×3 blur, [0.5, 0.5] the image, [1, 1] 2x − blur", () => {
    const blur = [8, 10, 8, 10, 13, 10, 8, 10, 8];
    assertClose(new RandomSharpness([0, 0]).apply(flat13, { training: true }), blur, {
      atol: 1e-5,
    });
    assertClose(
      new RandomSharpness([0.5, 0.5]).apply(flat13, { training: true }),
      Array(9).fill(13),
      { atol: 1e-5 },
    );
    assertClose(
      new RandomSharpness([1, 1]).apply(flat13, { training: true }),
      blur.map((b) => 26 - b),
      { atol: 1e-5 },
    );
    assert.deepEqual(values(new RandomSharpness([0, 0]).apply(flat13)), Array(9).fill(13));
  });

  it("blurs each channel on its own, in either data format, and clips to valueRange", () => {
    const x = st.tensor(
      [13, 0, 13, 0, 13, 0, 13, 0, 13, 0, 13, 0, 13, 0, 13, 0, 13, 0],
      [1, 3, 3, 2],
    );
    const out = values(new RandomSharpness([0, 0]).apply(x, { training: true }));
    assertClose(st.tensor(out.filter((_, i) => i % 2 === 0)), [8, 10, 8, 10, 13, 10, 8, 10, 8], {
      atol: 1e-5,
    });
    assert.deepEqual(
      out.filter((_, i) => i % 2 === 1),
      Array(9).fill(0),
    );
    const cf = new RandomSharpness([0, 0], { dataFormat: "channels_first" });
    const outCf = cf.apply(st.ops.transpose(x, [0, 3, 1, 2]), { training: true });
    assertClose(st.ops.transpose(outCf, [0, 2, 3, 1]), out, { atol: 1e-5 });
    const bright = new RandomSharpness([1, 1], { valueRange: [0, 15] }).apply(flat13, {
      training: true,
    });
    assert.equal(Math.max(...values(bright)), 15);
  });

  it("is deterministic per seed and round-trips through .keras files", async () => {
    const layer = new RandomSharpness(0.6, { seed: 3 });
    assert.deepEqual(layer.factor, [0, 0.6]);
    const a = layer.apply(COLORS, { training: true });
    assert.deepEqual(
      new RandomSharpness(0.6, { seed: 3 }).apply(COLORS, { training: true }).toArray(),
      a.toArray(),
    );
    await kerasRoundTrip(() => new RandomSharpness([0.2, 0.9], { seed: 5 }), COLORS, true);
  });
});

describe("RandomColorJitter", () => {
  it("applies only the given parts: brightness [0.5, 0.5] adds 127.5; none is the identity", () => {
    const x = st.tensor([10, 200, 0], [1, 1, 1, 3]);
    const jitter = new RandomColorJitter({ brightnessFactor: [0.5, 0.5] });
    assert.deepEqual(values(jitter.apply(x, { training: true })), [137.5, 255, 127.5]);
    assert.deepEqual(values(jitter.apply(x)), [10, 200, 0]);
    assert.deepEqual(values(new RandomColorJitter().apply(x, { training: true })), [10, 200, 0]);
    // Brightness then full desaturation: gray at the brightest channel.
    const both = new RandomColorJitter({ brightnessFactor: [0.1, 0.1], saturationFactor: [0, 0] });
    assertClose(both.apply(x, { training: true }), [225.5, 225.5, 225.5], { atol: 1e-3 });
  });

  it("keeps the factors as given in its config; seeded; round-trips through .keras files", async () => {
    const make = () =>
      new RandomColorJitter({
        brightnessFactor: 0.2,
        contrastFactor: [0.1, 0.4],
        saturationFactor: 0.6,
        hueFactor: 0.3,
        seed: 7,
      });
    const config = make().getConfig();
    assert.equal(config.brightness_factor, 0.2);
    assert.deepEqual(config.contrast_factor, [0.1, 0.4]);
    assert.equal(config.hue_factor, 0.3);
    assert.deepEqual(config.value_range, [0, 255]);
    assert.deepEqual(
      make().apply(COLORS, { training: true }).toArray(),
      make().apply(COLORS, { training: true }).toArray(),
    );
    await kerasRoundTrip(make, COLORS, true);
  });
});
