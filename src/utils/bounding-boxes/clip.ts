/**
 * Keras's box clipping and shifting (`keras.utils.bounding_boxes.clip_to_image_size`, `crop`,
 * `pad`), composed of ops. Clipping also marks each box left with no area: its label becomes −1,
 * Keras's "no box".
 */
import { ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast, clip, greater, multiply, subtract, where } from "../../ops/elementwise.js";
import { concatenate } from "../../ops/join.js";
import { expandDims, squeeze } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type BoxSize, boxesTensor, checkBoxFormat, columns } from "./formats.js";

/** Clips each column between 0 and its bound (numbers or tensors broadcasting over boxes). */
function clipColumns(boxes: Tensor, width: BoxSize, height: BoxSize): Tensor {
  const [x1, y1, x2, y2] = columns(boxes);
  const upTo = (v: Tensor, hi: BoxSize): Tensor =>
    typeof hi === "number" ? clip(v, 0, hi) : clip(v, 0, cast(hi, v.dtype));
  return concatenate([upTo(x1, width), upTo(y1, height), upTo(x2, width), upTo(y2, height)], -1);
}

/** Areas (x2 − x1)(y2 − y1) of xyxy boxes [..., 4] → [...]. */
export function xyxyArea(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2] = columns(boxes);
  return squeeze(multiply(subtract(x2, x1), subtract(y2, y1)), -1);
}

/** Labels where the box has positive area, −1 elsewhere (in the labels' dtype). */
export function dropEmptyLabels(boxes: Tensor, labels: Tensor): Tensor {
  let area = xyxyArea(boxes);
  // labels [B, N, classes] (Keras allows class vectors): broadcast the area over them
  while (area.rank < labels.rank) area = expandDims(area, -1);
  return where(greater(area, 0), labels, cast(asTensor(-1), labels.dtype));
}

export interface ClipToImageSizeOptions {
  height?: BoxSize | null;
  width?: BoxSize | null;
  /** "xyxy" (default; needs height and width) or "rel_xyxy" (clips to [0, 1]). */
  boundingBoxFormat?: string;
}

/**
 * `clip_to_image_size(bounding_boxes, height, width, bounding_box_format)`: the boxes clipped to
 * the image; labels (when given) become −1 where a box has no area left. Keras supports the
 * formats "xyxy" and "rel_xyxy" only, and so does this.
 */
export function clipToImageSize<L extends TensorLike | undefined>(
  boundingBoxes: { boxes: TensorLike; labels?: L },
  opts: ClipToImageSizeOptions = {},
): { boxes: Tensor; labels: L extends undefined ? undefined : Tensor } {
  const where_ = "clipToImageSize";
  const format = checkBoxFormat(opts.boundingBoxFormat ?? "xyxy", where_, "boundingBoxFormat");
  if (format !== "xyxy" && format !== "rel_xyxy") {
    throw new ValueError(
      `${where_}: only the formats xyxy and rel_xyxy are supported (as in Keras); received ${format}`,
    );
  }
  const { height, width } = opts;
  if (
    format === "xyxy" &&
    (height === undefined || height === null || width === undefined || width === null)
  ) {
    throw new ValueError(`${where_}: height and width must be given with format "xyxy"`);
  }
  const raw = asTensor(boundingBoxes.boxes);
  const boxes = raw.dtype === "float32" || raw.dtype === "float64" ? raw : boxesTensor(raw, where_);
  const clipped =
    format === "xyxy"
      ? clipColumns(boxes, width as BoxSize, height as BoxSize)
      : clipColumns(boxes, 1, 1);
  const labels =
    boundingBoxes.labels === undefined
      ? undefined
      : dropEmptyLabels(clipped, asTensor(boundingBoxes.labels));
  return { ...boundingBoxes, boxes: clipped, labels } as never;
}

function xyxyOnly(format: string | undefined, where_: string): void {
  const f = checkBoxFormat(format ?? "xyxy", where_, "boundingBoxFormat");
  if (f !== "xyxy") {
    throw new ValueError(
      `${where_}: only boundingBoxFormat "xyxy" is supported (as in Keras); received ${f}`,
    );
  }
}

/**
 * `crop(boxes, top, left, height, width)`: xyxy boxes in the frame of the (height, width) window
 * whose top-left corner is (left, top) of the image, clipped to the window.
 */
export function crop(
  boxes: TensorLike,
  top: number,
  left: number,
  height: number,
  width: number,
  opts: { boundingBoxFormat?: string } = {},
): Tensor {
  xyxyOnly(opts.boundingBoxFormat, "crop");
  const b = boxesTensor(boxes, "crop");
  const [x1, y1, x2, y2] = columns(b);
  const shifted = concatenate(
    [subtract(x1, left), subtract(y1, top), subtract(x2, left), subtract(y2, top)],
    -1,
  );
  return clipColumns(shifted, width, height);
}

/** `pad(boxes, top, left)`: xyxy boxes moved by the padding added above (top) and left of the image. */
export function pad(
  boxes: TensorLike,
  top: number,
  left: number,
  opts: { height?: number | null; width?: number | null; boundingBoxFormat?: string } = {},
): Tensor {
  xyxyOnly(opts.boundingBoxFormat, "pad");
  const b = boxesTensor(boxes, "pad");
  const [x1, y1, x2, y2] = columns(b);
  return concatenate(
    [subtract(x1, -left), subtract(y1, -top), subtract(x2, -left), subtract(y2, -top)],
    -1,
  );
}
