/**
 * `st.utils.boundingBoxes` (Keras's `keras.utils.bounding_boxes`): converting box formats,
 * clipping, cropping, padding and moving boxes with images, IoU / CIoU, and anchor deltas.
 */
export {
  BOUNDING_BOX_FORMATS,
  type BoundingBoxFormat,
  type BoundingBoxes,
  type ConvertFormatOptions,
  convertFormat,
} from "./formats.js";
export { clipToImageSize, crop, pad, type ClipToImageSizeOptions } from "./clip.js";
export { affineTransform, type AffineTransformOptions } from "./affine.js";
export { computeIou, computeCiou, type ComputeIouOptions, type ImageShape } from "./iou.js";
export { encodeBoxToDeltas, decodeDeltasToBoxes, type DeltaOptions } from "./deltas.js";
