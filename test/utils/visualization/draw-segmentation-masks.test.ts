// st.visualization.drawSegmentationMasks (keras.visualization.draw_segmentation_masks) against
// references written here: Keras's palette worked out by hand, and the blend
// alpha·colour + (1 − alpha)·pixel computed per pixel in float32 (Math.fround, Keras's dtype)
// and in float64, truncated to uint8.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { DTypeError, ShapeError, ValueError } from "../../../src/errors.js";

const { drawSegmentationMasks } = st.visualization;

/** A deterministic pseudo-random integer in [0, n). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Keras's palette: (i · [2^25 − 1, 2^15 − 1, 2^21 − 1]) mod 255. Since 2^8 ≡ 1 (mod 255),
// 2^25 ≡ 2, 2^15 ≡ 128 and 2^21 ≡ 32, so class i is (i · [1, 127, 31]) mod 255.
const palette = (i: number): number[] => [1, 127, 31].map((p) => (i * p) % 255);

describe("drawSegmentationMasks", () => {
  const [b, h, w, c] = [2, 5, 7, 3];
  const rand = lcg(7);
  const pixels = Array.from({ length: b * h * w * c }, () => Math.round(rand() * 2550) / 10);
  const classes = Array.from({ length: b * h * w }, () => Math.floor(rand() * 5) - 1); // -1..3
  const images = st.tensor(new Float32Array(pixels), [b, h, w, c]);
  const masks = st.tensor(new Int32Array(classes), [b, h, w, 1]);

  it("blends Keras's palette over the image in float32 and truncates to uint8", () => {
    const out = drawSegmentationMasks(images, masks);
    assert.equal(out.dtype, "uint8");
    assert.deepEqual(out.shape, [b, h, w, c]);
    const got = out.dataSync();
    const f = Math.fround;
    const alpha = 0.8;
    let checked64 = 0;
    for (let p = 0; p < b * h * w; p++) {
      for (let k = 0; k < c; k++) {
        const x = f(pixels[p * c + k]!);
        const cls = classes[p]!;
        let want: number;
        if (cls === -1) want = Math.trunc(x);
        else {
          const color = palette(cls)[k]!;
          want = Math.trunc(f(f(x * f(1 - alpha)) + f(color * f(alpha))));
          // float64 arithmetic agrees to within the truncation step
          const exact = alpha * color + (1 - alpha) * x;
          assert.ok(Math.abs(got[p * c + k]! - Math.trunc(exact)) <= 1);
          checked64++;
        }
        assert.equal(got[p * c + k], want, `pixel ${p} channel ${k} (class ${cls})`);
      }
    }
    assert.ok(checked64 > 20);
  });

  it("infers numClasses from the largest class, and masks may be 3-D", () => {
    // classes 0..3 → 4 classes; the same output with numClasses 4 and with (b, h, w) masks
    const a = drawSegmentationMasks(images, masks).dataSync();
    const given = drawSegmentationMasks(images, masks, { numClasses: 4 }).dataSync();
    const flat = drawSegmentationMasks(images, st.tensor(new Int32Array(classes), [b, h, w]));
    assert.deepEqual(Array.from(given), Array.from(a));
    assert.deepEqual(Array.from(flat.dataSync()), Array.from(a));
  });

  it("colours replace the pixels without blending (float32), and a colorMapping is used", () => {
    const img = st.full([1, 1, 4, 3], 50);
    const m = st.tensor(new Int32Array([0, 1, -1, 7]), [1, 1, 4, 1]);
    const colorMapping = { 0: [10, 20, 30], 1: [200, 100, 0] };
    const out = drawSegmentationMasks(img, m, { numClasses: 2, colorMapping, blend: false });
    assert.equal(out.dtype, "float32");
    // class 7 is outside numClasses: untouched, as Keras's one-hot leaves it
    assert.deepEqual(Array.from(out.dataSync()), [10, 20, 30, 200, 100, 0, 50, 50, 50, 50, 50, 50]);
    const blended = drawSegmentationMasks(img, m, { numClasses: 2, colorMapping, alpha: 0.5 });
    assert.deepEqual(
      Array.from(blended.dataSync()),
      [30, 35, 40, 125, 75, 25, 50, 50, 50, 50, 50, 50],
    );
  });

  it("ignoreIndex leaves its pixels; alpha 0 and 1 give the image and the colour", () => {
    const img = st.full([1, 1, 2, 3], 100);
    const m = st.tensor(new Int32Array([2, 1]), [1, 1, 2, 1]);
    const out = drawSegmentationMasks(img, m, { ignoreIndex: 2, numClasses: 3 }).dataSync();
    assert.deepEqual(Array.from(out.slice(0, 3)), [100, 100, 100]);
    const one = drawSegmentationMasks(img, m, { alpha: 1 }).dataSync();
    assert.deepEqual(Array.from(one), [...palette(2), ...palette(1)]);
    const zero = drawSegmentationMasks(img, m, { alpha: 0 }).dataSync();
    assert.deepEqual(Array.from(zero), [100, 100, 100, 100, 100, 100]);
  });

  it("reads channels-first images and masks and returns channels-last, as Keras", () => {
    const first = st.ops.transpose(images, [0, 3, 1, 2]);
    const m = st.ops.transpose(masks, [0, 3, 1, 2]);
    const out = drawSegmentationMasks(first, m, { dataFormat: "channels_first" });
    assert.deepEqual(out.shape, [b, h, w, c]);
    assert.deepEqual(
      Array.from(out.dataSync()),
      Array.from(drawSegmentationMasks(images, masks).dataSync()),
    );
  });

  it("refuses what Keras refuses", () => {
    assert.throws(() => drawSegmentationMasks(st.zeros([4, 4, 3]), masks), ShapeError);
    assert.throws(() => drawSegmentationMasks(images, st.ops.cast(masks, "float32")), DTypeError);
    assert.throws(
      () => drawSegmentationMasks(images, masks, { colorMapping: { 0: [1, 2, 3] }, numClasses: 2 }),
      /no colour for class 1/,
    );
    assert.throws(() => drawSegmentationMasks(images, st.zeros([2, 5, 6, 1], "int32")), ShapeError);
    assert.throws(
      () => drawSegmentationMasks(images, masks, { alpah: 0.5 } as never),
      (e: unknown) => e instanceof ValueError && /did you mean alpha/.test(e.message),
    );
  });
});
