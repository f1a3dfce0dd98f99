/** The pure tensor part of `st.visualization` (keras.visualization): drawSegmentationMasks. */
export {
  drawSegmentationMasks,
  segmentationPalette,
  checkDataFormat,
  type DrawSegmentationMasksOptions,
  type ImageDataFormat,
} from "./draw-segmentation-masks.js";
