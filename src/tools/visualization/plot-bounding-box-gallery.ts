/**
 * Keras's `keras.visualization.plot_bounding_box_gallery`: a gallery of images with their true
 * boxes drawn in `trueColor` and predicted boxes in `predColor` (drawBoundingBoxes), and an
 * optional legend. One deviation, so that any `valueRange` gives the right picture: the images
 * are mapped from `valueRange` to 0–255 bytes before the boxes are drawn (Keras draws first, on
 * drawBoundingBoxes' own guess of the range, and then rescales the drawn bytes again, which
 * garbles ranges other than 0–255).
 */
import { ShapeError, ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { type ImageDataFormat, checkDataFormat } from "../../utils/visualization/index.js";
import { type BoundingBoxesToDraw, drawBoundingBoxes } from "./draw-bounding-boxes.js";
import { checkValueRange, imagesToBytes } from "./value-range.js";
import {
  GALLERY_OUTPUT_OPTIONS,
  type GalleryOutputOptions,
  type LegendHandle,
  plotImageGallery,
} from "./plot-image-gallery.js";

export interface PlotBoundingBoxGalleryOptions extends GalleryOutputOptions {
  yTrue?: BoundingBoxesToDraw | null;
  yPred?: BoundingBoxesToDraw | null;
  /** Default [0, 255]. */
  valueRange?: readonly [number, number];
  /** Default [0, 188, 212]. */
  trueColor?: readonly number[];
  /** Default [255, 235, 59]. */
  predColor?: readonly number[];
  /** Default 2. */
  lineThickness?: number;
  /** Default 1. */
  fontScale?: number;
  /** Default lineThickness. */
  textThickness?: number | null;
  /** class id → name, for both unless the next two are given */
  classMapping?: Readonly<Record<number, string>> | null;
  groundTruthMapping?: Readonly<Record<number, string>> | null;
  predictionMapping?: Readonly<Record<number, string>> | null;
  /** Draw a "Ground Truth" / "Prediction" legend. Default false. */
  legend?: boolean;
  legendHandles?: readonly LegendHandle[] | null;
  rows?: number | null;
  cols?: number | null;
  dataFormat?: ImageDataFormat | null;
}

const OPTIONS = [
  ...GALLERY_OUTPUT_OPTIONS,
  "yTrue",
  "yPred",
  "valueRange",
  "trueColor",
  "predColor",
  "lineThickness",
  "fontScale",
  "textThickness",
  "classMapping",
  "groundTruthMapping",
  "predictionMapping",
  "legend",
  "legendHandles",
  "rows",
  "cols",
  "dataFormat",
];
const WHERE = "plotBoundingBoxGallery";

/**
 * Draws the boxes of `yTrue` and `yPred` (each `{boxes, labels, confidences?}` in
 * `boundingBoxFormat`) on `images` and resolves to the gallery's PNG bytes (also written to
 * `path` when given).
 */
export async function plotBoundingBoxGallery(
  images: TensorLike,
  boundingBoxFormat: string,
  opts: PlotBoundingBoxGalleryOptions = {},
): Promise<Buffer> {
  checkOptionNames(WHERE, opts, OPTIONS);
  const dataFormat = checkDataFormat(opts.dataFormat, WHERE);
  const trueColor = opts.trueColor ?? [0, 188, 212];
  const predColor = opts.predColor ?? [255, 235, 59];
  const groundTruthMapping = opts.groundTruthMapping || opts.classMapping || null;
  const predictionMapping = opts.predictionMapping || opts.classMapping || null;
  let img = asTensor(images);
  if (img.rank !== 4) {
    throw new ShapeError(
      `${WHERE}: images must be a batched 4-D tensor; received images.shape=${fmtShape(img.shape)}`,
    );
  }
  if (dataFormat === "channels_first") img = img.transpose([0, 2, 3, 1]);
  let drawn = imagesToBytes(img, checkValueRange(opts.valueRange, WHERE));
  const draw = (
    boxes: BoundingBoxesToDraw,
    color: readonly number[],
    mapping: typeof groundTruthMapping,
  ) =>
    drawBoundingBoxes(drawn, boxes, boundingBoxFormat, {
      color,
      classMapping: mapping,
      lineThickness: opts.lineThickness ?? 2,
      textThickness: opts.textThickness ?? null,
      fontScale: opts.fontScale ?? 1.0,
    });
  if (opts.yTrue) drawn = draw(opts.yTrue, trueColor, groundTruthMapping);
  if (opts.yPred) drawn = draw(opts.yPred, predColor, predictionMapping);
  let legendHandles = opts.legendHandles ?? null;
  if (opts.legend) {
    if (legendHandles && legendHandles.length > 0) {
      throw new ValueError(`${WHERE}: pass legend or legendHandles, not both`);
    }
    legendHandles = [
      { label: "Ground Truth", color: trueColor },
      { label: "Prediction", color: predColor },
    ];
  }
  return plotImageGallery(drawn, {
    valueRange: [0, 255],
    legendHandles,
    rows: opts.rows ?? null,
    cols: opts.cols ?? null,
    scale: opts.scale,
    path: opts.path,
    show: opts.show,
    transparent: opts.transparent,
    dpi: opts.dpi,
  });
}
