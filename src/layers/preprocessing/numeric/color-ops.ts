/**
 * The colour conversions behind the colour augmentation layers, as Keras's `keras.ops.image`
 * defines them (JAX backend, after dm_pix), composed of tensor ops so they run on every backend
 * and differentiate: grayscale (weights 0.2989, 0.5870, 0.1140), RGB ↔ HSV with hue in [0, 1).
 * Images are batches [B, H, W, C] or [B, C, H, W]; `channelAxis` says which axis holds colour.
 */
import { ShapeError } from "../../../errors.js";
import {
  abs,
  add,
  cast,
  clip,
  divide,
  equal,
  greater,
  less,
  maximum,
  minimum,
  mod,
  multiply,
  subtract,
  where,
} from "../../../ops/elementwise.js";
import { split, stack } from "../../../ops/join.js";
import { squeeze } from "../../../ops/movement.js";
import { sum } from "../../../ops/reduce.js";
import { tensor } from "../../../tensor/creation.js";
import { type DType, isFloat } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";

/** Keras's `rgb_to_grayscale` weights (tf.image's). */
const GRAY_WEIGHTS = [0.2989, 0.587, 0.114];

function checkChannels(
  images: Tensor,
  channelAxis: number,
  allowed: readonly number[],
  op: string,
): void {
  const c = images.shape[channelAxis];
  if (c === undefined || !allowed.includes(c)) {
    throw new ShapeError(
      `${op}: expected ${allowed.join(" or ")} channels on axis ${channelAxis}; received images of shape [${images.shape.join(", ")}]`,
    );
  }
}

/** The three colour planes, each without the channel axis. */
export function colorPlanes(
  images: Tensor,
  channelAxis: number,
  op: string,
): [Tensor, Tensor, Tensor] {
  checkChannels(images, channelAxis, [3], op);
  const [a, b, c] = split(images, 3, channelAxis).map((p) => squeeze(p, channelAxis));
  return [a!, b!, c!];
}

/** Weighted sum of R, G, B, keeping a channel axis of size 1; a 1-channel image is returned as is. */
export function rgbToGrayscale(images: Tensor, channelAxis: number): Tensor {
  checkChannels(images, channelAxis, [1, 3], "rgbToGrayscale");
  if (images.shape[channelAxis] === 1) return images;
  const dtype: DType = isFloat(images.dtype) ? images.dtype : "float32";
  const shape = images.shape.map((_, i) => (i === channelAxis ? 3 : 1));
  const weights = tensor(GRAY_WEIGHTS, shape, dtype);
  const gray = sum(multiply(cast(images, dtype), weights), channelAxis, true);
  return dtype === images.dtype ? gray : cast(gray, images.dtype);
}

/**
 * RGB → HSV: value = max, saturation = (max − min)/max (0 where max is 0), hue in [0, 1) from
 * the sector of the largest channel. Entries below the dtype's epsilon count as 0.
 */
export function rgbToHsv(images: Tensor, channelAxis: number): Tensor {
  const eps = images.dtype === "float64" ? 2 ** -52 : 2 ** -23;
  const clean = where(less(abs(images), eps), 0, images);
  const [r, g, b] = colorPlanes(clean, channelAxis, "rgbToHsv");
  const value = maximum(maximum(r, g), b);
  const range = subtract(value, minimum(minimum(r, g), b));
  const hasValue = greater(value, 0);
  const hasRange = greater(range, 0);
  const saturation = where(hasValue, divide(range, where(hasValue, value, 1)), 0);
  const norm = divide(1, multiply(where(hasRange, range, 1), 6));
  let hue = where(
    equal(value, g),
    add(multiply(norm, subtract(b, r)), 2 / 6),
    add(multiply(norm, subtract(r, g)), 4 / 6),
  );
  hue = where(equal(value, r), multiply(norm, subtract(g, b)), hue);
  hue = add(where(hasRange, hue, 0), cast(less(hue, 0), hue.dtype));
  return stack([hue, saturation, value], channelAxis);
}

/** HSV → RGB, the inverse of `rgbToHsv` (hue taken modulo 1). */
export function hsvToRgb(images: Tensor, channelAxis: number): Tensor {
  const [h, s, v] = colorPlanes(images, channelAxis, "hsvToRgb");
  const dh = multiply(mod(h, 1), 6);
  const dr = clip(subtract(abs(subtract(dh, 3)), 1), 0, 1);
  const dg = clip(subtract(2, abs(subtract(dh, 2))), 0, 1);
  const db = clip(subtract(2, abs(subtract(dh, 4))), 0, 1);
  const oneMinusS = subtract(1, s);
  const plane = (d: Tensor) => multiply(v, add(oneMinusS, multiply(s, d)));
  return stack([plane(dr), plane(dg), plane(db)], channelAxis);
}
