/** `st.preprocessing.image`: the book's older Keras image API (ImageDataGenerator). */
export {
  ImageDataGenerator,
  type ImageDataGeneratorOptions,
  type FitOptions,
  type ShiftRange,
  type InterpolationOrder,
} from "./image-data-generator.js";
export type { DataFormat } from "./augmenter.js";
export type { TransformParams } from "./affine-matrix.js";
export type { FillMode } from "./resample.js";
export { NumpyArrayIterator, type FlowOptions } from "./numpy-array-iterator.js";
export {
  DirectoryIterator,
  type FlowFromDirectoryOptions,
  type ClassMode,
} from "./directory-iterator.js";
export {
  DataFrameIterator,
  type FlowFromDataframeOptions,
  type DataFrameClassMode,
  type DataFrameRows,
} from "./dataframe-iterator.js";
export { ImageIterator, type ImageBatch } from "./image-iterator.js";
export type { SaveOptions } from "./save-batch.js";
export { smartResize, type SmartResizeOptions } from "./smart-resize.js";
