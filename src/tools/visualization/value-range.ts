/**
 * Images to bytes as the galleries see them: Keras's `_transform_value_range` from `valueRange`
 * to 0–255 (float32 arithmetic: (x − min) / (max − min) · 255), then truncation to uint8.
 * Values outside 0–255 are clamped where NumPy's astype("uint8") would wrap; integer images
 * already in 0–255 are taken as NumPy takes them (modulo 256).
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";

/** `valueRange`, checked. */
export function checkValueRange(range: unknown, where: string): readonly [number, number] {
  const r = range ?? [0, 255];
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((v) => typeof v === "number" && Number.isFinite(v)) ||
    r[0] === r[1]
  ) {
    throw new ValueError(
      `${where}: valueRange must be two different finite numbers [min, max]; received ` +
        JSON.stringify(range),
    );
  }
  return r as [number, number];
}

/** The byte each value of an image of `dtype` becomes. */
export function byteConverter(
  dtype: string,
  [lo, hi]: readonly [number, number],
): (v: number) => number {
  const identity = lo === 0 && hi === 255;
  const isInt = dtype === "int32" || dtype === "uint8" || dtype === "bool";
  if (identity && isInt) return (v) => v & 255;
  const f = Math.fround;
  const [flo, span] = [f(lo), f(f(hi) - f(lo))];
  return (v) => {
    const s = identity ? v : f(f(f(f(v) - flo) / span) * 255);
    return Number.isNaN(s) ? 0 : Math.trunc(Math.min(255, Math.max(0, s)));
  };
}

/** `images` as a uint8 tensor of the same shape, mapped from `valueRange`. */
export function imagesToBytes(images: Tensor, valueRange: readonly [number, number]): Tensor {
  const byte = byteConverter(images.dtype, valueRange);
  const values = images.dataSync();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = byte(Number(values[i]));
  return tensor(out, images.shape, "uint8");
}
