/**
 * Keras's `keras.visualization.draw_segmentation_masks`: colours each pixel of a batch of images
 * by its class in a segmentation mask and blends the colour over the image. Composed of ops, as
 * Keras's is, so it computes what Keras computes: the image in float32, each class's colour put
 * in place of the pixel, then `image·(1 − alpha) + colour·alpha` in float32 where the mask is
 * not `ignoreIndex`, truncated to uint8.
 */
import { DTypeError, ShapeError, ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { add, cast, greater, multiply, notEqual, where } from "../../ops/elementwise.js";
import { oneHot } from "../../ops/gather.js";
import { matmul } from "../../ops/linalg.js";
import { expandDims, reshape, transpose } from "../../ops/movement.js";
import { max, sum } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";

export type ImageDataFormat = "channels_last" | "channels_first";

export interface DrawSegmentationMasksOptions {
  /** How many classes; default the largest class in the masks that is not `ignoreIndex`, plus 1. */
  numClasses?: number | null;
  /** Each class's colour ([r, g, b]) by class index; default Keras's generated palette. */
  colorMapping?: Readonly<Record<number, readonly number[]>> | null;
  /** Opacity of the mask colours, in [0, 1]. Default 0.8. */
  alpha?: number;
  /** Blend the colours over the image (default true); false: colours replace the pixels. */
  blend?: boolean;
  /** Mask value left undrawn. Default -1. */
  ignoreIndex?: number;
  /** Layout of `images` (and of 4-D masks). Default "channels_last". */
  dataFormat?: ImageDataFormat | null;
}

const OPTIONS = ["numClasses", "colorMapping", "alpha", "blend", "ignoreIndex", "dataFormat"];
const WHERE = "drawSegmentationMasks";

/** Keras's default palette: class i gets (i · [2²⁵−1, 2¹⁵−1, 2²¹−1]) mod 255. */
export function segmentationPalette(numClasses: number): number[][] {
  const base = [2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1];
  return Array.from({ length: numClasses }, (_, i) => base.map((p) => (i * p) % 255));
}

/** The image layout option, checked. */
export function checkDataFormat(value: unknown, where: string): ImageDataFormat {
  if (value === undefined || value === null) return "channels_last";
  if (value !== "channels_last" && value !== "channels_first") {
    throw new ValueError(
      `${where}: dataFormat must be "channels_last" or "channels_first"; received ${String(value)}`,
    );
  }
  return value;
}

/**
 * Draws `segmentationMasks` ((batch, height, width, 1), or (batch, height, width)) over `images`
 * ((batch, height, width, channels)). With `blend` (the default) it returns uint8 images; with
 * `blend: false`, float32 images whose masked pixels hold their class's colour. As in Keras, the
 * result is channels-last even when `dataFormat` is "channels_first". Mask values outside
 * [0, numClasses) other than `ignoreIndex` keep the image's pixel.
 */
export function drawSegmentationMasks(
  images: TensorLike,
  segmentationMasks: TensorLike,
  opts: DrawSegmentationMasksOptions = {},
): Tensor {
  checkOptionNames(WHERE, opts, OPTIONS);
  const dataFormat = checkDataFormat(opts.dataFormat, WHERE);
  const alpha = opts.alpha ?? 0.8;
  const blend = opts.blend ?? true;
  const ignoreIndex = opts.ignoreIndex ?? -1;
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) {
    throw new ValueError(`${WHERE}: alpha must be a number in [0, 1]; received ${String(alpha)}`);
  }
  let img = asTensor(images);
  let masks = asTensor(segmentationMasks);
  if (img.rank !== 4) {
    throw new ShapeError(
      `${WHERE}: images must be a batched 4-D tensor; received images.shape=${fmtShape(img.shape)}`,
    );
  }
  if (masks.dtype !== "int32" && masks.dtype !== "uint8") {
    throw new DTypeError(
      `${WHERE}: segmentationMasks must have an integer dtype; received ${masks.dtype}`,
    );
  }
  if (dataFormat === "channels_first") {
    img = transpose(img, [0, 2, 3, 1]);
    if (masks.rank === 4) masks = transpose(masks, [0, 2, 3, 1]);
  }
  if (masks.rank === 3) masks = expandDims(masks, -1);
  const [b, h, w, c] = img.shape as [number, number, number, number];
  const ms = masks.shape;
  if (masks.rank !== 4 || ms[0] !== b || ms[1] !== h || ms[2] !== w || ms[3] !== 1) {
    throw new ShapeError(
      `${WHERE}: segmentationMasks must have shape (${b}, ${h}, ${w}, 1) or (${b}, ${h}, ${w}) ` +
        `to match images.shape=${fmtShape(img.shape)}; received ${fmtShape(masks.shape)}`,
    );
  }
  const valid = notEqual(masks, ignoreIndex);
  let numClasses = opts.numClasses ?? null;
  if (numClasses === null) {
    const largest = masks.size === 0 ? -1 : Number(max(where(valid, masks, -1)).item());
    numClasses = Math.max(1, largest + 1);
  } else if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`${WHERE}: numClasses must be a positive integer; received ${numClasses}`);
  }
  const colors = classColors(numClasses, opts.colorMapping ?? null, c);
  const imgF = cast(img, "float32");
  const hot = oneHot(reshape(masks, [b, h, w]), numClasses, -1, "float32");
  // One non-zero term per masked pixel: the product is that class's colour exactly.
  const painted = reshape(matmul(reshape(hot, [-1, numClasses]), colors), [b, h, w, c]);
  const drawn = where(greater(sum(hot, -1, true), 0), painted, imgF);
  if (!blend) return drawn;
  const blended = add(multiply(imgF, 1 - alpha), multiply(drawn, alpha));
  return cast(where(valid, blended, imgF), "uint8");
}

/** The (numClasses, channels) float32 colour table, each colour broadcast to the channels. */
function classColors(
  numClasses: number,
  mapping: Readonly<Record<number, readonly number[]>> | null,
  channels: number,
): Tensor {
  const palette = mapping === null ? segmentationPalette(numClasses) : null;
  const rows: number[] = [];
  for (let i = 0; i < numClasses; i++) {
    const color = palette ? palette[i]! : mapping![i];
    if (color === undefined) {
      throw new ValueError(
        `${WHERE}: colorMapping has no colour for class ${i} (numClasses=${numClasses})`,
      );
    }
    if (color.length !== channels && color.length !== 1) {
      throw new ShapeError(
        `${WHERE}: the colour of class ${i} has ${color.length} values; the images have ` +
          `${channels} channels`,
      );
    }
    for (let k = 0; k < channels; k++) rows.push(color.length === 1 ? color[0]! : color[k]!);
  }
  return tensor(new Float32Array(rows), [numClasses, channels]);
}
