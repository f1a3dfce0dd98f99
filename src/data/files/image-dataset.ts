/**
 * `imageDatasetFromDirectory`: Keras's `keras.utils.image_dataset_from_directory`. The file list,
 * labels, shuffle and split are Keras's (directory-index.ts); each image is read and decoded when
 * the dataset reaches it, several at once (`sharp` decodes off the main thread), converted to the
 * colour mode, resized to `imageSize` with `ops.image.resize` and yielded as float32
 * [height, width, channels]; batches are [batch, height, width, channels].
 *
 * Resizing follows Keras's loader: plain resize, or with `cropToAspectRatio` the largest centred
 * crop of the target's aspect ratio first (Keras's `smart_resize`), or with `padToAspectRatio`
 * TF's `resize_with_pad` (resized to fit inside, then zero bands on both sides). The resize itself
 * is `keras.ops.image.resize` without antialiasing, which for these interpolations is
 * `tf.image.resize`'s half-pixel sampling; TF's "gaussian" and "mitchellcubic" are not offered.
 */
import { readFileBytes } from "./directory-index.js";
import { ValueError } from "../../errors.js";
import { type DataFormat, checkDataFormat } from "../../ops/image/image-args.js";
import { type ResizeInterpolation, resize } from "../../ops/image/resize.js";
import { transpose } from "../../ops/movement.js";
import { pad } from "../../ops/pad.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import {
  type DirectoryOptions,
  type DirectoryResult,
  datasetFromDirectory,
} from "./directory-index.js";
import { type ColorMode, convertMode, decodeRaw } from "./image.js";

export interface ImageDatasetOptions extends DirectoryOptions {
  /** "rgb" (default), "grayscale" or "rgba". */
  colorMode?: ColorMode;
  /** [height, width] of every image (a number for a square). Default [256, 256]. */
  imageSize?: readonly [number, number] | number;
  /** "bilinear" (default), "nearest", "bicubic", "area", "lanczos3" or "lanczos5". */
  interpolation?: ResizeInterpolation;
  /** Crop the largest centred window of the target aspect ratio before resizing. */
  cropToAspectRatio?: boolean;
  /** Resize to fit inside the target, then pad with zeros to it. */
  padToAspectRatio?: boolean;
  /** "channels_last" (default): [h, w, c] images; "channels_first": [c, h, w]. */
  dataFormat?: DataFormat | null;
}

/** Keras's extensions for images. */
export const IMAGE_FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

const KNOWN = [
  "labels",
  "labelMode",
  "classNames",
  "colorMode",
  "batchSize",
  "imageSize",
  "shuffle",
  "seed",
  "validationSplit",
  "subset",
  "interpolation",
  "followLinks",
  "cropToAspectRatio",
  "padToAspectRatio",
  "dataFormat",
  "verbose",
  "numParallelCalls",
];
const INTERPOLATIONS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"];
const MODES = { grayscale: "L", rgb: "RGB", rgba: "RGBA" } as const;

/** TF's `resize_with_pad`: resized to fit inside [th, tw] keeping the aspect, zero bands around. */
function resizeWithPad(
  x: Tensor,
  [th, tw]: [number, number],
  interpolation: ResizeInterpolation,
): Tensor {
  const [h, w] = x.shape as [number, number, number];
  const ratio = Math.max(w / tw, h / th);
  const rhFloat = h / ratio;
  const rwFloat = w / ratio;
  const rh = Math.floor(rhFloat);
  const rw = Math.floor(rwFloat);
  const top = Math.max(0, Math.floor((th - rhFloat) / 2));
  const left = Math.max(0, Math.floor((tw - rwFloat) / 2));
  const resized = resize(x, [rh, rw], { interpolation });
  return pad(resized, [
    [top, th - rh - top],
    [left, tw - rw - left],
    [0, 0],
  ]);
}

/** Reads, decodes and resizes one image file to float32 [h, w, c]. */
async function loadImage(
  path: string,
  mode: ColorMode,
  size: [number, number],
  interpolation: ResizeInterpolation,
  crop: boolean,
  padded: boolean,
  format: DataFormat,
): Promise<Tensor> {
  const bytes = await readFileBytes(path, "imageDatasetFromDirectory");
  const img = convertMode(await decodeRaw(bytes, JSON.stringify(path)), MODES[mode]);
  const x = fromValues(Float32Array.from(img.data), [img.height, img.width, img.channels]);
  const y = padded
    ? resizeWithPad(x, size, interpolation)
    : resize(x, size, { interpolation, cropToAspectRatio: crop });
  return format === "channels_first" ? transpose(y, [2, 0, 1]) : y;
}

/**
 * A Dataset of `[images, labels]` batches (images alone with `labelMode: null`) from a folder of
 * class folders of images, as Keras's `image_dataset_from_directory`; `[training, validation]`
 * for `subset: "both"`. The result carries `classNames` and `filePaths`.
 */
export async function imageDatasetFromDirectory<const O extends ImageDatasetOptions = object>(
  directory: string,
  opts?: O,
): Promise<DirectoryResult<O>> {
  const where = "imageDatasetFromDirectory";
  const o: ImageDatasetOptions = opts ?? {};
  for (const k of Object.keys(o))
    if (!KNOWN.includes(k))
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
  const colorMode = o.colorMode ?? "rgb";
  if (!(colorMode in MODES))
    throw new ValueError(
      `${where}: colorMode must be one of "rgb", "rgba", "grayscale". Received: colorMode=${String(colorMode)}`,
    );
  const s = o.imageSize ?? [256, 256];
  const size: [number, number] = typeof s === "number" ? [s, s] : [s[0], s[1]];
  if (
    !(Array.isArray(s) ? s.length === 2 : typeof s === "number") ||
    !size.every((v) => Number.isInteger(v) && v > 0)
  )
    throw new ValueError(
      `${where}: invalid imageSize value. Expected [height, width] of positive integers. Received: imageSize=${JSON.stringify(s)}`,
    );
  const interpolation = (o.interpolation ?? "bilinear").toLowerCase() as ResizeInterpolation;
  if (!INTERPOLATIONS.includes(interpolation))
    throw new ValueError(
      `${where}: interpolation should be one of ${INTERPOLATIONS.join(", ")}. Received: interpolation=${String(o.interpolation)}`,
    );
  const crop = o.cropToAspectRatio ?? false;
  const padded = o.padToAspectRatio ?? false;
  if (crop && padded)
    throw new ValueError(
      `${where}: only one of padToAspectRatio, cropToAspectRatio can be set to true`,
    );
  const format = checkDataFormat(o.dataFormat, where);
  return (await datasetFromDirectory(where, directory, o, IMAGE_FORMATS, "images", (p) =>
    loadImage(p, colorMode, size, interpolation, crop, padded, format),
  )) as DirectoryResult<O>;
}
