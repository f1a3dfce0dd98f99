/** `ops.image.*`: mirrors `keras.ops.image`. */
export type { ResizeOptions, ResizeInterpolation } from "./resize.js";
export { resize } from "../vmap/rules.js";
export type { DataFormat } from "./image-args.js";
export {
  affineTransform,
  type AffineTransformOptions,
  type FillMode,
  type SampleInterpolation,
} from "./affine-transform.js";
export {
  cropImages,
  padImages,
  type CropImagesOptions,
  type PadImagesOptions,
} from "./crop-pad.js";
export { rgbToGrayscale, rgbToHsv, hsvToRgb } from "./color.js";
export { extractPatches, extractPatches3d, type ExtractPatchesOptions } from "./patches.js";
export { reconstructPatches, type ReconstructPatchesOptions } from "./reconstruct-patches.js";
export { mapCoordinates } from "./map-coordinates.js";
export { perspectiveTransform, type PerspectiveTransformOptions } from "./perspective-transform.js";
export { gaussianBlur, type GaussianBlurOptions } from "./gaussian-blur.js";
export { elasticTransform, type ElasticTransformOptions } from "./elastic-transform.js";
export { scaleAndTranslate, type ScaleTranslateMethod } from "./scale-and-translate.js";
export { sobelEdges } from "./sobel-edges.js";
export { ssim, type SsimOptions } from "./ssim.js";
