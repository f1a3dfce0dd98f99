// ops.image.ssim: Keras's documented examples (identical images give 1, batches give one value
// per pair) and a float64 loop written here over Gaussian windows, on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

/** The mean SSIM over valid windows and channels of two [H, W, C] images, in float64. */
function reference(
  a: Float64Array,
  b: Float64Array,
  [H, W, C]: [number, number, number],
  size: number,
  sigma: number,
  maxVal: number,
): number {
  const g = Array.from({ length: size }, (_, i) =>
    Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)),
  );
  const gs = g.reduce((p, q) => p + q, 0);
  const w = (i: number, j: number) => (g[i]! / gs) * (g[j]! / gs);
  const [c1, c2] = [(0.01 * maxVal) ** 2, (0.03 * maxVal) ** 2];
  let total = 0;
  let count = 0;
  for (let c = 0; c < C; c++)
    for (let y = 0; y + size <= H; y++)
      for (let x = 0; x + size <= W; x++) {
        let [m1, m2, s11, s22, s12] = [0, 0, 0, 0, 0];
        for (let i = 0; i < size; i++)
          for (let j = 0; j < size; j++) {
            const q = ((y + i) * W + x + j) * C + c;
            const [p1, p2] = [a[q]!, b[q]!];
            m1 += w(i, j) * p1;
            m2 += w(i, j) * p2;
            s11 += w(i, j) * p1 * p1;
            s22 += w(i, j) * p2 * p2;
            s12 += w(i, j) * p1 * p2;
          }
        const [v1, v2, cov] = [s11 - m1 * m1, s22 - m2 * m2, s12 - m1 * m2];
        total +=
          ((2 * m1 * m2 + c1) * (2 * cov + c2)) / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2));
        count++;
      }
  return total / count;
}

eachBackend("ops.image.ssim", () => {
  const { ssim } = st.ops.image;

  it("Keras's examples: identical images give 1, a batch one value per pair", () => {
    const image = st.random.uniform([32, 32, 3], { seed: 1 });
    const same = ssim(image, image, { maxVal: 1 });
    assert.deepEqual(same.shape, []);
    assert.ok((same.item() as number) > 0.99);
    const a = st.random.uniform([2, 32, 32, 3], { seed: 2 });
    const b = st.random.uniform([2, 32, 32, 3], { seed: 3 });
    assert.deepEqual(ssim(a, b).shape, [2]);
  });

  it("matches a float64 loop (and channels_first agrees)", () => {
    const a = st.random.uniform([2, 9, 8, 2], { seed: 4, dtype: "float64" });
    const noise = st.random.normal([2, 9, 8, 2], { seed: 5, stddev: 0.1, dtype: "float64" });
    const b = st.ops.add(a, noise);
    const [va, vb] = [Float64Array.from(a.dataSync()), Float64Array.from(b.dataSync())];
    const n = 9 * 8 * 2;
    const expected = [0, 1].map((i) =>
      reference(
        va.subarray(i * n, (i + 1) * n),
        vb.subarray(i * n, (i + 1) * n),
        [9, 8, 2],
        3,
        0.8,
        2,
      ),
    );
    const out = ssim(a, b, { filterSize: 3, filterSigma: 0.8, maxVal: 2 });
    assertClose(out, expected, { rtol: 1e-9, atol: 1e-12 });
    const cf = ssim(st.ops.transpose(a, [0, 3, 1, 2]), st.ops.transpose(b, [0, 3, 1, 2]), {
      filterSize: 3,
      filterSigma: 0.8,
      maxVal: 2,
      dataFormat: "channels_first",
    });
    assertClose(cf, expected, { rtol: 1e-9, atol: 1e-12 });
  });

  it("rejects bad arguments", () => {
    const a = st.zeros([8, 8, 1]);
    assert.throws(
      () => ssim(a, st.zeros([8, 7, 1])),
      (e: Error) => e instanceof ShapeError && /same shape/.test(e.message),
    );
    assert.throws(
      () => ssim(a, a, { filterSize: 4 }),
      (e: Error) => e instanceof ValueError && /odd integer/.test(e.message),
    );
  });
});
