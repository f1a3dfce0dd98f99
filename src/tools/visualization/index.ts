/**
 * `st.visualization` (Keras's keras.visualization): drawBoundingBoxes and drawSegmentationMasks
 * return images with boxes or masks drawn; the plot*Gallery functions draw grids of images as
 * PNG (bytes returned, and written to `path` when given) where Keras draws matplotlib figures.
 */
export {
  drawSegmentationMasks,
  type DrawSegmentationMasksOptions,
  type ImageDataFormat,
} from "../../utils/visualization/index.js";
export {
  drawBoundingBoxes,
  type BoundingBoxesToDraw,
  type DrawBoundingBoxesOptions,
} from "./draw-bounding-boxes.js";
export {
  plotImageGallery,
  type GalleryOutputOptions,
  type LegendHandle,
  type PlotImageGalleryOptions,
} from "./plot-image-gallery.js";
export {
  plotBoundingBoxGallery,
  type PlotBoundingBoxGalleryOptions,
} from "./plot-bounding-box-gallery.js";
export {
  plotSegmentationMaskGallery,
  type PlotSegmentationMaskGalleryOptions,
} from "./plot-segmentation-mask-gallery.js";
