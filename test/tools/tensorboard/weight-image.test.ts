import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import {
  encodeImageBatch,
  toUint8,
  weightAsImageBatch,
} from "../../../src/tools/tensorboard/weight-image.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test("weights are arranged as Keras's _log_weight_as_image does", () => {
  // A vector: one n×1 column.
  assert.deepEqual(weightAsImageBatch([1, 2, 3], [3])?.shape, [1, 3, 1, 1]);
  // A matrix with more rows than columns is transposed: [3, 2] → one 2×3 image.
  const m = weightAsImageBatch(range(6), [3, 2])!;
  assert.deepEqual(m.shape, [1, 2, 3, 1]);
  assert.deepEqual(Array.from(m.values), [0, 2, 4, 1, 3, 5]);
  // Size-1 axes are squeezed first: [1, 4] is a vector.
  assert.deepEqual(weightAsImageBatch(range(4), [1, 4])?.shape, [1, 4, 1, 1]);
  // A 3-D kernel [h, w, c] = [2, 2, 3]: channels first, one grey image per channel.
  const k = weightAsImageBatch(range(12), [2, 2, 3])!;
  assert.deepEqual(k.shape, [3, 2, 2, 1]);
  assert.deepEqual(Array.from(k.values), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
  // A Conv2D kernel [3, 3, 1, 8] squeezes to [3, 3, 8]: 8 grey 3×3 images.
  assert.deepEqual(weightAsImageBatch(range(72), [3, 3, 1, 8])?.shape, [8, 3, 3, 1]);
  // 4-D kept as a batch when its last axis is 1, 3 or 4 channels; skipped otherwise.
  assert.deepEqual(weightAsImageBatch(range(54), [3, 3, 2, 3])?.shape, [3, 3, 2, 3]);
  assert.equal(weightAsImageBatch(range(90), [3, 3, 2, 5]), null);
  assert.equal(weightAsImageBatch([5], []), null);
  assert.equal(weightAsImageBatch(range(32), [2, 2, 2, 2, 2]), null);
});

test("values become bytes as TF's saturating convert_image_dtype: trunc(clip(x · 255.5))", () => {
  assert.deepEqual(
    [-1, 0, 0.001, 0.5, 0.998, 1, 2, NaN].map(toUint8),
    [0, 0, 0, 127, 254, 255, 255, 0],
  );
});

test("at most three images are encoded, as greyscale PNGs with the scaled pixels", async () => {
  const batch = weightAsImageBatch(
    range(72).map((i) => i / 72),
    [3, 3, 1, 8],
  )!;
  const images = await encodeImageBatch(batch);
  assert.equal(images.length, 3);
  const { data, info } = await sharp(images[1]!.encoded)
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, images[1]!.width, images[1]!.height], [3, 3, 3, 3]);
  assert.equal(images[1]!.encoded[25], 0, "PNG colour type 0 (greyscale)");
  const grey = range(9).map((i) => data[i * info.channels]!);
  // Image 1 is channel 1 of the [3, 3, 8] kernel: elements 1, 9, 17, … (stride 8).
  assert.deepEqual(
    grey,
    range(9).map((i) => toUint8((i * 8 + 1) / 72)),
  );
});
