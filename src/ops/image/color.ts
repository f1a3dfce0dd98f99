/**
 * `ops.image.rgbToGrayscale`, `rgbToHsv` and `hsvToRgb`: Keras's colour-space conversions,
 * composed of elementwise ops on the channel planes (differentiable, every backend). Grayscale is
 * the weighted sum 0.2989·R + 0.5870·G + 0.1140·B, keeping the channel axis and the dtype; the HSV
 * conversions take float images with values in [0, 1] and hue as a fraction of a turn.
 */
import { DTypeError, ShapeError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
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
} from "../elementwise.js";
import { split, stack } from "../join.js";
import { expandDims, squeeze } from "../movement.js";
import { tensordot } from "../linalg.js";
import { type DataFormat, checkDataFormat, checkImageRank } from "./image-args.js";

function channelAxisOf(rank: number, format: DataFormat): number {
  return format === "channels_last" ? rank - 1 : rank - 3;
}

/** The image checks of the three conversions; returns the channel axis. */
function checkColorImages(x: Tensor, where: string, format: DataFormat, allowed: number[]): number {
  checkImageRank(x.shape, where);
  const axis = channelAxisOf(x.rank, format);
  if (!allowed.includes(x.shape[axis]!)) {
    throw new ShapeError(
      `${where}: expected ${allowed.join(" or ")} channels on axis ${axis}; received images of shape ${fmtShape(x.shape)}`,
    );
  }
  return axis;
}

/** The three colour planes (channel axis removed); the colour layers use it on HSV images too. */
export function colorPlanes(x: Tensor, axis: number): [Tensor, Tensor, Tensor] {
  const [a, b, c] = split(x, 3, axis).map((p) => squeeze(p, axis));
  return [a!, b!, c!];
}

/** RGB → one gray channel (a single-channel image is returned as is). */
export function rgbToGrayscale(
  images: TensorLike,
  opts: { dataFormat?: DataFormat | null } = {},
): Tensor {
  const op = "ops.image.rgbToGrayscale";
  const x = asTensor(images);
  const format = checkDataFormat(opts.dataFormat, op);
  const axis = checkColorImages(x, op, format, [1, 3]);
  if (x.shape[axis] === 1) return x;
  const fdt = x.dtype === "float64" ? "float64" : "float32";
  const weights = tensor([0.2989, 0.587, 0.114], [3], fdt);
  const gray = expandDims(tensordot(cast(x, fdt), weights, [[axis], [0]]), axis);
  return gray.dtype === x.dtype ? gray : cast(gray, x.dtype);
}

function checkFloat(x: Tensor, where: string): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${where}: images must have a float dtype; received ${x.dtype}`);
  }
}

/** RGB in [0, 1] → HSV (hue in [0, 1)). */
export function rgbToHsv(
  images: TensorLike,
  opts: { dataFormat?: DataFormat | null } = {},
): Tensor {
  const op = "ops.image.rgbToHsv";
  const x = asTensor(images);
  const format = checkDataFormat(opts.dataFormat, op);
  const axis = checkColorImages(x, op, format, [3]);
  checkFloat(x, op);
  // values within one epsilon of 0 count as 0 (as Keras), so near-black pixels get no hue
  const eps = x.dtype === "float64" ? 2 ** -52 : 2 ** -23;
  const [r, g, b] = colorPlanes(where(less(abs(x), eps), 0, x), axis);
  const value = maximum(maximum(r, g), b);
  const range = subtract(value, minimum(minimum(r, g), b));
  const safeValue = where(greater(value, 0), value, 1);
  const safeRange = where(greater(range, 0), range, 1);
  const saturation = where(greater(value, 0), divide(range, safeValue), 0);
  const norm = divide(1, multiply(safeRange, 6));
  // hue by the largest channel: red (g − b), green (b − r) + 2/6, blue (r − g) + 4/6
  let hue = where(
    equal(value, g),
    add(multiply(norm, subtract(b, r)), 2 / 6),
    add(multiply(norm, subtract(r, g)), 4 / 6),
  );
  hue = where(equal(value, r), multiply(norm, subtract(g, b)), hue);
  hue = where(greater(range, 0), hue, 0);
  hue = add(hue, cast(less(hue, 0), hue.dtype));
  return stack([hue, saturation, value], axis);
}

/** HSV (hue in turns) → RGB. */
export function hsvToRgb(
  images: TensorLike,
  opts: { dataFormat?: DataFormat | null } = {},
): Tensor {
  const op = "ops.image.hsvToRgb";
  const x = asTensor(images);
  const format = checkDataFormat(opts.dataFormat, op);
  const axis = checkColorImages(x, op, format, [3]);
  checkFloat(x, op);
  const [h, s, v] = colorPlanes(x, axis);
  const dh = multiply(mod(h, 1), 6);
  const dr = clip(subtract(abs(subtract(dh, 3)), 1), 0, 1);
  const dg = clip(subtract(2, abs(subtract(dh, 2))), 0, 1);
  const db = clip(subtract(2, abs(subtract(dh, 4))), 0, 1);
  const grayPart = subtract(1, s);
  const channel = (d: Tensor) => multiply(v, add(grayPart, multiply(s, d)));
  return stack([channel(dr), channel(dg), channel(db)], axis);
}
