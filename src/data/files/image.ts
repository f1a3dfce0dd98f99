/**
 * Image I/O as `keras.utils`: `loadImg`, `imgToArray`, `arrayToImg`, `saveImg`. Keras hands Pillow
 * images around; here an `Image` is its 8-bit pixels (rows, then columns, channels interleaved)
 * with its size and mode. Decoding is `sharp` (JPEG, PNG, GIF's first frame, WebP, TIFF) and
 * bmp.ts (BMP, which the prebuilt libvips cannot read); colour modes are converted as Pillow's
 * `convert` does (its ITU-R 601-2 luma for grayscale, alpha dropped for RGB), and `loadImg`'s
 * resize is Pillow's (pil-resize.ts).
 */
import { readFileBytes } from "./directory-index.js";
import { extname } from "node:path";
import type SharpType from "sharp";
import { StrataError, ValueError } from "../../errors.js";
import { asTensor, type TensorLike } from "../../ops/core.js";
import { type DataFormat, checkDataFormat } from "../../ops/image/image-args.js";
import { transpose } from "../../ops/movement.js";
import { allocate, checkNumericDType, type DTypeName } from "../../tensor/dtype.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { type RawImage, decodeBmp, isBmp } from "./bmp.js";
import { type PilInterpolation, pilResize } from "./pil-resize.js";

export type ColorMode = "grayscale" | "rgb" | "rgba";
/** Pillow's modes for 8-bit images: one, three or four channels. */
export type ImageMode = "L" | "RGB" | "RGBA";

/** A decoded image (Keras: a Pillow image): 8-bit pixels in row-major, channels-last order. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly mode: ImageMode;
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array;
}

const MODES: Record<ColorMode, ImageMode> = { grayscale: "L", rgb: "RGB", rgba: "RGBA" };
const CHANNELS: Record<ImageMode, 1 | 3 | 4> = { L: 1, RGB: 3, RGBA: 4 };

let sharpLoaded: Promise<typeof SharpType> | null = null;

/** `sharp`, loaded on first use, so importing Strata does not load libvips. */
function loadSharp(): Promise<typeof SharpType> {
  sharpLoaded ??= import("sharp").then(
    (m) => m.default,
    (err: Error) => {
      sharpLoaded = null;
      throw new StrataError(
        `Image decoding and encoding need the sharp package, which could not be loaded: ${err.message}`,
      );
    },
  );
  return sharpLoaded;
}

/** What a path or bytes are called in messages. */
function describeSource(source: string | Uint8Array): string {
  return typeof source === "string" ? JSON.stringify(source) : `(${source.length} bytes in memory)`;
}

/**
 * Decodes image bytes to 8-bit pixels with the channels the file has (1 to 4); a corrupt or
 * unknown file is a StrataError naming `where`.
 */
export async function decodeRaw(bytes: Uint8Array, where: string): Promise<RawImage> {
  if (isBmp(bytes)) return decodeBmp(bytes, where);
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes, { pages: 1 })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels as 1 | 2 | 3 | 4;
    return { width: info.width, height: info.height, channels, data: new Uint8Array(data) };
  } catch (err) {
    throw new StrataError(
      `Could not decode the image ${where}: ${(err as Error).message}. Expected a JPEG, PNG, GIF, BMP, WebP or TIFF file.`,
    );
  }
}

/** Pillow's `convert(mode)` from 1 to 4 source channels (L, LA, RGB, RGBA). */
export function convertMode(img: RawImage, mode: ImageMode): Image {
  const { width, height, channels: from, data } = img;
  const to = CHANNELS[mode];
  const n = width * height;
  if (from === to) return { width, height, mode, channels: to, data };
  const out = new Uint8Array(n * to);
  for (let i = 0; i < n; i++) {
    const s = i * from;
    const o = i * to;
    const gray = from <= 2;
    const r = data[s]!;
    const g = gray ? r : data[s + 1]!;
    const b = gray ? r : data[s + 2]!;
    const a = from === 2 ? data[s + 1]! : from === 4 ? data[s + 3]! : 255;
    if (to === 1) {
      // Pillow's L = R·299/1000 + G·587/1000 + B·114/1000, in 16-bit fixed point, rounded.
      out[o] = gray ? r : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    } else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (to === 4) out[o + 3] = a;
    }
  }
  return { width, height, mode, channels: to, data: out };
}

export interface LoadImgOptions {
  /** "rgb" (default), "grayscale" or "rgba". */
  colorMode?: ColorMode;
  /** [height, width] to resize to; the image's own size when absent. */
  targetSize?: readonly [number, number] | null;
  /** Pillow's filter for the resize: "nearest" (default), "bilinear", "bicubic", "hamming", "box", "lanczos". */
  interpolation?: PilInterpolation;
  /** Crop the centre to the target's aspect ratio before resizing. Default false. */
  keepAspectRatio?: boolean;
}

const LOAD_KEYS = ["colorMode", "targetSize", "interpolation", "keepAspectRatio"];
const PIL_FILTERS = ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"];

function checkKeys(where: string, opts: object, known: readonly string[]): void {
  for (const k of Object.keys(opts))
    if (!known.includes(k))
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${known.join(", ")}`);
}

/** Keras's `load_img`: a file (or its bytes) as an Image, optionally resized as Pillow does. */
export async function loadImg(
  path: string | Uint8Array,
  opts: LoadImgOptions = {},
): Promise<Image> {
  const where = "loadImg";
  checkKeys(where, opts, LOAD_KEYS);
  const colorMode = opts.colorMode ?? "rgb";
  if (!(colorMode in MODES))
    throw new ValueError(
      `${where}: colorMode must be "grayscale", "rgb", or "rgba". Received: colorMode=${String(colorMode)}`,
    );
  const interpolation = opts.interpolation ?? "nearest";
  if (!PIL_FILTERS.includes(interpolation))
    throw new ValueError(
      `${where}: invalid interpolation method specified: ${String(interpolation)}. Supported methods are ${PIL_FILTERS.join(", ")}`,
    );
  const target = opts.targetSize ?? null;
  if (
    target !== null &&
    !(target.length === 2 && target.every((v) => Number.isInteger(v) && v > 0))
  )
    throw new ValueError(
      `${where}: targetSize must be [height, width] of positive integers. Received: targetSize=[${String(target)}]`,
    );
  const bytes = typeof path === "string" ? await readFileBytes(path, where) : path;
  let img = convertMode(await decodeRaw(bytes, describeSource(path)), MODES[colorMode]);
  if (target === null) return img;
  const [th, tw] = target;
  const { width, height } = img;
  if (width === tw && height === th) return img;
  let box: [number, number, number, number] = [0, 0, width, height];
  if (opts.keepAspectRatio) {
    // Keras: the largest centred crop with the target's aspect ratio.
    const cropH = Math.min(height, Math.floor((width * th) / tw));
    const cropW = Math.min(width, Math.floor((height * tw) / th));
    const top = Math.floor((height - cropH) / 2);
    const left = Math.floor((width - cropW) / 2);
    box = [left, top, left + cropW, top + cropH];
  }
  const resized = pilResize(img, tw, th, interpolation, box);
  img = { ...img, width: resized.width, height: resized.height, data: resized.data };
  return img;
}

/**
 * Keras's `img_to_array`: an Image as a [height, width, channels] tensor ([channels, height,
 * width] with `dataFormat: "channels_first"`), float32 by default.
 */
export function imgToArray(
  img: Image,
  opts: { dtype?: DTypeName; dataFormat?: DataFormat | null } = {},
): Tensor {
  checkKeys("imgToArray", opts, ["dtype", "dataFormat"]);
  const format = checkDataFormat(opts.dataFormat, "imgToArray");
  checkImage(img, "imgToArray");
  const dtype = checkNumericDType(
    opts.dtype === "int64" ? "int32" : (opts.dtype ?? "float32"),
    "imgToArray",
  );
  const out = allocate(dtype, img.data.length);
  out.set(img.data);
  const x = fromValues(out, [img.height, img.width, img.channels]);
  return format === "channels_first" ? transpose(x, [2, 0, 1]) : x;
}

function checkImage(img: Image, where: string): void {
  const ok =
    img !== null &&
    typeof img === "object" &&
    img.data instanceof Uint8Array &&
    Number.isInteger(img.width) &&
    Number.isInteger(img.height) &&
    [1, 3, 4].includes(img.channels) &&
    img.data.length === img.width * img.height * img.channels;
  if (!ok)
    throw new ValueError(
      `${where}: expected an Image (width, height, channels 1/3/4 and width·height·channels bytes of data)`,
    );
}

/**
 * Keras's `array_to_img`: a [height, width, channels] array (1, 3 or 4 channels) as an Image.
 * With `scale` (default) the values are first mapped to [0, 255] (minus the minimum, over the
 * maximum, times 255); then each is truncated to an integer, as NumPy's `astype("uint8")`
 * (values outside [0, 255] are clipped here, where NumPy would wrap them).
 */
export function arrayToImg(
  x: TensorLike,
  opts: { scale?: boolean; dataFormat?: DataFormat | null } = {},
): Image {
  checkKeys("arrayToImg", opts, ["scale", "dataFormat"]);
  const format = checkDataFormat(opts.dataFormat, "arrayToImg");
  let t = asTensor(x);
  if (t.rank !== 3)
    throw new ValueError(
      `arrayToImg: expected image array to have rank 3 (single image). Got array with shape: [${t.shape.join(",")}]`,
    );
  if (format === "channels_first") t = transpose(t, [1, 2, 0]);
  const [height, width, channels] = t.shape as [number, number, number];
  const mode: ImageMode | undefined = ({ 1: "L", 3: "RGB", 4: "RGBA" } as const)[channels as 1];
  if (mode === undefined)
    throw new ValueError(
      `arrayToImg: unsupported channel number: ${channels} (expected 1, 3 or 4)`,
    );
  const values = Float64Array.from(t.dataSync());
  if (opts.scale ?? true) {
    let min = Infinity;
    for (const v of values) if (v < min) min = v;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      values[i] = values[i]! - min;
      if (values[i]! > max) max = values[i]!;
    }
    for (let i = 0; i < values.length; i++)
      values[i] = (max !== 0 ? values[i]! / max : values[i]!) * 255;
  }
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.trunc(values[i]!);
    data[i] = Number.isNaN(v) ? 0 : v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { width, height, mode, channels: CHANNELS[mode], data };
}

const FORMATS: Record<string, "png" | "jpeg" | "gif" | "webp" | "tiff"> = {
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  gif: "gif",
  webp: "webp",
  tif: "tiff",
  tiff: "tiff",
};

/**
 * Keras's `save_img`: an array (or an Image) written to `path` in `fileFormat` (by default the
 * path's extension: png, jpg/jpeg, gif, webp, tif/tiff), written atomically. An RGBA image saved
 * as JPEG loses its alpha, with a warning, as Keras does.
 */
export async function saveImg(
  path: string,
  x: TensorLike | Image,
  opts: { fileFormat?: string | null; scale?: boolean; dataFormat?: DataFormat | null } = {},
): Promise<void> {
  const where = "saveImg";
  checkKeys(where, opts, ["fileFormat", "scale", "dataFormat"]);
  let img =
    typeof x === "object" && x !== null && "mode" in x && "data" in x && !ArrayBuffer.isView(x)
      ? (x as Image)
      : arrayToImg(x as TensorLike, { scale: opts.scale ?? true, dataFormat: opts.dataFormat });
  checkImage(img, where);
  const name = (opts.fileFormat ?? extname(path).slice(1)).toLowerCase();
  const format = FORMATS[name];
  if (format === undefined)
    throw new ValueError(
      `${where}: cannot tell the file format of ${JSON.stringify(path)}${name ? ` ("${name}")` : ""}; ` +
        `give fileFormat or an extension among ${Object.keys(FORMATS).join(", ")}`,
    );
  if (img.mode === "RGBA" && format === "jpeg") {
    console.warn("saveImg: The JPG format does not support RGBA images, converting to RGB.");
    img = convertMode(img, "RGB");
  }
  const sharp = await loadSharp();
  const encoded = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
  })
    .toFormat(format)
    .toBuffer();
  await writeFileAtomic(path, encoded);
}
