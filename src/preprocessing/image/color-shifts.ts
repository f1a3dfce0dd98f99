/**
 * The two colour augmentations of Keras's legacy generator, on a channels-last batch with one
 * parameter per image (null: leave that image alone):
 *
 * - channel shift (apply_channel_shift): x + intensity, clipped to the image's own [min, max];
 * - brightness (apply_brightness_shift with scale=False): the image goes through an 8-bit PIL image
 *   and ImageEnhance.Brightness, i.e. q = ⌊x⌋ as uint8 (first stretched to [0, 255] when it leaves
 *   that range), then ⌊q · factor⌋ clipped to [0, 255] (PIL's blend with black, in float32), then
 *   stretched back to the original [min, max] when it was stretched. The result is quantized, as in
 *   Keras. An alpha channel (4 channels) keeps its values; 1 or 3 channels are L and RGB images.
 */
import { ValueError } from "../../errors.js";
import {
  add,
  clip,
  divide,
  equal,
  floor,
  greater,
  less,
  logicalOr,
  multiply,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { max, min } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";

const IMAGE_AXES = [1, 2, 3];

export function channelShift(x: Tensor, intensities: readonly (number | null)[]): Tensor {
  if (intensities.every((v) => v === null)) return x;
  const lo = min(x, IMAGE_AXES, true);
  const hi = max(x, IMAGE_AXES, true);
  const shift = tensor(
    Float32Array.from(intensities, (v) => v ?? 0),
    [intensities.length, 1, 1, 1],
  );
  return clip(add(x, shift), lo, hi);
}

export function brightnessShift(x: Tensor, factors: readonly (number | null)[]): Tensor {
  if (factors.every((v) => v === null)) return x;
  const n = factors.length;
  const ch = x.shape[3]!;
  if (ch !== 1 && ch !== 3 && ch !== 4) {
    throw new ValueError(
      `ImageDataGenerator: brightnessRange needs images with 1, 3 or 4 channels (as PIL); received ${ch} channels`,
    );
  }
  const lo = min(x, IMAGE_AXES, true);
  const hi = max(x, IMAGE_AXES, true);
  const span = subtract(hi, lo);
  const stretched = logicalOr(less(lo, 0), greater(hi, 255));
  const safeSpan = where(equal(span, 0), 1, span);
  const eight = where(stretched, multiply(divide(subtract(x, lo), safeSpan), 255), x);
  const q = floor(eight);
  const f = new Float32Array(n * ch);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < ch; c++) f[i * ch + c] = ch === 4 && c === 3 ? 1 : (factors[i] ?? 1);
  }
  const lit = clip(floor(multiply(q, tensor(f, [n, 1, 1, ch]))), 0, 255);
  const back = where(stretched, add(multiply(divide(lit, 255), span), lo), lit);
  const chosen = tensor(
    Uint8Array.from(factors, (v) => (v === null ? 0 : 1)),
    [n, 1, 1, 1],
    "bool",
  );
  return where(chosen, back, x);
}
