/**
 * Keras's `keras.visualization.draw_bounding_boxes`: a batch of images with boxes drawn, as uint8.
 * As in Keras, the images become uint8 first (float images whose largest value is at most 1 are
 * scaled by 255, other floats clipped to [0, 255], then truncated), boxes are converted to xyxy
 * (st.utils.boundingBoxes.convertFormat) and truncated to integers, boxes labelled -1 are
 * skipped, each box is outlined as OpenCV's rectangle (box-outline.ts) in `color`, and a box
 * whose class is in `classMapping` gets its label (with " | 0.87" when confidences are given)
 * above it, or inside it near the top of the image (label-text.ts).
 */
import { DTypeError, ShapeError, ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { convertFormat } from "../../utils/bounding-boxes/formats.js";
import { type ImageDataFormat, checkDataFormat } from "../../utils/visualization/index.js";
import { drawRectangle } from "./box-outline.js";
import { type LabelPlacement, labelMask } from "./label-text.js";

/** Keras's `{"boxes", "labels", "confidences"}` dict. */
export interface BoundingBoxesToDraw {
  /** (batch, numBoxes, 4) in `boundingBoxFormat` */
  boxes: TensorLike;
  /** (batch, numBoxes) class ids; -1 marks padding (not drawn) */
  labels: TensorLike;
  /** (batch, numBoxes) scores, shown after the class name as "name | 0.87" */
  confidences?: TensorLike;
}

export interface DrawBoundingBoxesOptions {
  /** Class id → label text; a box whose class is listed gets its label drawn. Default none. */
  classMapping?: Readonly<Record<number, string>> | null;
  /** The boxes' colour, one value per channel (OpenCV's Scalar: missing channels 0). */
  color?: readonly number[];
  /** Outline thickness in pixels (OpenCV's): default 2; negative fills the box. */
  lineThickness?: number;
  /** Label stroke thickness; default 1 (0 or null: lineThickness, as Keras). */
  textThickness?: number | null;
  /** Label size: 1 is Hershey Simplex's 21-pixel capitals. Default 1. */
  fontScale?: number;
  /** Layout of `images`; default "channels_last". The result keeps it. */
  dataFormat?: ImageDataFormat | null;
}

const OPTIONS = [
  "classMapping",
  "color",
  "lineThickness",
  "textThickness",
  "fontScale",
  "dataFormat",
];
const WHERE = "drawBoundingBoxes";

/** Keras's label origin: 8 pixels above the box, or inside it when that would leave the image. */
export function textLocation(
  x: number,
  y: number,
  fontScale: number,
  thickness: number,
): [number, number] {
  const fontHeight = Math.trunc(fontScale * 12);
  if (y - 8 - 2 * fontHeight > 0) return [x, y - 8];
  return [x + 3, y + 2 * fontHeight + thickness + 3];
}

/** Python's `f"{x:.2f}"`: rounds exact ties (odd multiples of 1/8) to even, as Python does. */
export function formatFixed2(x: number): string {
  if (Number.isFinite(x) && Number.isInteger(x * 8) && Math.abs(x * 8) % 2 === 1) {
    const hundredths = x * 100; // exact: an odd multiple of 12.5
    const down = Math.floor(hundredths);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 100).toFixed(2);
  }
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return x.toFixed(2);
}

/** Keras's conversion of the images to uint8 (see the file comment). */
function toUint8(values: ArrayLike<number>, isFloat: boolean, float32: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  if (!isFloat) {
    // NumPy's astype("uint8") of integers wraps modulo 256.
    for (let i = 0; i < values.length; i++) out[i] = values[i]! & 255;
    return out;
  }
  let largest = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > largest) largest = values[i]!;
  const unit = values.length > 0 && largest <= 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let s = unit ? Math.min(1, Math.max(0, v)) * 255 : Math.min(255, Math.max(0, v));
    if (float32) s = Math.fround(s);
    out[i] = Number.isNaN(s) ? 0 : Math.trunc(s);
  }
  return out;
}

/** OpenCV's saturate_cast of a colour value: rounded half to even, clamped to [0, 255]. */
function colorByte(v: number): number {
  const r = Math.round(v);
  const even = Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
  return Math.min(255, Math.max(0, even));
}

/**
 * Draws `boundingBoxes` on `images` ((batch, height, width, channels), or channels-first) and
 * returns uint8 images of the same shape. `boundingBoxFormat` is any of Keras's box formats
 * ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_*"). Boxes with a non-finite
 * coordinate are skipped.
 */
export function drawBoundingBoxes(
  images: TensorLike,
  boundingBoxes: BoundingBoxesToDraw,
  boundingBoxFormat: string,
  opts: DrawBoundingBoxesOptions = {},
): Tensor {
  checkOptionNames(WHERE, opts, OPTIONS);
  const dataFormat = checkDataFormat(opts.dataFormat, WHERE);
  const classMapping = opts.classMapping ?? {};
  const color = opts.color ?? [128, 128, 128];
  const lineThickness = opts.lineThickness ?? 2;
  const textThickness = opts.textThickness || lineThickness;
  const fontScale = opts.fontScale ?? 1.0;
  for (const [name, v] of [
    ["lineThickness", lineThickness],
    ["textThickness", textThickness],
  ] as const) {
    if (!Number.isInteger(v)) {
      throw new ValueError(`${WHERE}: ${name} must be an integer; received ${String(v)}`);
    }
  }
  if (!(typeof fontScale === "number" && fontScale > 0)) {
    throw new ValueError(`${WHERE}: fontScale must be a positive number; received ${fontScale}`);
  }
  if (!Array.isArray(color) || color.some((c) => typeof c !== "number")) {
    throw new ValueError(`${WHERE}: color must be an array of numbers; received ${String(color)}`);
  }
  const img = asTensor(images);
  if (img.rank !== 4) {
    throw new ShapeError(
      `${WHERE}: images must be a batched 4-D tensor; received images.shape=${fmtShape(img.shape)}`,
    );
  }
  if (typeof boundingBoxes !== "object" || boundingBoxes === null) {
    throw new ValueError(`${WHERE}: boundingBoxes must be an object {boxes, labels}`);
  }
  if (!("boxes" in boundingBoxes) || !("labels" in boundingBoxes)) {
    throw new ValueError(
      `${WHERE}: boundingBoxes must have "boxes" and "labels"; received keys ` +
        Object.keys(boundingBoxes).join(", "),
    );
  }
  if (img.dtype === "string" || img.dtype === "bool") {
    throw new DTypeError(`${WHERE}: images must be numeric; received ${img.dtype}`);
  }
  const last = dataFormat === "channels_last";
  const [b, d1, d2, d3] = img.shape as [number, number, number, number];
  const [height, width, channels] = last ? [d1, d2, d3] : [d2, d3, d1];
  const boxes = asTensor(
    convertFormat(boundingBoxes.boxes, boundingBoxFormat, "xyxy", { height, width }),
  );
  const labels = asTensor(boundingBoxes.labels);
  const confidences =
    boundingBoxes.confidences === undefined ? null : asTensor(boundingBoxes.confidences);
  const n = boxes.rank === 3 ? boxes.shape[1]! : -1;
  if (boxes.rank !== 3 || boxes.shape[0] !== b || boxes.shape[2] !== 4) {
    throw new ShapeError(
      `${WHERE}: boundingBoxes.boxes must have shape (${b}, numBoxes, 4); received ` +
        fmtShape(boxes.shape),
    );
  }
  for (const [name, t] of [
    ["labels", labels],
    ["confidences", confidences],
  ] as const) {
    if (t && (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== n)) {
      throw new ShapeError(
        `${WHERE}: boundingBoxes.${name} must have shape (${b}, ${n}); received ${fmtShape(t.shape)}`,
      );
    }
  }

  const isFloat = img.dtype === "float32" || img.dtype === "float64";
  const pixels = toUint8(img.dataSync(), isFloat, img.dtype === "float32");
  const boxValues = boxes.dataSync();
  const labelValues = labels.dataSync();
  const confValues = confidences?.dataSync() ?? null;
  const paint = Array.from({ length: channels }, (_, k) => colorByte(color[k] ?? 0));
  const plane = height * width;
  for (let i = 0; i < b; i++) {
    const mask = new Uint8Array(plane);
    const texts: LabelPlacement[] = [];
    for (let j = 0; j < n; j++) {
      const at = (i * n + j) * 4;
      const coords = [0, 1, 2, 3].map((k) => Number(boxValues[at + k]));
      const cls = Math.trunc(Number(labelValues[i * n + j]));
      if (cls === -1 || coords.some((v) => !Number.isFinite(v))) continue;
      const [x1, y1, x2, y2] = coords.map(Math.trunc) as [number, number, number, number];
      drawRectangle(mask, height, width, [x1, y1], [x2, y2], lineThickness);
      const name = Object.prototype.hasOwnProperty.call(classMapping, cls)
        ? classMapping[cls]
        : undefined;
      if (name === undefined) continue;
      let text = String(name);
      if (confValues) text += ` | ${formatFixed2(Number(confValues[i * n + j]))}`;
      const [x, y] = textLocation(x1, y1, fontScale, textThickness);
      texts.push({ text, x, y });
    }
    const textMask = labelMask(texts, height, width, fontScale, textThickness);
    for (let p = 0; p < plane; p++) {
      if (!mask[p] && !textMask[p]) continue;
      for (let k = 0; k < channels; k++) {
        const idx = last ? (i * plane + p) * channels + k : (i * channels + k) * plane + p;
        pixels[idx] = paint[k]!;
      }
    }
  }
  return tensor(pixels, img.shape, "uint8");
}
