// ops.image.scaleAndTranslate: Keras's documented example, agreement with resize when the
// translation is 0, a float64 loop with translations, zeros where the sample leaves the input.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

const tent = (x: number) => Math.max(0, 1 - Math.abs(x));

/** One axis: output i samples (i + ½ − t)/s − ½ with tent taps widened by 1/s when s < 1. */
function axisWeights(n: number, m: number, s: number, t: number): number[][] {
  const widen = Math.max(1 / s, 1);
  return Array.from({ length: m }, (_, i) => {
    const c = (i + 0.5 - t) / s - 0.5;
    if (c < -0.5 || c > n - 0.5) return new Array<number>(n).fill(0);
    const w = Array.from({ length: n }, (_, j) => tent((c - j) / widen));
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / total);
  });
}

eachBackend("ops.image.scaleAndTranslate", () => {
  const { scaleAndTranslate, resize } = st.ops.image;

  it("Keras's documented example (3x3 → 5x5, scale 2, translation −0.5)", () => {
    const images = st.arange(0, 9, 1, "float32").reshape([3, 3]);
    const out = scaleAndTranslate(images, [5, 5], [2, 2], [-0.5, -0.5], [0, 1], "linear");
    assertClose(out, [
      [0, 0.5, 1, 1.5, 2],
      [1.5, 2, 2.5, 3, 3.5],
      [3, 3.5, 4, 4.5, 5],
      [4.5, 5, 5.5, 6, 6.5],
      [6, 6.5, 7, 7.5, 8],
    ]);
  });

  it("with translation 0 it is resize (scale out/in), antialias or not", () => {
    const img = st.random.uniform([2, 6, 9, 3], { seed: 2, dtype: "float64" });
    for (const antialias of [true, false]) {
      const out = scaleAndTranslate(
        img,
        [2, 4, 5, 3],
        [4 / 6, 5 / 9],
        [0, 0],
        [1, 2],
        "bicubic",
        antialias,
      );
      assertClose(out, resize(img, [4, 5], { interpolation: "bicubic", antialias }), {
        rtol: 1e-9,
        atol: 1e-12,
      });
    }
  });

  it("matches a float64 loop with translations; samples outside the input are 0", () => {
    const img = st.random.uniform([5, 7], { seed: 3, dtype: "float64" });
    const v = img.dataSync();
    const [s0, s1, t0, t1] = [0.6, 1.7, 1.3, -2.2];
    const out = scaleAndTranslate(img, [4, 12], [s0, s1], [t0, t1], [0, 1], "triangle");
    const wy = axisWeights(5, 4, s0, t0);
    const wx = axisWeights(7, 12, s1, t1);
    const expected = wy.flatMap((ry) =>
      wx.map((rx) =>
        ry.reduce((acc, a, i) => acc + a * rx.reduce((b, c, j) => b + c * v[i * 7 + j]!, 0), 0),
      ),
    );
    assertClose(out, expected, { rtol: 1e-9, atol: 1e-12 });
    assert.ok(
      expected.some((e) => e === 0),
      "some outputs fall outside",
    );
  });

  it("integer images give float32; bad arguments are errors", () => {
    const u8 = scaleAndTranslate(
      st.tensor(new Uint8Array([0, 10]), [1, 2]),
      [1, 4],
      [2],
      [0],
      [1],
      "linear",
    );
    assert.equal(u8.dtype, "float32");
    const x = st.zeros([4, 4]);
    assert.throws(
      () => scaleAndTranslate(x, [4, 4], [1], [0], [0], "area" as never),
      (e: Error) => e instanceof ValueError && /method must be one of/.test(e.message),
    );
    assert.throws(
      () => scaleAndTranslate(x, [4, 5], [1], [0], [0], "linear"),
      (e: Error) => e instanceof ShapeError && /axis 1 is not spatial/.test(e.message),
    );
    assert.throws(
      () => scaleAndTranslate(x, [4, 4], [1, 1], [0], [0], "linear"),
      /scale must have one entry per spatial dim/,
    );
    assert.throws(
      () => scaleAndTranslate(x, [4, 4], [1], [0], [2], "linear"),
      /spatialDims must be distinct axes/,
    );
  });
});
