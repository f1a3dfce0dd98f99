/**
 * How the geometric image layers move bounding boxes with their images. Boxes are taken to xyxy
 * pixels (edges: the image spans 0…width), moved, clipped to the output image (a box left with
 * no area gets label −1, Keras's "no box") and taken back to the layer's format:
 *
 * - `windowBoxes`: crops, pads and resizes — the input window (top, left, height, width; a
 *   negative top/left is padding) stretched onto the output;
 * - `resampledBoxes`: affine and projective resampling (`ops.image.affineTransform` rows, which
 *   map each output pixel centre to the input point it reads): the four corners go through the
 *   inverse of the row, with pixel centres at +½, and the box becomes their bounding box;
 * - `flippedBoxes`: mirrored about the image's vertical and/or horizontal centre line.
 */
import {
  add,
  cast,
  divide,
  maximum,
  minimum,
  multiply,
  subtract,
  where,
} from "../../../ops/elementwise.js";
import { concatenate } from "../../../ops/join.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { clipToImageSize } from "../../../utils/bounding-boxes/clip.js";
import {
  type BoundingBoxFormat,
  columns,
  convertFormat,
} from "../../../utils/bounding-boxes/formats.js";
import type { ImageSize } from "./base-image-layer.js";
import type { BoundingBoxes } from "./image-data.js";

/** Boxes of `format` for images of `size` → xyxy pixels. */
export function toXyxy(b: BoundingBoxes, format: BoundingBoxFormat, size: ImageSize): Tensor {
  return convertFormat(b.boxes, format, "xyxy", size);
}

/** xyxy boxes on the output image → clipped to it, empty boxes labelled −1, in `format`. */
export function fromXyxy(
  xyxy: Tensor,
  labels: Tensor,
  format: BoundingBoxFormat,
  size: ImageSize,
): BoundingBoxes {
  const clipped = clipToImageSize({ boxes: xyxy, labels }, size);
  return { boxes: convertFormat(clipped.boxes, "xyxy", format, size), labels: clipped.labels };
}

/** The input region the output shows, in input pixels (top/left < 0: padding). */
export interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** xyxy boxes in the frame of `window`, stretched onto an output of `out`. */
export function windowBoxes(xyxy: Tensor, window: Window, out: ImageSize): Tensor {
  const [x1, y1, x2, y2] = columns(xyxy);
  const sx = out.width / window.width;
  const sy = out.height / window.height;
  const x = (v: Tensor): Tensor => multiply(subtract(v, window.left), sx);
  const y = (v: Tensor): Tensor => multiply(subtract(v, window.top), sy);
  return concatenate([x(x1), y(y1), x(x2), y(y2)], -1);
}

/** The inverse of the 3×3 matrix of a row [a0, a1, a2, b0, b1, b2, c0, c1] (last entry 1). */
function invertRow(row: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h] = row as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const m = [a, b, c, d, e, f, g, h, 1];
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const c00 = m4 * m8 - m5 * m7;
  const c01 = m5 * m6 - m3 * m8;
  const c02 = m3 * m7 - m4 * m6;
  const det = m0 * c00 + m1 * c01 + m2 * c02;
  return [
    c00 / det,
    (m2 * m7 - m1 * m8) / det,
    (m1 * m5 - m2 * m4) / det,
    c01 / det,
    (m0 * m8 - m2 * m6) / det,
    (m2 * m3 - m0 * m5) / det,
    c02 / det,
    (m1 * m6 - m0 * m7) / det,
    (m0 * m4 - m1 * m3) / det,
  ];
}

/**
 * xyxy boxes [B, N, 4] moved as `ops.image.affineTransform(images, rows)` moves the pixels:
 * each corner through the inverse of its image's row, the result the corners' bounding box.
 */
export function resampledBoxes(xyxy: Tensor, rows: readonly (readonly number[])[]): Tensor {
  const n = xyxy.shape[0]!;
  const inv = rows.map(invertRow);
  const coef = (k: number): Tensor =>
    tensor(
      inv.map((r) => r[k]!),
      [n, 1, 1],
      "float64",
    );
  const f = Array.from({ length: 9 }, (_, k) => coef(k));
  const [x1, y1, x2, y2] = columns(cast(xyxy, "float64"));
  const corners: [Tensor, Tensor][] = [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ];
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for (const [cx, cy] of corners) {
    // to pixel-centre coordinates, through the forward map, and back
    const px = subtract(cx, 0.5);
    const py = subtract(cy, 0.5);
    const lin = (i: number): Tensor =>
      add(add(multiply(f[i]!, px), multiply(f[i + 1]!, py)), f[i + 2]!);
    const k = lin(6);
    xs.push(add(divide(lin(0), k), 0.5));
    ys.push(add(divide(lin(3), k), 0.5));
  }
  const lo = (v: Tensor[]): Tensor => v.reduce((m, t) => minimum(m, t));
  const hi = (v: Tensor[]): Tensor => v.reduce((m, t) => maximum(m, t));
  return cast(concatenate([lo(xs), lo(ys), hi(xs), hi(ys)], -1), "float32");
}

/** xyxy boxes [B, N, 4] mirrored where `flips` (one 0/1 per image). */
export function flippedBoxes(
  xyxy: Tensor,
  flips: readonly number[],
  size: ImageSize,
  horizontal: boolean,
  vertical: boolean,
): Tensor {
  const mask = tensor([...flips], [flips.length, 1, 1], "bool");
  let [x1, y1, x2, y2] = columns(xyxy);
  if (horizontal) {
    [x1, x2] = [
      where(mask, subtract(size.width, x2), x1),
      where(mask, subtract(size.width, x1), x2),
    ];
  }
  if (vertical) {
    [y1, y2] = [
      where(mask, subtract(size.height, y2), y1),
      where(mask, subtract(size.height, y1), y2),
    ];
  }
  return concatenate([x1, y1, x2, y2], -1);
}

/** The whole image as a window. */
export function fullWindow(size: ImageSize): Window {
  return { top: 0, left: 0, height: size.height, width: size.width };
}

/**
 * The largest centred window of the target's aspect ratio (`ops.image.resize`'s
 * `cropToAspectRatio`, Keras's `smart_resize`).
 */
export function aspectCropWindow(size: ImageSize, target: ImageSize): Window {
  const { height: h, width: w } = size;
  const height = Math.max(Math.min(h, Math.trunc((w * target.height) / target.width)), 1);
  const width = Math.max(Math.min(w, Math.trunc((h * target.width) / target.height)), 1);
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

/** The padded frame of `ops.image.resize`'s `padToAspectRatio`: equal bands on the short axis. */
export function aspectPadWindow(size: ImageSize, target: ImageSize): Window {
  const { height: h, width: w } = size;
  const bandH = Math.trunc((Math.max(h, Math.trunc((w * target.height) / target.width)) - h) / 2);
  const bandW = Math.trunc((Math.max(w, Math.trunc((h * target.width) / target.height)) - w) / 2);
  if (bandH > 0) return { top: -bandH, left: 0, height: h + 2 * bandH, width: w };
  if (bandW > 0) return { top: 0, left: -bandW, height: h, width: w + 2 * bandW };
  return fullWindow(size);
}

/** Boxes of a crop / pad / resize layer: the window stretched onto the output, clipped. */
export function windowedBoxes(
  b: BoundingBoxes,
  format: BoundingBoxFormat,
  size: ImageSize,
  window: Window,
  out: ImageSize,
): BoundingBoxes {
  return fromXyxy(windowBoxes(toXyxy(b, format, size), window, out), b.labels, format, out);
}
