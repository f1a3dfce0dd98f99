/**
 * Keras's `keras.visualization.plot_image_gallery`: a grid of images, with "Label: … Pred: …"
 * titles when labels are given. Keras draws it with matplotlib and shows or saves the figure;
 * Strata returns the PNG's bytes and, with `path`, also writes them there (atomically). The grid
 * follows Keras: rows default to ⌈√batch⌉ and cols to ⌊batch / rows⌋, so only rows · cols images
 * appear; cells past the batch stay empty. Images are mapped from `valueRange` to 0–255 in
 * float32 as Keras's `_transform_value_range`, then truncated to uint8 (clamped, where NumPy
 * would wrap). 1-channel images are drawn grey, 3 as RGB, 4 as RGBA. gallery-canvas.ts lays
 * the cells out.
 */
import { ShapeError, ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { type ImageDataFormat, checkDataFormat } from "../../utils/visualization/index.js";
import { byteConverter, checkValueRange } from "./value-range.js";
import { type LegendHandle, type RgbaImage, galleryPng } from "./gallery-canvas.js";

export type { LegendHandle } from "./gallery-canvas.js";

/** The options every gallery passes on to plotImageGallery. */
export interface GalleryOutputOptions {
  /** Cell side in inches, as Keras's figure size (`scale` × `dpi` pixels). Default 2. */
  scale?: number;
  /** Where to write the PNG; the bytes are returned either way. */
  path?: string | null;
  /** Keras shows the figure in a window; Strata has none: only false (or null) is accepted. */
  show?: boolean | null;
  /** Transparent background (default true, as Keras's savefig); false: white. */
  transparent?: boolean;
  /** Pixels per inch. Default 60. */
  dpi?: number;
}

export interface PlotImageGalleryOptions extends GalleryOutputOptions {
  /** (batch,) true class ids, shown as "Label: name". */
  yTrue?: TensorLike | null;
  /** (batch,) predicted class ids, shown as "Pred: name". */
  yPred?: TensorLike | null;
  /** class id → name; needed with yTrue or yPred ("Unknown" for ids it lacks). */
  labelMap?: Readonly<Record<number, string>> | null;
  rows?: number | null;
  cols?: number | null;
  /** The images' value range. Default [0, 255]. */
  valueRange?: readonly [number, number];
  /** Legend entries drawn below the grid (Keras: matplotlib Patch handles). */
  legendHandles?: readonly LegendHandle[] | null;
  dataFormat?: ImageDataFormat | null;
}

export const GALLERY_OUTPUT_OPTIONS = ["scale", "path", "show", "transparent", "dpi"];
const OPTIONS = [
  ...GALLERY_OUTPUT_OPTIONS,
  "yTrue",
  "yPred",
  "labelMap",
  "rows",
  "cols",
  "valueRange",
  "legendHandles",
  "dataFormat",
];
const WHERE = "plotImageGallery";

/** Keras's grid: rows ⌈√batch⌉ unless given, cols ⌊batch / rows⌋ unless given. */
export function galleryGrid(
  batch: number,
  rows: number | null | undefined,
  cols: number | null | undefined,
): [number, number] {
  const r = rows || Math.ceil(Math.sqrt(batch));
  const c = cols || Math.floor(batch / r);
  for (const [name, v] of [
    ["rows", r],
    ["cols", c],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(
        `${WHERE}: ${name} must be a positive integer; received ${v} (batch of ${batch})`,
      );
    }
  }
  return [r, c];
}

/**
 * Draws `images` ((batch, height, width, channels), or channels-first) as a gallery and resolves
 * to the PNG's bytes (also written to `path` when given).
 */
export async function plotImageGallery(
  images: TensorLike,
  opts: PlotImageGalleryOptions = {},
): Promise<Buffer> {
  checkOptionNames(WHERE, opts, OPTIONS);
  const dataFormat = checkDataFormat(opts.dataFormat, WHERE);
  const out = checkOutputOptions(opts, WHERE);
  const { yTrue = null, yPred = null, labelMap = null } = opts;
  if ((yTrue !== null || yPred !== null) && labelMap === null) {
    throw new ValueError(`${WHERE}: if yTrue or yPred are given, a labelMap must be given too`);
  }
  const valueRange = checkValueRange(opts.valueRange, WHERE);
  const img = asTensor(images);
  if (img.rank !== 4) {
    throw new ShapeError(
      `${WHERE}: images must be a batched 4-D tensor; received images.shape=${fmtShape(img.shape)}`,
    );
  }
  const batch = img.shape[0]!;
  const [rows, cols] = galleryGrid(batch, opts.rows, opts.cols);
  const cells = toRgbaImages(img.dataSync(), img.shape, img.dtype, dataFormat, valueRange);
  const trueIds = yTrue === null ? null : Array.from(asTensor(yTrue).dataSync(), Number);
  const predIds = yPred === null ? null : Array.from(asTensor(yPred).dataSync(), Number);
  const name = (id: number): string => {
    const v = labelMap![id];
    return v === undefined ? "Unknown" : String(v);
  };
  const titles = Array.from({ length: rows * cols }, (_, i) => {
    const parts: string[] = [];
    if (trueIds && i < trueIds.length) parts.push(`Label: ${name(trueIds[i]!)}`);
    if (predIds && i < predIds.length) parts.push(`Pred: ${name(predIds[i]!)}`);
    return parts.join("  ");
  });
  const png = await galleryPng(cells.slice(0, rows * cols), {
    rows,
    cols,
    cellSize: Math.max(1, Math.round(out.scale * out.dpi)),
    dpi: out.dpi,
    transparent: out.transparent,
    titles,
    legend: opts.legendHandles ?? [],
  });
  if (out.path !== null) await writeFileAtomic(out.path, png);
  return png;
}

/** The output options, checked, with Keras's defaults. */
export function checkOutputOptions(
  opts: GalleryOutputOptions,
  where: string,
): { scale: number; dpi: number; transparent: boolean; path: string | null } {
  const path = opts.path ?? null;
  if (opts.show) {
    throw new ValueError(
      `${where}: Strata has no window to show the gallery in; it returns the PNG's bytes, and ` +
        `writes them to \`path\` when given (received show=true${path === null ? "" : " with a path"})`,
    );
  }
  if (path !== null && (typeof path !== "string" || path === "")) {
    throw new ValueError(`${where}: path must be a file path; received ${String(path)}`);
  }
  const scale = opts.scale ?? 2;
  const dpi = opts.dpi ?? 60;
  for (const [name, v] of [
    ["scale", scale],
    ["dpi", dpi],
  ] as const) {
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) {
      throw new ValueError(`${where}: ${name} must be a positive number; received ${String(v)}`);
    }
  }
  return { scale, dpi, transparent: opts.transparent ?? true, path };
}

/** Each image of the batch as RGBA bytes, its values mapped from `valueRange` to 0–255. */
function toRgbaImages(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: string,
  dataFormat: ImageDataFormat,
  valueRange: readonly [number, number],
): RgbaImage[] {
  const last = dataFormat === "channels_last";
  const [b, d1, d2, d3] = shape as [number, number, number, number];
  const [height, width, channels] = last ? [d1, d2, d3] : [d2, d3, d1];
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ShapeError(
      `${WHERE}: images must have 1, 3 or 4 channels; received shape ${fmtShape(shape)} (${dataFormat})`,
    );
  }
  const byte = byteConverter(dtype, valueRange);
  const plane = height * width;
  return Array.from({ length: b }, (_, i) => {
    const rgba = new Uint8Array(plane * 4);
    for (let p = 0; p < plane; p++) {
      const at = (k: number): number =>
        byte(values[last ? (i * plane + p) * channels + k : (i * channels + k) * plane + p]!);
      const v0 = at(0);
      rgba[p * 4] = v0;
      rgba[p * 4 + 1] = channels === 1 ? v0 : at(1);
      rgba[p * 4 + 2] = channels === 1 ? v0 : at(2);
      rgba[p * 4 + 3] = channels === 4 ? at(3) : 255;
    }
    return { width, height, rgba };
  });
}
