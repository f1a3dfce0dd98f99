// ops.image.cropImages, padImages, rgbToGrayscale, rgbToHsv, hsvToRgb and extractPatches: Keras's
// documented shapes, hand-computed colours and loops written here, on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { DTypeError, ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

eachBackend("ops.image crop, pad, colour, patches", () => {
  const img = st.random.uniform([2, 6, 7, 3], { seed: 5 });

  it("cropImages: two of (before, after, target) per axis give the same window", () => {
    const expected = st.ops.slice(img, [0, 1, 2, 0], [2, 3, 4, 3]);
    const { cropImages } = st.ops.image;
    assertClose(cropImages(img, 1, 2, { targetHeight: 3, targetWidth: 4 }), expected);
    assertClose(cropImages(img, 1, 2, { bottomCropping: 2, rightCropping: 1 }), expected);
    assertClose(
      cropImages(img, null, null, {
        bottomCropping: 2,
        rightCropping: 1,
        targetHeight: 3,
        targetWidth: 4,
      }),
      expected,
    );
    const cf = cropImages(st.ops.transpose(img, [0, 3, 1, 2]), 1, 2, {
      targetHeight: 3,
      targetWidth: 4,
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), expected);
    const one = st.ops.slice(img, [0, 0, 0, 0], [1, 6, 7, 3]).reshape([6, 7, 3]);
    assert.deepEqual(cropImages(one, 1, 2, { targetHeight: 3, targetWidth: 4 }).shape, [3, 4, 3]);
    assert.throws(
      () => cropImages(img, 1, 2, { targetHeight: 3 }),
      /give exactly two of leftCropping, rightCropping, targetWidth/,
    );
    assert.throws(() => cropImages(img, 4, 0, { targetHeight: 3, targetWidth: 2 }), ShapeError);
    assert.throws(
      () => cropImages(img, -1, 0, { targetHeight: 3, targetWidth: 2 }),
      /topCropping must be an integer >= 0/,
    );
  });

  it("padImages: Keras's example shapes, zeros around the image", () => {
    const { padImages } = st.ops.image;
    const x = st.ones([15, 25, 3]);
    const padded = padImages(x, 2, 3, { targetHeight: 20, targetWidth: 30 });
    assert.deepEqual(padded.shape, [20, 30, 3]);
    assert.equal(st.ops.sum(padded).item(), 15 * 25 * 3);
    assertClose(st.ops.slice(padded, [2, 3, 0], [15, 25, 3]), x);
    assert.deepEqual(
      padImages(st.ones([2, 15, 25, 3]), 2, 3, { targetHeight: 20, targetWidth: 30 }).shape,
      [2, 20, 30, 3],
    );
    const both = padImages(img, null, 1, { bottomPadding: 2, targetHeight: 9, rightPadding: 0 });
    assertClose(st.ops.slice(both, [0, 1, 1, 0], [2, 6, 7, 3]), img);
    assert.throws(
      () => padImages(img, 2, 3, { targetHeight: 4, targetWidth: 30 }),
      /targetHeight=4 is smaller/,
    );
    assert.throws(() => padImages(img, 2, 3, { targetWidth: 30 }), ValueError);
  });

  it("rgbToGrayscale: 0.2989·R + 0.5870·G + 0.1140·B, keeping the channel axis and dtype", () => {
    const { rgbToGrayscale } = st.ops.image;
    const gray = rgbToGrayscale(img);
    assert.deepEqual(gray.shape, [2, 6, 7, 1]);
    const v = img.dataSync();
    const expected = Array.from(
      { length: v.length / 3 },
      (_, i) => 0.2989 * v[3 * i]! + 0.587 * v[3 * i + 1]! + 0.114 * v[3 * i + 2]!,
    );
    assertClose(gray, expected, { rtol: 1e-5 });
    const cf = rgbToGrayscale(st.ops.transpose(img, [0, 3, 1, 2]), {
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), gray, { rtol: 1e-5 });
    const u8 = rgbToGrayscale(st.tensor(new Uint8Array([255, 255, 255, 100, 50, 10]), [1, 2, 3]));
    assert.equal(u8.dtype, "uint8");
    // 254.97 and 60.38 truncate, as JAX's astype
    assert.deepEqual(Array.from(u8.dataSync()), [254, 60]);
    const single = st.zeros([4, 4, 1]);
    assert.equal(rgbToGrayscale(single), single);
    assert.throws(() => rgbToGrayscale(st.zeros([4, 4, 2])), ShapeError);
  });

  it("rgbToHsv: hand-computed colours; hsvToRgb inverts it", () => {
    const { rgbToHsv, hsvToRgb } = st.ops.image;
    const rgb = st
      .tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0.5, 0.5, 0.5],
        [1, 0.5, 0],
        [1, 0, 1],
        [0, 0, 0],
      ])
      .reshape([1, 7, 3]);
    assertClose(rgbToHsv(rgb).reshape([7, 3]), [
      [0, 1, 1],
      [1 / 3, 1, 1],
      [2 / 3, 1, 1],
      [0, 0, 0.5],
      [1 / 12, 1, 1],
      [5 / 6, 1, 1],
      [0, 0, 0],
    ]);
    assertClose(hsvToRgb(rgbToHsv(img)), img, { atol: 1e-5 });
    const cf = rgbToHsv(st.ops.transpose(img, [0, 3, 1, 2]), { dataFormat: "channels_first" });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), rgbToHsv(img), { atol: 1e-6 });
    assert.throws(() => rgbToHsv(st.zeros([2, 2, 3], "int32")), DTypeError);
  });

  it("extractPatches: Keras's documented shapes", () => {
    const { extractPatches } = st.ops.image;
    assert.deepEqual(extractPatches(st.zeros([2, 20, 20, 3]), [5, 5]).shape, [2, 4, 4, 75]);
    assert.deepEqual(
      extractPatches(st.zeros([20, 20, 3]), [3, 3], { strides: [1, 1] }).shape,
      [18, 18, 27],
    );
    assert.deepEqual(
      extractPatches(st.zeros([2, 10, 10, 10, 3]), [3, 3, 3]).shape,
      [2, 3, 3, 3, 81],
    );
    assert.deepEqual(extractPatches(st.zeros([10, 10, 10, 3]), [3, 3, 3]).shape, [3, 3, 3, 81]);
    assert.deepEqual(
      extractPatches(st.zeros([2, 7, 7, 1]), 3, { padding: "same" }).shape,
      [2, 3, 3, 9],
    );
  });

  it("extractPatches: each output pixel is its window flattened (row, column, channel)", () => {
    const { extractPatches } = st.ops.image;
    const [B, H, W, C] = [2, 6, 7, 3];
    const v = img.dataSync();
    const [ph, pw, s] = [2, 3, 2];
    const out = extractPatches(img, [ph, pw], { strides: s });
    const [oh, ow] = [Math.floor((H - ph) / s) + 1, Math.floor((W - pw) / s) + 1];
    assert.deepEqual(out.shape, [B, oh, ow, ph * pw * C]);
    const expected: number[] = [];
    for (let b = 0; b < B; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let py = 0; py < ph; py++)
            for (let px = 0; px < pw; px++)
              for (let c = 0; c < C; c++)
                expected.push(v[((b * H + i * s + py) * W + j * s + px) * C + c]!);
    assertClose(out, expected);
    const cf = extractPatches(st.ops.transpose(img, [0, 3, 1, 2]), [ph, pw], {
      strides: s,
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), out);
    const u8 = extractPatches(st.tensor(new Uint8Array([1, 2, 3, 4]), [2, 2, 1]), 2);
    assert.equal(u8.dtype, "uint8");
    assert.deepEqual(Array.from(u8.dataSync()), [1, 2, 3, 4]);
    assert.throws(
      () => extractPatches(img, [2, 2, 2, 2]),
      /size must be a number or a list of 2 or 3/,
    );
    assert.throws(() => extractPatches(st.zeros([4, 4]), 2), ShapeError);
  });
});
