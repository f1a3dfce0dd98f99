// RandomGrayscale, RandomColorDegeneration, RandomSaturation, RandomHue and the colour
// conversions under them: hand-computed colours, fixed factors, seeds and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { RandomColorDegeneration } from "../../src/layers/preprocessing/numeric/random-color-degeneration.js";
import { RandomGrayscale } from "../../src/layers/preprocessing/numeric/random-grayscale.js";
import { RandomHue } from "../../src/layers/preprocessing/numeric/random-hue.js";
import { RandomSaturation } from "../../src/layers/preprocessing/numeric/random-saturation.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

/** One pixel image [1, 1, 1, 3]. */
const { hsvToRgb, rgbToGrayscale, rgbToHsv } = st.ops.image;
const LAST = { dataFormat: "channels_last" } as const;
const FIRST = { dataFormat: "channels_first" } as const;

const pixel = (r: number, g: number, b: number) => st.tensor([r, g, b], [1, 1, 1, 3]);
const GRAY_OF_10_20_30 = 0.2989 * 10 + 0.587 * 20 + 0.114 * 30;

/** A [3, 2, 2, 3] batch of colours in [0, 255]. */
const COLORS = st.tensor(
  Array.from({ length: 36 }, (_, i) => (i * 53) % 256),
  [3, 2, 2, 3],
);

/** HSV of one RGB colour by the textbook formula (float64). */
function hsv(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const d = v - Math.min(r, g, b);
  const s = v > 0 ? d / v : 0;
  if (d === 0) return [0, s, v];
  let h = v === r ? (g - b) / d : v === g ? 2 + (b - r) / d : 4 + (r - g) / d;
  h /= 6;
  if (h < 0) h += 1;
  return [h, s, v];
}

describe("colour conversions", () => {
  it("grayscale weighs R, G, B by 0.2989, 0.5870, 0.1140 and keeps one channel", () => {
    const g = rgbToGrayscale(pixel(10, 20, 30), LAST);
    assert.deepEqual(g.shape, [1, 1, 1, 1]);
    assertClose(g, [GRAY_OF_10_20_30], { atol: 1e-4 });
    const cf = rgbToGrayscale(st.tensor([10, 20, 30], [1, 3, 1, 1]), FIRST);
    assertClose(cf, [GRAY_OF_10_20_30], { atol: 1e-4 });
  });

  it("RGB → HSV matches the textbook formula, and HSV → RGB inverts it", () => {
    const colors = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.5, 0.5, 0.5],
      [0.2, 0.4, 0.6],
      [0.9, 0.1, 0.3],
      [0, 0, 0],
      [0.3, 0.8, 0.1],
    ];
    const x = st.tensor(colors.flat(), [1, 2, 4, 3]);
    const h = rgbToHsv(x, LAST);
    assertClose(
      h,
      colors.flatMap(([r, g, b]) => hsv(r!, g!, b!)),
      { atol: 1e-6 },
    );
    assertClose(hsvToRgb(h, LAST), x, { atol: 1e-6 });
    // channels_first gives the same planes.
    const cf = rgbToHsv(st.ops.transpose(x, [0, 3, 1, 2]), FIRST);
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), h, { atol: 1e-6 });
  });
});

describe("RandomGrayscale", () => {
  it("factor 1 always converts, keeping three channels; factor 0 and inference never do", () => {
    const out = new RandomGrayscale({ factor: 1 }).apply(pixel(10, 20, 30), { training: true });
    assertClose(out, [GRAY_OF_10_20_30, GRAY_OF_10_20_30, GRAY_OF_10_20_30], { atol: 1e-4 });
    assert.deepEqual(
      new RandomGrayscale({ factor: 0 }).apply(COLORS, { training: true }).toArray(),
      COLORS.toArray(),
    );
    assert.deepEqual(new RandomGrayscale({ factor: 1 }).apply(COLORS).toArray(), COLORS.toArray());
    assert.throws(() => new RandomGrayscale({ factor: 1.2 }), /factor must be between 0 and 1/);
  });

  it("converts about a `factor` share of the images, the same ones for the same seed", () => {
    const batch = st.tensor(
      Array.from({ length: 200 * 3 }, (_, i) => (i % 3) * 100),
      [200, 1, 1, 3],
    );
    const run = () =>
      new RandomGrayscale({ factor: 0.3, seed: 5 }).apply(batch, { training: true });
    const out = Array.from(run().dataSync());
    let gray = 0;
    for (let i = 0; i < 200; i++) if (out[3 * i] === out[3 * i + 2]) gray++;
    assert.ok(gray > 40 && gray < 80, `${gray} of 200 converted`);
    assert.deepEqual(Array.from(run().dataSync()), out);
  });

  it("round-trips through .keras files", async () => {
    assert.equal(new RandomGrayscale().getConfig().factor, 0.5);
    await kerasRoundTrip(() => new RandomGrayscale({ factor: 0.5, seed: 3 }), COLORS, true);
  });
});

describe("RandomColorDegeneration", () => {
  it("blends toward gray by the drawn factor (fixed [0.5, 0.5]; [1, 1] is fully gray)", () => {
    const half = new RandomColorDegeneration([0.5, 0.5]).apply(pixel(10, 20, 30), {
      training: true,
    });
    assertClose(
      half,
      [10, 20, 30].map((v) => v + 0.5 * (GRAY_OF_10_20_30 - v)),
      { atol: 1e-4 },
    );
    const full = new RandomColorDegeneration([1, 1]).apply(pixel(10, 20, 30), { training: true });
    assertClose(full, [GRAY_OF_10_20_30, GRAY_OF_10_20_30, GRAY_OF_10_20_30], { atol: 1e-4 });
    const layer = new RandomColorDegeneration(0.4, { seed: 1 });
    assert.deepEqual(layer.factor, [0, 0.4]);
    assert.deepEqual(layer.apply(COLORS).toArray(), COLORS.toArray());
  });

  it("is deterministic per seed and round-trips through .keras files", async () => {
    const a = new RandomColorDegeneration(0.8, { seed: 4 }).apply(COLORS, { training: true });
    const b = new RandomColorDegeneration(0.8, { seed: 4 }).apply(COLORS, { training: true });
    assert.deepEqual(a.toArray(), b.toArray());
    await kerasRoundTrip(() => new RandomColorDegeneration(0.8, { seed: 4 }), COLORS, true);
  });
});

describe("RandomSaturation", () => {
  const unit = { valueRange: [0, 1] as [number, number] };
  it("[0, 0] removes saturation, [1, 1] saturates fully, [0.5, 0.5] keeps the image", () => {
    const x = pixel(0.2, 0.4, 0.6);
    const gray = new RandomSaturation([0, 0], unit).apply(x, { training: true });
    assertClose(gray, [0.6, 0.6, 0.6], { atol: 1e-6 });
    const full = new RandomSaturation([1, 1], unit).apply(x, { training: true });
    assertClose(full, [0, 0.3, 0.6], { atol: 1e-6 });
    const same = new RandomSaturation([0.5, 0.5], unit).apply(x, { training: true });
    assertClose(same, [0.2, 0.4, 0.6], { atol: 1e-5 });
  });

  it("is the identity at inference, deterministic per seed, and round-trips through .keras", async () => {
    const layer = new RandomSaturation(0.7, { seed: 2 });
    assert.deepEqual(layer.factor, [0, 0.7]);
    assert.deepEqual(layer.apply(COLORS).toArray(), COLORS.toArray());
    const a = layer.apply(COLORS, { training: true });
    const b = new RandomSaturation(0.7, { seed: 2 }).apply(COLORS, { training: true });
    assert.deepEqual(a.toArray(), b.toArray());
    await kerasRoundTrip(() => new RandomSaturation([0.2, 0.9], { seed: 6 }), COLORS, true);
  });
});

describe("RandomHue", () => {
  it("f = 1 turns each colour into its complement whatever the sign; f = 0 keeps it", () => {
    for (const seed of [1, 2, 3, 4]) {
      const out = new RandomHue([1, 1], { seed }).apply(pixel(51, 102, 153), { training: true });
      assertClose(out, [153, 102, 51], { atol: 1e-3 });
    }
    const same = new RandomHue([0, 0], { valueRange: [0, 1] }).apply(pixel(0.2, 0.4, 0.6), {
      training: true,
    });
    assertClose(same, [0.2, 0.4, 0.6], { atol: 1e-6 });
  });

  it("a shift of at most f/2 turns: hues move, saturation and value stay", () => {
    const layer = new RandomHue(0.2, { seed: 8, valueRange: [0, 1] });
    assert.deepEqual(layer.factor, [0, 0.2]);
    const x = st.tensor([0.9, 0.1, 0.3, 0.3, 0.8, 0.1], [2, 1, 1, 3]);
    const out = layer.apply(x, { training: true });
    const before = rgbToHsv(x, LAST).dataSync();
    const after = rgbToHsv(out, LAST).dataSync();
    for (let i = 0; i < 2; i++) {
      let dh = Math.abs(after[3 * i]! - before[3 * i]!);
      dh = Math.min(dh, 1 - dh);
      assert.ok(dh <= 0.1 + 1e-5, `hue moved by ${dh}`);
      assert.ok(Math.abs(after[3 * i + 1]! - before[3 * i + 1]!) < 1e-5);
      assert.ok(Math.abs(after[3 * i + 2]! - before[3 * i + 2]!) < 1e-5);
    }
  });

  it("is the identity at inference and round-trips through .keras files", async () => {
    assert.deepEqual(new RandomHue(0.5).apply(COLORS).toArray(), COLORS.toArray());
    assert.throws(() => new RandomHue(1.5), /factor must be/);
    await kerasRoundTrip(() => new RandomHue(0.5, { seed: 3 }), COLORS, true);
  });
});
