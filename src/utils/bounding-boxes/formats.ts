/**
 * Keras's bounding-box formats and `convertFormat` (`keras.utils.bounding_boxes.convert_format`):
 * boxes are tensors whose last axis holds 4 numbers, in one of
 *
 * - `xyxy` [left, top, right, bottom], `yxyx` [top, left, bottom, right],
 *   `xywh` [left, top, width, height], `center_xywh` [cx, cy, width, height],
 *   `center_yxhw` [cy, cx, height, width] — in pixels (an image's edges are 0 and its width /
 *   height, so a flip maps x to width − x);
 * - `rel_xyxy`, `rel_yxyx`, `rel_xywh`, `rel_center_xywh` — the same as fractions of the image's
 *   width and height, which the conversion then needs.
 *
 * Every conversion goes through `xyxy`, composed of ops (so it is differentiable), and returns
 * `dtype` (default float32), as Keras's does.
 */
import { ShapeError, ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { add, cast, divide, multiply, subtract } from "../../ops/elementwise.js";
import { concatenate, split } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";

export const BOUNDING_BOX_FORMATS = [
  "xyxy",
  "yxyx",
  "xywh",
  "center_xywh",
  "center_yxhw",
  "rel_xyxy",
  "rel_yxyx",
  "rel_xywh",
  "rel_center_xywh",
] as const;

export type BoundingBoxFormat = (typeof BOUNDING_BOX_FORMATS)[number];

/** A size argument: a number, or a tensor that broadcasts against the boxes' leading axes. */
export type BoxSize = number | Tensor;

/** Boxes with their labels, as Keras's `{"boxes": …, "labels": …}` dicts. */
export interface BoundingBoxes<T = Tensor> {
  boxes: T;
  labels: T;
}

/** A format name, lower-cased as Keras does; unknown names are errors naming `where`. */
export function checkBoxFormat(format: unknown, where: string, arg = "format"): BoundingBoxFormat {
  const f = typeof format === "string" ? format.toLowerCase() : format;
  if (!BOUNDING_BOX_FORMATS.includes(f as BoundingBoxFormat)) {
    throw new ValueError(
      `${where}: ${arg} must be one of ${BOUNDING_BOX_FORMATS.join(", ")}; received ${JSON.stringify(format)}`,
    );
  }
  return f as BoundingBoxFormat;
}

/** Boxes as a tensor whose last axis is 4 (the check Keras makes), in `dtype`. */
export function boxesTensor(boxes: TensorLike, where: string, dtype: DType = "float32"): Tensor {
  const t = asTensor(boxes);
  if (t.rank === 0 || t.shape[t.rank - 1] !== 4) {
    throw new ShapeError(
      `${where}: boxes must be a tensor whose last axis has size 4; received shape [${t.shape.join(", ")}]`,
    );
  }
  return t.dtype === dtype ? t : cast(t, dtype);
}

/** The four columns of boxes [..., 4], each [..., 1]. */
export function columns(boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  return split(boxes, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
}

const join = (parts: Tensor[]): Tensor => concatenate(parts, -1);

function sizeIn(size: BoxSize, dtype: DType): BoxSize {
  return size instanceof Tensor && size.dtype !== dtype ? cast(size, dtype) : size;
}

/** boxes of `format` (no rel_ prefix) → xyxy */
function toXyxy(b: Tensor, format: string): Tensor {
  const [p, q, r, s] = columns(b);
  switch (format) {
    case "xyxy":
      return b;
    case "yxyx":
      return join([q, p, s, r]);
    case "xywh":
      return join([p, q, add(p, r), add(q, s)]);
    case "center_xywh": {
      const [hw, hh] = [divide(r, 2), divide(s, 2)];
      return join([subtract(p, hw), subtract(q, hh), add(p, hw), add(q, hh)]);
    }
    default: {
      // center_yxhw: [cy, cx, h, w]
      const [hh, hw] = [divide(r, 2), divide(s, 2)];
      return join([subtract(q, hw), subtract(p, hh), add(q, hw), add(p, hh)]);
    }
  }
}

/** xyxy → boxes of `format` (no rel_ prefix) */
function fromXyxy(b: Tensor, format: string): Tensor {
  const [x1, y1, x2, y2] = columns(b);
  const w = subtract(x2, x1);
  const h = subtract(y2, y1);
  switch (format) {
    case "xyxy":
      return b;
    case "yxyx":
      return join([y1, x1, y2, x2]);
    case "xywh":
      return join([x1, y1, w, h]);
    case "center_xywh":
      return join([add(x1, divide(w, 2)), add(y1, divide(h, 2)), w, h]);
    default:
      return join([add(y1, divide(h, 2)), add(x1, divide(w, 2)), h, w]);
  }
}

/** Multiplies (or divides) xyxy columns by [width, height, width, height]. */
function scaleXyxy(b: Tensor, width: BoxSize, height: BoxSize, inverse: boolean): Tensor {
  const op = inverse ? divide : multiply;
  const [x1, y1, x2, y2] = columns(b);
  return join([op(x1, width), op(y1, height), op(x2, width), op(y2, height)]);
}

export interface ConvertFormatOptions {
  /** The image height: needed when either format is relative. */
  height?: BoxSize | null;
  /** The image width: needed when either format is relative. */
  width?: BoxSize | null;
  /** The output dtype; default "float32". */
  dtype?: DType;
}

/**
 * `keras.utils.bounding_boxes.convert_format(boxes, source, target, height, width, dtype)`:
 * boxes [..., 4] (or a `{boxes, labels}` object, whose boxes are converted) from format `source`
 * to `target`.
 */
export function convertFormat(
  boxes: TensorLike,
  source: string,
  target: string,
  opts?: ConvertFormatOptions,
): Tensor;
export function convertFormat<L>(
  boxes: { boxes: TensorLike; labels?: L },
  source: string,
  target: string,
  opts?: ConvertFormatOptions,
): { boxes: Tensor; labels?: L };
export function convertFormat(
  boxes: TensorLike | { boxes: TensorLike; labels?: unknown },
  source: string,
  target: string,
  opts: ConvertFormatOptions = {},
): Tensor | { boxes: Tensor; labels?: unknown } {
  const where = "convertFormat";
  if (isBoxDict(boxes)) {
    return { ...boxes, boxes: convertFormat(boxes.boxes, source, target, opts) };
  }
  const dtype = opts.dtype ?? "float32";
  const src = checkBoxFormat(source, where, "source");
  const dst = checkBoxFormat(target, where, "target");
  const b = boxesTensor(boxes, where, dtype);
  const { height, width } = opts;
  const relative = src.startsWith("rel_") || dst.startsWith("rel_");
  if (
    relative &&
    (height === undefined || height === null || width === undefined || width === null)
  ) {
    throw new ValueError(
      `${where}: height and width are needed to convert between relative and absolute formats; ` +
        `received source=${src}, target=${dst}, height=${String(height)}, width=${String(width)}`,
    );
  }
  if (src === dst) return b;
  const bare = (f: string): string => f.replace(/^rel_/, "");
  let xyxy = toXyxy(b, bare(src));
  // rel → rel stays relative (Keras drops both prefixes).
  const bothRel = src.startsWith("rel_") && dst.startsWith("rel_");
  const h = height === undefined || height === null ? 1 : sizeIn(height, dtype);
  const w = width === undefined || width === null ? 1 : sizeIn(width, dtype);
  if (!bothRel && src.startsWith("rel_")) xyxy = scaleXyxy(xyxy, w, h, false);
  if (!bothRel && dst.startsWith("rel_")) xyxy = scaleXyxy(xyxy, w, h, true);
  return fromXyxy(xyxy, bare(dst));
}

/** Whether a value is a `{boxes, labels?}` object rather than the boxes themselves. */
export function isBoxDict(x: unknown): x is { boxes: TensorLike; labels?: unknown } {
  return (
    typeof x === "object" &&
    x !== null &&
    !(x instanceof Tensor) &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    "boxes" in x
  );
}
