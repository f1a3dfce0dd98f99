/**
 * A weight as TensorBoard images, the way Keras's TensorBoard callback shows kernels
 * (`_log_weight_as_image`) and `tf.summary.image` encodes them. Size-1 axes are squeezed; then a
 * vector is one n×1 column; a matrix one image with its longer axis across (transposed when it
 * has more rows than columns); a 3-D kernel one grey image per last-axis slice (channels-last
 * moved first); a 4-D weight stays as it is (a batch of images, its last axis the channels). Only
 * batches whose last axis is 1, 3 or 4 become images (others are skipped, as in Keras). Values
 * are scaled as TF's `convert_image_dtype(…, uint8, saturate=True)` does, trunc(clip(x · 255.5,
 * 0, 255)), and at most `maxOutputs` images (tf.summary.image's default, 3) are encoded as PNG by
 * sharp.
 */
import sharp from "sharp";
import type { EncodedImage } from "./event-writer.js";

/** An image batch in NHWC order: shape [n, height, width, channels], values row-major. */
export interface ImageBatch {
  shape: [number, number, number, number];
  values: Float32Array;
}

/** Keras's arrangement of a weight (values row-major in `shape`) as an image batch, or null. */
export function weightAsImageBatch(
  values: ArrayLike<number>,
  shape: readonly number[],
): ImageBatch | null {
  const dims = shape.filter((d) => d !== 1);
  const data = Float32Array.from(values);
  let batch: [number, number, number, number];
  let out: Float32Array = data;
  if (dims.length === 1) batch = [1, dims[0]!, 1, 1];
  else if (dims.length === 2) {
    let [rows, cols] = dims as [number, number];
    if (rows > cols) {
      out = transpose2d(data, rows, cols);
      [rows, cols] = [cols, rows];
    }
    batch = [1, rows, cols, 1];
  } else if (dims.length === 3) {
    // channels_last: [h, w, c] → [c, h, w], every slice one grey image.
    const [h, w, c] = dims as [number, number, number];
    out = new Float32Array(data.length);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let k = 0; k < c; k++) out[(k * h + i) * w + j] = data[(i * w + j) * c + k]!;
      }
    }
    batch = [c, h, w, 1];
  } else if (dims.length === 4) batch = dims as [number, number, number, number];
  else return null;
  if (![1, 3, 4].includes(batch[3])) return null;
  return { shape: batch, values: out };
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/** TF's float → uint8 conversion with saturation: trunc(clip(x · 255.5, 0, 255)). */
export function toUint8(x: number): number {
  const scaled = x * 255.5;
  if (!(scaled > 0)) return 0; // Negative values, and NaN (saturate_cast sends NaN to 0 here).
  return scaled >= 255 ? 255 : Math.trunc(scaled);
}

/** The first `maxOutputs` images of `batch` as PNG files. */
export async function encodeImageBatch(batch: ImageBatch, maxOutputs = 3): Promise<EncodedImage[]> {
  const [n, height, width, channels] = batch.shape;
  const size = height * width * channels;
  const images: EncodedImage[] = [];
  for (let i = 0; i < Math.min(n, maxOutputs); i++) {
    const pixels = Buffer.alloc(size);
    for (let j = 0; j < size; j++) pixels[j] = toUint8(batch.values[i * size + j]!);
    let image = sharp(pixels, { raw: { width, height, channels: channels as 1 | 3 | 4 } });
    if (channels === 1) image = image.toColourspace("b-w");
    images.push({ width, height, encoded: new Uint8Array(await image.png().toBuffer()) });
  }
  return images;
}
