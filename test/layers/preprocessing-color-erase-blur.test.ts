// RandomErasing and RandomGaussianBlur (Keras 3.16): erased rectangles of the drawn size and
// fill, Gaussian kernels against a float64 formula in the test, probabilities, seeds, .keras.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { RandomErasing } from "../../src/layers/preprocessing/numeric/random-erasing.js";
import { RandomGaussianBlur } from "../../src/layers/preprocessing/numeric/random-gaussian-blur.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);
const COLORS = st.tensor(
  Array.from({ length: 36 }, (_, i) => (i * 53) % 256),
  [3, 2, 2, 3],
);

/** Row and column extents of the pixels of image i (channel 0) that differ from `base`. */
function changed(out: number[], i: number, h: number, w: number, c: number, base: number) {
  const rows = new Set<number>();
  const cols = new Set<number>();
  let count = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (out[((i * h + y) * w + x) * c] !== base) {
        rows.add(y);
        cols.add(x);
        count++;
      }
  return { rows: rows.size, cols: cols.size, count };
}

describe("RandomErasing", () => {
  it("factor [1, 1] always erases a rectangle of sides √scale · size, filled as asked", () => {
    const x = st.full([3, 8, 8, 3], 100);
    const layer = new RandomErasing({ factor: [1, 1], scale: [0.25, 0.25], fillValue: 0, seed: 2 });
    const out = values(layer.apply(x, { training: true }));
    for (let i = 0; i < 3; i++) {
      const { rows, cols, count } = changed(out, i, 8, 8, 3, 100);
      // sides 4 of real length at a real offset: 4 or 5 pixel rows and columns, a full rectangle
      assert.ok(rows >= 4 && rows <= 5 && cols >= 4 && cols <= 5, `${rows} × ${cols}`);
      assert.equal(count, rows * cols);
    }
    assert.ok(out.every((v) => v === 100 || v === 0));
    const perChannel = new RandomErasing({ factor: [1, 1], scale: [1, 1], fillValue: [1, 2, 300] });
    assert.deepEqual(
      values(perChannel.apply(st.full([1, 2, 2, 3], 50), { training: true })),
      [1, 2, 255, 1, 2, 255, 1, 2, 255, 1, 2, 255],
    );
  });

  it("factor [0, 0] and inference never erase; noise fill stays in valueRange", () => {
    const x = st.full([2, 4, 4, 1], 0.5);
    assert.deepEqual(
      values(new RandomErasing({ factor: [0, 0] }).apply(x, { training: true })),
      values(x),
    );
    assert.deepEqual(values(new RandomErasing().apply(x)), values(x));
    const noisy = new RandomErasing({ factor: [1, 1], scale: [1, 1], valueRange: [0, 1], seed: 1 });
    const out = values(noisy.apply(x, { training: true }));
    assert.ok(out.every((v) => v >= 0 && v <= 1));
    assert.ok(out.some((v) => v !== 0.5));
  });

  it("writes Keras's config, is seeded and round-trips through .keras files", async () => {
    const config = new RandomErasing({ seed: 3 }).getConfig();
    assert.deepEqual(config.factor, [0, 1]);
    assert.deepEqual(config.scale, [0.02, 0.33]);
    assert.equal(config.fill_value, null);
    assert.throws(() => new RandomErasing({ fillValue: [1, 2] }), /fillValue must be/);
    const a = new RandomErasing({ seed: 6 }).apply(COLORS, { training: true });
    assert.deepEqual(
      new RandomErasing({ seed: 6 }).apply(COLORS, { training: true }).toArray(),
      a.toArray(),
    );
    await kerasRoundTrip(
      () => new RandomErasing({ factor: 0.8, fillValue: 7, seed: 4 }),
      COLORS,
      true,
    );
  });
});

describe("RandomGaussianBlur", () => {
  /** exp(−x²/2σ²) over the taps, normalized, in float64. */
  const gauss = (size: number, sigma: number) => {
    const t = Array.from({ length: size }, (_, i) =>
      Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)),
    );
    const s = t.reduce((a, b) => a + b, 0);
    return t.map((v) => v / s);
  };

  it("blurs an impulse into the outer product of 1-D Gaussians (σ = 1, kernel 3 × 5)", () => {
    const x = st.tensor(
      Array.from({ length: 49 }, (_, k) => (k === 24 ? 1 : 0)),
      [1, 7, 7, 1],
    );
    const layer = new RandomGaussianBlur({
      factor: [1, 1],
      sigma: [1, 1],
      kernelSize: [5, 3],
      valueRange: [0, 1],
    });
    const out = values(layer.apply(x, { training: true }));
    const kx = gauss(5, 1);
    const ky = gauss(3, 1);
    const expected = Array.from({ length: 49 }, (_, k) => {
      const dy = Math.floor(k / 7) - 3;
      const dx = (k % 7) - 3;
      return Math.abs(dy) <= 1 && Math.abs(dx) <= 2 ? ky[dy + 1]! * kx[dx + 2]! : 0;
    });
    assertClose(st.tensor(out), expected, { atol: 1e-6 });
  });

  it("factor [0, 0] never blurs (but clips); inference is the identity; channels_first agrees", () => {
    const x = st.tensor([0, 300, 20, 40], [1, 2, 2, 1]);
    assert.deepEqual(
      values(new RandomGaussianBlur({ factor: [0, 0] }).apply(x, { training: true })),
      [0, 255, 20, 40],
    );
    assert.deepEqual(values(new RandomGaussianBlur().apply(x)), [0, 300, 20, 40]);
    const cl = new RandomGaussianBlur({ factor: [1, 1], seed: 3 }).apply(COLORS, {
      training: true,
    });
    const cf = new RandomGaussianBlur({
      factor: [1, 1],
      seed: 3,
      dataFormat: "channels_first",
    }).apply(st.ops.transpose(COLORS, [0, 3, 1, 2]), { training: true });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), cl, { atol: 1e-4 });
  });

  it("writes Keras's config, checks kernelSize, and round-trips through .keras files", async () => {
    const config = new RandomGaussianBlur({ kernelSize: 5, sigma: 0.5 }).getConfig();
    assert.deepEqual(config.kernel_size, [5, 5]);
    assert.deepEqual(config.sigma, [0, 0.5]);
    assert.deepEqual(config.factor, [0, 1]);
    assert.throws(
      () => new RandomGaussianBlur({ kernelSize: 4 }),
      /kernelSize must be an odd number/,
    );
    await kerasRoundTrip(() => new RandomGaussianBlur({ factor: 0.9, seed: 8 }), COLORS, true);
  });
});
