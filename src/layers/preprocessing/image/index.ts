/**
 * Image preprocessing and augmentation layers (Keras's `keras.layers` image preprocessing), and
 * their base class for custom augmentations. The factor and value-range helpers stay in
 * base-image-layer.ts, for the library's own layers.
 */
export {
  BaseImagePreprocessingLayer,
  type BaseImageLayerArgs,
  type ImageLayerKind,
  type ImageSize,
} from "./base-image-layer.js";
export { RandomFlip, type RandomFlipArgs, type FlipMode } from "./random-flip.js";
export { Resizing, type ResizingArgs } from "./resizing.js";
export { CenterCrop, type CenterCropArgs } from "./center-crop.js";
export { RandomCrop, type RandomCropArgs } from "./random-crop.js";
export {
  type AffineLayerArgs,
  type AffineFillMode,
  type AffineInterpolation,
} from "./affine-layer.js";
export { RandomRotation, type RandomRotationArgs } from "./random-rotation.js";
export { RandomZoom, type RandomZoomArgs, type ZoomFactor } from "./random-zoom.js";
export {
  RandomTranslation,
  type RandomTranslationArgs,
  type TranslationFactor,
} from "./random-translation.js";
export { RandomShear, type RandomShearArgs, type ShearFactor } from "./random-shear.js";
export { RandomPerspective, type RandomPerspectiveArgs } from "./random-perspective.js";
export {
  RandomElasticTransform,
  type RandomElasticTransformArgs,
} from "./random-elastic-transform.js";
export { MaxNumBoundingBoxes, type MaxNumBoundingBoxesArgs } from "./max-num-bounding-boxes.js";
export type { ImageLayerData, ImageLayerOutput, BoundingBoxes } from "./image-data.js";
export {
  ContrastLimitedAdaptiveHistogramEqualization,
  type ContrastLimitedAdaptiveHistogramEqualizationArgs,
} from "./clahe.js";
