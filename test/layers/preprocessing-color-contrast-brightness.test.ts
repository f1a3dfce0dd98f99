// RandomContrast and RandomBrightness (Keras's keras.layers): identity at inference, Keras's
// factor semantics, hand-computed outputs, clipping to valueRange, seeds and .keras files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { RandomBrightness } from "../../src/layers/preprocessing/numeric/random-brightness.js";
import { RandomContrast } from "../../src/layers/preprocessing/numeric/random-contrast.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

/** [2, 2, 3, 2] images with values in 100 … 150 (no clipping for contrast factors ≤ 1). */
const MID = st.tensor(
  Array.from({ length: 24 }, (_, i) => 100 + ((i * 17) % 51)),
  [2, 2, 3, 2],
);

/** Per image and channel, the mean over height and width, in float64. */
function channelMeans(v: Float32Array | number[], [b, h, w, c]: number[]): number[][] {
  return Array.from({ length: b! }, (_, i) =>
    Array.from({ length: c! }, (_, ch) => {
      let s = 0;
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) s += Number(v[((i * h! + y) * w! + x) * c! + ch]);
      return s / (h! * w!);
    }),
  );
}

describe("RandomContrast", () => {
  it("is the identity at inference (ints cast to float32)", () => {
    const x = st.tensor([0, 50, 255, 7], [1, 2, 2, 1], "uint8");
    const out = new RandomContrast(0.5).apply(x);
    assert.equal(out.dtype, "float32");
    assert.deepEqual(Array.from(out.dataSync()), [0, 50, 255, 7]);
  });

  it("scales each image's deviations from its channel means by one factor in [1 − a, 1 + b]", () => {
    const layer = new RandomContrast([0.5, 0.5], { seed: 3 });
    const out = layer.apply(MID, { training: true });
    const x = Array.from(MID.dataSync());
    const y = Array.from(out.dataSync());
    const means = channelMeans(x, [2, 2, 3, 2]);
    for (let b = 0; b < 2; b++) {
      // The factor from the first pixel, then every pixel of the image must follow it.
      const k0 = b * 12;
      const c = (y[k0]! - means[b]![0]!) / (x[k0]! - means[b]![0]!);
      assert.ok(c >= 0.5 && c <= 1.5, `contrast factor ${c}`);
      for (let k = k0; k < k0 + 12; k++) {
        const m = means[b]![k % 2]!;
        assert.ok(Math.abs(y[k]! - ((x[k]! - m) * c + m)) < 1e-3, `pixel ${k}`);
      }
    }
    // The channel means are kept.
    const outMeans = channelMeans(y, [2, 2, 3, 2]);
    assertClose(st.tensor(outMeans), means, { atol: 1e-3 });
  });

  it("a number f draws factors in [1, 1 + f] (Keras's bounds [0, 1]); clips to valueRange", () => {
    const layer = new RandomContrast(0.5, { seed: 1 });
    assert.deepEqual(layer.factor, [0, 0.5]);
    // Pixels at 0 and 255 around mean 127.5: any factor ≥ 1 pushes them out, clipping returns them.
    const x = st.tensor([0, 255, 255, 0], [1, 2, 2, 1]);
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(Array.from(layer.apply(x, { training: true }).dataSync()), [0, 255, 255, 0]);
    }
    const unit = new RandomContrast([1, 1], { valueRange: [0, 1], seed: 2 });
    const y = unit.apply(st.tensor([0.2, 0.9, 0.4, 0.5], [1, 2, 2, 1]), { training: true });
    for (const v of y.dataSync()) assert.ok(v >= 0 && v <= 1);
    assert.throws(() => new RandomContrast(1.5), /factor must be .* \[0, 1\]/);
    assert.throws(() => new RandomContrast(0.2, { valueRange: [1, 0] }), /valueRange/);
  });

  it("is deterministic per seed, differs between calls, and handles single images and channels_first", () => {
    const a = new RandomContrast(0.9, { seed: 11 });
    const b = new RandomContrast(0.9, { seed: 11 });
    const first = a.apply(MID, { training: true });
    assert.deepEqual(first.toArray(), b.apply(MID, { training: true }).toArray());
    assert.notDeepEqual(a.apply(MID, { training: true }).toArray(), first.toArray());
    const single = MID.slice([0, 0, 0, 0], [1, 2, 3, 2]).reshape([2, 3, 2]);
    assert.deepEqual(
      new RandomContrast(0.3, { seed: 1 }).apply(single, { training: true }).shape,
      [2, 3, 2],
    );
    // channels_first: the same images transposed give the transposed result for the same seed.
    const cf = new RandomContrast(0.4, { seed: 5, dataFormat: "channels_first" });
    const cl = new RandomContrast(0.4, { seed: 5 });
    const outCf = cf.apply(st.ops.transpose(MID, [0, 3, 1, 2]), { training: true });
    assertClose(st.ops.transpose(outCf, [0, 2, 3, 1]), cl.apply(MID, { training: true }), {
      atol: 1e-4,
    });
  });

  it("writes Keras's config and round-trips through .keras files", async () => {
    const config = new RandomContrast(0.2, { seed: 4, name: "rc" }).getConfig();
    assert.deepEqual(config.factor, [0, 0.2]);
    assert.deepEqual(config.value_range, [0, 255]);
    assert.equal(config.seed, 4);
    assert.equal(config.data_format, "channels_last");
    await kerasRoundTrip(() => new RandomContrast([0.3, 0.6], { seed: 9 }), MID, true);
  });
});

describe("RandomBrightness", () => {
  it("is the identity at inference", () => {
    assert.deepEqual(new RandomBrightness(0.5).apply(MID).toArray(), MID.toArray());
  });

  it("adds factor · (high − low) and clips to valueRange (a fixed factor [0.5, 0.5])", () => {
    const x = st.tensor([10, 200, 0, 127], [1, 2, 2, 1]);
    const out = new RandomBrightness([0.5, 0.5]).apply(x, { training: true });
    assert.deepEqual(Array.from(out.dataSync()), [137.5, 255, 127.5, 254.5]);
    const dark = new RandomBrightness([-1, -1], { valueRange: [0, 1] });
    assert.deepEqual(
      Array.from(dark.apply(st.full([1, 2, 2, 1], 0.7), { training: true }).dataSync()),
      [0, 0, 0, 0],
    );
    const down = new RandomBrightness([-0.1, -0.1], { valueRange: [1, -1] });
    assert.deepEqual(down.valueRange, [-1, 1]);
    assertClose(
      down.apply(st.tensor([0, 0.5, -0.9, 1], [1, 2, 2, 1]), { training: true }),
      [-0.2, 0.3, -1, 0.8],
      { atol: 1e-6 },
    );
  });

  it("Keras's documented example: a drawn 0.1 adds 25.5 to every channel of a single image", () => {
    const image = st.tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8, 9],
        [10, 11, 12],
      ],
    ]);
    const out = new RandomBrightness([0.1, 0.1]).apply(image, { training: true });
    assert.deepEqual(out.shape, [2, 2, 3]);
    assertClose(
      out,
      Array.from({ length: 12 }, (_, i) => i + 1 + 25.5),
      { atol: 1e-5 },
    );
  });

  it("draws one delta per image within [−f, f] · 255", () => {
    const layer = new RandomBrightness(0.3, { seed: 8 });
    assert.deepEqual(layer.factor, [-0.3, 0.3]);
    const out = layer.apply(MID, { training: true });
    const x = Array.from(MID.dataSync());
    const y = Array.from(out.dataSync());
    for (let b = 0; b < 2; b++) {
      const d = y[b * 12]! - x[b * 12]!;
      assert.ok(Math.abs(d) <= 0.3 * 255 + 1e-3, `delta ${d}`);
      for (let k = b * 12; k < b * 12 + 12; k++) {
        const expected = Math.min(255, Math.max(0, x[k]! + d));
        assert.ok(Math.abs(y[k]! - expected) < 1e-3);
      }
    }
    assert.throws(() => new RandomBrightness(2), /factor must be .* \[-1, 1\]/);
  });

  it("is deterministic per seed and round-trips through .keras files", async () => {
    const a = new RandomBrightness(0.4, { seed: 21 }).apply(MID, { training: true });
    const b = new RandomBrightness(0.4, { seed: 21 }).apply(MID, { training: true });
    assert.deepEqual(a.toArray(), b.toArray());
    const config = new RandomBrightness(0.4, { seed: 21 }).getConfig();
    assert.deepEqual(config.factor, [-0.4, 0.4]);
    assert.deepEqual(config.value_range, [0, 255]);
    await kerasRoundTrip(() => new RandomBrightness([-0.2, 0.5], { seed: 2 }), MID, true);
  });
});
