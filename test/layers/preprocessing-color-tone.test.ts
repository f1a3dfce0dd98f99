// RandomInvert, RandomPosterization, Solarization and AutoContrast (Keras 3.16): hand-computed
// values with fixed factors, Keras's documented example, seeds and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { AutoContrast } from "../../src/layers/preprocessing/numeric/auto-contrast.js";
import { RandomInvert } from "../../src/layers/preprocessing/numeric/random-invert.js";
import { RandomPosterization } from "../../src/layers/preprocessing/numeric/random-posterization.js";
import { Solarization } from "../../src/layers/preprocessing/numeric/solarization.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);
const img = (v: number[]) => st.tensor(v, [1, 1, v.length / 3, 3]);
const COLORS = st.tensor(
  Array.from({ length: 36 }, (_, i) => (i * 53) % 256),
  [3, 2, 2, 3],
);

describe("RandomInvert", () => {
  it("[1, 1] always inverts to high − x, [0, 0] never; inference never", () => {
    const x = img([0, 10, 255]);
    assert.deepEqual(
      values(new RandomInvert({ factor: [1, 1] }).apply(x, { training: true })),
      [255, 245, 0],
    );
    assert.deepEqual(
      values(new RandomInvert({ factor: [0, 0] }).apply(x, { training: true })),
      [0, 10, 255],
    );
    assert.deepEqual(values(new RandomInvert({ factor: [1, 1] }).apply(x)), [0, 10, 255]);
    const unit = new RandomInvert({ factor: [1, 1], valueRange: [0, 1] });
    assertClose(unit.apply(img([0.25, 0.5, 1]), { training: true }), [0.75, 0.5, 0]);
  });

  it("the default factor inverts about half the images, the same ones per seed", async () => {
    const layer = new RandomInvert({ seed: 3 });
    assert.deepEqual(layer.factor, [0, 1]);
    const batch = st.full([200, 1, 1, 3], 10);
    const out = values(layer.apply(batch, { training: true }));
    const inverted = out.filter((v, i) => i % 3 === 0 && v === 245).length;
    assert.ok(inverted > 70 && inverted < 130, `${inverted} of 200`);
    assert.deepEqual(values(new RandomInvert({ seed: 3 }).apply(batch, { training: true })), out);
    await kerasRoundTrip(() => new RandomInvert({ factor: 0.7, seed: 2 }), COLORS, true);
  });
});

describe("RandomPosterization", () => {
  it("[4, 4] keeps the top 4 bits: ⌊x / 16⌋ · 16, in the layer's value range", () => {
    const layer = new RandomPosterization([4, 4]);
    assert.deepEqual(values(layer.apply(img([200, 37, 255]), { training: true })), [192, 32, 240]);
    const unit = new RandomPosterization([4, 4], { valueRange: [0, 1] });
    // 0.5 → 127.5 → uint8 127 → 112
    assertClose(unit.apply(img([0.5, 1, 0]), { training: true }), [112 / 255, 240 / 255, 0]);
    assert.deepEqual(values(layer.apply(img([200, 37, 255]))), [200, 37, 255]);
  });

  it("a number f draws whole bit counts in [1, f): values stay multiples of 2^(8 − b)", async () => {
    const layer = new RandomPosterization(4, { seed: 5 });
    assert.deepEqual(layer.factor, [1, 4]);
    const out = values(layer.apply(COLORS, { training: true }));
    for (const v of out) assert.equal(v % 32, 0, `${v}`);
    assert.throws(() => new RandomPosterization(9), /factor must be .* \[1, 8\]/);
    await kerasRoundTrip(() => new RandomPosterization([2, 6], { seed: 1 }), COLORS, true);
  });
});

describe("Solarization", () => {
  it("Keras's documented example: defaults invert every value ([59, 62, 63] → [196, 193, 192])", () => {
    const out = new Solarization({ valueRange: [0, 255] }).apply(img([59, 62, 63]), {
      training: true,
    });
    assert.deepEqual(values(out), [196, 193, 192]);
    assert.deepEqual(values(new Solarization().apply(img([59, 62, 63]))), [59, 62, 63]);
  });

  it("inverts only values at or above the drawn threshold in [0.5, 127.5]", () => {
    const layer = new Solarization({ thresholdFactor: [0.5, 0.5], seed: 4 });
    assert.deepEqual(values(layer.apply(img([0, 200, 255]), { training: true })), [0, 55, 0]);
    const unit = new Solarization({ valueRange: [0, 1] });
    assertClose(unit.apply(img([0.2, 0.5, 1]), { training: true }), [0.8, 0.5, 0], { atol: 1e-6 });
  });

  it("adds a drawn amount in [0, f · 255] before thresholding; config and .keras", async () => {
    const layer = new Solarization({ additionFactor: 0.2, thresholdFactor: [1, 1], seed: 9 });
    assert.deepEqual(layer.additionFactor, [0, 0.2]);
    // a in [0, 51] and t in [1, 255]: 100 + a stays when below t, else becomes 155 − a.
    const out = values(layer.apply(st.full([4, 1, 1, 3], 100), { training: true }));
    for (const v of out) assert.ok((v >= 100 && v <= 151) || (v >= 104 && v <= 155), `${v}`);
    assert.throws(() => new Solarization({ additionFactor: 2 }), /additionFactor must be/);
    const config = layer.getConfig();
    assert.deepEqual(config.addition_factor, [0, 0.2]);
    assert.deepEqual(config.threshold_factor, [1, 1]);
    await kerasRoundTrip(
      () => new Solarization({ additionFactor: 0.3, thresholdFactor: 0.6, seed: 7 }),
      COLORS,
      true,
    );
  });
});

describe("AutoContrast", () => {
  it("stretches each channel to [0, 255], at inference too; constant channels stay", () => {
    // Channel 0: 50, 100, 150 → 0, 127.5, 255; channel 1 constant 7; channel 2: 0, 255, 255.
    const x = img([50, 7, 0, 100, 7, 255, 150, 7, 255]);
    assert.deepEqual(values(new AutoContrast().apply(x)), [0, 7, 0, 127.5, 7, 255, 255, 7, 255]);
    const unit = new AutoContrast({ valueRange: [0, 1] });
    assertClose(unit.apply(img([0.2, 0.2, 0.2, 0.6, 0.4, 0.3])), [0, 0, 0, 1, 1, 1], {
      atol: 1e-6,
    });
  });

  it("takes min and max per image; channels_first; config and .keras", async () => {
    const x = st.tensor([10, 20, 110, 220], [2, 1, 2, 1]);
    assert.deepEqual(values(new AutoContrast().apply(x)), [0, 255, 0, 255]);
    const cf = new AutoContrast({ dataFormat: "channels_first" });
    assert.deepEqual(
      values(cf.apply(st.tensor([10, 20, 110, 220], [2, 1, 1, 2]))),
      [0, 255, 0, 255],
    );
    const config = new AutoContrast({ valueRange: [1, 0] }).getConfig();
    assert.deepEqual(config.value_range, [0, 1]);
    assert.equal("seed" in config, false);
    await kerasRoundTrip(() => new AutoContrast(), COLORS, false);
  });
});
