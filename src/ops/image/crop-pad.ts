/**
 * `ops.image.cropImages` and `ops.image.padImages`: Keras's `crop_images` / `pad_images`. Along
 * each spatial axis exactly two of (before, after, target size) are given and the third follows;
 * cropping is a `slice`, padding a zero `pad`, so both keep the dtype and pass gradients.
 */
import { ShapeError, ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { slice } from "../join.js";
import { pad } from "../pad.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageRank,
  imageSize,
  spatialAxes,
} from "./image-args.js";

export interface CropImagesOptions {
  bottomCropping?: number | null;
  rightCropping?: number | null;
  targetHeight?: number | null;
  targetWidth?: number | null;
  dataFormat?: DataFormat | null;
}

export interface PadImagesOptions {
  bottomPadding?: number | null;
  rightPadding?: number | null;
  targetHeight?: number | null;
  targetWidth?: number | null;
  dataFormat?: DataFormat | null;
}

type Given = number | null | undefined;

/** Exactly two of the three given, each a whole number ≥ 0. */
function checkTriple(where: string, names: [string, string, string], values: Given[]): void {
  const given = values.filter((v) => v !== null && v !== undefined);
  if (given.length !== 2) {
    throw new ValueError(
      `${where}: give exactly two of ${names.join(", ")}; received ` +
        names.map((n, i) => `${n}=${String(values[i] ?? null)}`).join(", "),
    );
  }
  values.forEach((v, i) => {
    if (v !== null && v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      throw new ValueError(`${where}: ${names[i]} must be an integer >= 0; received ${v}`);
    }
  });
}

/** The (before, kept) pair of one axis of `size` for a crop. */
function cropAxis(
  where: string,
  size: number,
  [before, after, target]: Given[],
  names: [string, string, string],
): [number, number] {
  checkTriple(where, names, [before, after, target]);
  const b = before ?? size - target! - after!;
  const t = target ?? size - before! - after!;
  if (b < 0 || t < 0 || b + t > size) {
    throw new ShapeError(
      `${where}: cannot crop ${names[0]}=${b} and keep ${t} of an axis of ${size} (${names.join(", ")} ` +
        `= ${[before, after, target].map((v) => String(v ?? null)).join(", ")})`,
    );
  }
  return [b, t];
}

/** The (before, after) padding of one axis of `size`. */
function padAxis(
  where: string,
  size: number,
  [before, after, target]: Given[],
  names: [string, string, string],
): [number, number] {
  checkTriple(where, names, [before, after, target]);
  const b = before ?? target! - after! - size;
  const a = after ?? target! - before! - size;
  if (b < 0 || a < 0) {
    throw new ValueError(
      `${where}: ${names[2]}=${String(target)} is smaller than the image (${size}) with the padding given`,
    );
  }
  return [b, a];
}

/**
 * Crops one image or a batch: `topCropping` / `leftCropping` rows and columns off the top and
 * left, with the bottom/right cropping or the target size in `opts` (Keras's `crop_images`).
 */
export function cropImages(
  images: TensorLike,
  topCropping: number | null = null,
  leftCropping: number | null = null,
  opts: CropImagesOptions = {},
): Tensor {
  const where = "ops.image.cropImages";
  const x = asTensor(images);
  checkImageRank(x.shape, where);
  const format = checkDataFormat(opts.dataFormat, where);
  const [h, w] = imageSize(x.shape, format);
  const [top, keepH] = cropAxis(
    where,
    h,
    [topCropping, opts.bottomCropping, opts.targetHeight],
    ["topCropping", "bottomCropping", "targetHeight"],
  );
  const [left, keepW] = cropAxis(
    where,
    w,
    [leftCropping, opts.rightCropping, opts.targetWidth],
    ["leftCropping", "rightCropping", "targetWidth"],
  );
  const [hAxis, wAxis] = spatialAxes(x.rank, format);
  const start = x.shape.map(() => 0);
  const size = [...x.shape];
  [start[hAxis], start[wAxis], size[hAxis], size[wAxis]] = [top, left, keepH, keepW];
  return slice(x, start, size);
}

/**
 * Pads one image or a batch with zeros: `topPadding` / `leftPadding` rows and columns on the top
 * and left, with the bottom/right padding or the target size in `opts` (Keras's `pad_images`).
 */
export function padImages(
  images: TensorLike,
  topPadding: number | null = null,
  leftPadding: number | null = null,
  opts: PadImagesOptions = {},
): Tensor {
  const where = "ops.image.padImages";
  const x = asTensor(images);
  checkImageRank(x.shape, where);
  const format = checkDataFormat(opts.dataFormat, where);
  const [h, w] = imageSize(x.shape, format);
  const padH = padAxis(
    where,
    h,
    [topPadding, opts.bottomPadding, opts.targetHeight],
    ["topPadding", "bottomPadding", "targetHeight"],
  );
  const padW = padAxis(
    where,
    w,
    [leftPadding, opts.rightPadding, opts.targetWidth],
    ["leftPadding", "rightPadding", "targetWidth"],
  );
  const [hAxis, wAxis] = spatialAxes(x.rank, format);
  const widths = x.shape.map((): [number, number] => [0, 0]);
  widths[hAxis] = padH;
  widths[wAxis] = padW;
  return pad(x, widths);
}
