/**
 * Keras's `keras.visualization.plot_segmentation_mask_gallery`: one row per image — the image,
 * then its true masks and its predicted masks drawn over it (drawSegmentationMasks). As in
 * plotBoundingBoxGallery, the images are mapped from `valueRange` to 0–255 before the masks are
 * drawn (Keras blends the masks' 0–255 colours into images of any range and then rescales the
 * result, which garbles ranges other than 0–255).
 */
import { ShapeError, checkOptionNames, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast } from "../../ops/elementwise.js";
import { stack } from "../../ops/join.js";
import { unstack } from "../../ops/core-extra.js";
import { transpose } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  type ImageDataFormat,
  checkDataFormat,
  drawSegmentationMasks,
} from "../../utils/visualization/index.js";
import {
  GALLERY_OUTPUT_OPTIONS,
  type GalleryOutputOptions,
  plotImageGallery,
} from "./plot-image-gallery.js";
import { checkValueRange, imagesToBytes } from "./value-range.js";

export interface PlotSegmentationMaskGalleryOptions extends GalleryOutputOptions {
  /** Default [0, 255]. */
  valueRange?: readonly [number, number];
  /** (batch, height, width) or (batch, height, width, 1) true class ids */
  yTrue?: TensorLike | null;
  /** predicted class ids, shaped as yTrue */
  yPred?: TensorLike | null;
  colorMapping?: Readonly<Record<number, readonly number[]>> | null;
  /** Default true. */
  blend?: boolean;
  /** Default 0.8. */
  alpha?: number;
  /** Default -1. */
  ignoreIndex?: number;
  dataFormat?: ImageDataFormat | null;
}

const OPTIONS = [
  ...GALLERY_OUTPUT_OPTIONS,
  "valueRange",
  "yTrue",
  "yPred",
  "colorMapping",
  "blend",
  "alpha",
  "ignoreIndex",
  "dataFormat",
];
const WHERE = "plotSegmentationMaskGallery";

/**
 * Draws the gallery (rows: images; columns: the image, yTrue's masks, yPred's masks) and
 * resolves to its PNG bytes (also written to `path` when given).
 */
export async function plotSegmentationMaskGallery(
  images: TensorLike,
  numClasses: number,
  opts: PlotSegmentationMaskGalleryOptions = {},
): Promise<Buffer> {
  checkOptionNames(WHERE, opts, OPTIONS);
  const dataFormat = checkDataFormat(opts.dataFormat, WHERE);
  let img = asTensor(images);
  if (img.rank !== 4) {
    throw new ShapeError(
      `${WHERE}: images must be a batched 4-D tensor; received images.shape=${fmtShape(img.shape)}`,
    );
  }
  if (dataFormat === "channels_first") img = transpose(img, [0, 2, 3, 1]);
  const bytes = cast(imagesToBytes(img, checkValueRange(opts.valueRange, WHERE)), "float32");
  const draw = (masks: TensorLike): Tensor => {
    let m = asTensor(masks);
    if (dataFormat === "channels_first" && m.rank === 4) m = transpose(m, [0, 2, 3, 1]);
    const drawn = drawSegmentationMasks(bytes, cast(m, "int32"), {
      numClasses,
      colorMapping: opts.colorMapping ?? null,
      alpha: opts.alpha ?? 0.8,
      blend: opts.blend ?? true,
      ignoreIndex: opts.ignoreIndex ?? -1,
    });
    return cast(drawn, "float32");
  };
  const columns = [bytes];
  if (opts.yTrue !== undefined && opts.yTrue !== null) columns.push(draw(opts.yTrue));
  if (opts.yPred !== undefined && opts.yPred !== null) columns.push(draw(opts.yPred));
  // Row i holds image i, then its drawn masks: interleave along the batch axis.
  const batch = img.shape[0]!;
  const perColumn = columns.map((t) => unstack(t));
  const cells = Array.from({ length: batch }, (_, i) => perColumn.map((c) => c[i]!)).flat();
  const gallery = cells.length > 0 ? stack(cells, 0) : bytes;
  return plotImageGallery(gallery, {
    valueRange: [0, 255],
    rows: batch,
    cols: columns.length,
    scale: opts.scale,
    path: opts.path,
    show: opts.show,
    transparent: opts.transparent,
    dpi: opts.dpi,
  });
}
