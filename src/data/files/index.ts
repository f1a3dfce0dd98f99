/** Files to data: `getFile`, image I/O, `imageDatasetFromDirectory`, `textDatasetFromDirectory`, `audioDatasetFromDirectory`, `timeseriesDatasetFromArray`, CSV datasets (published in `st.utils`). */
export { timeseriesDatasetFromArray, type TimeseriesOptions } from "./timeseries.js";
export { textDatasetFromDirectory, type TextDatasetOptions } from "./text-dataset.js";
export {
  audioDatasetFromDirectory,
  type AudioDatasetOptions,
  type RaggedAudio,
} from "./audio-dataset.js";
export type { DirectoryDataset, DirectoryOptions, LabelMode, Subset } from "./directory-index.js";
export {
  loadImg,
  imgToArray,
  arrayToImg,
  saveImg,
  type Image,
  type ImageMode,
  type ColorMode,
  type LoadImgOptions,
} from "./image.js";
export type { PilInterpolation } from "./pil-resize.js";
export { imageDatasetFromDirectory, type ImageDatasetOptions } from "./image-dataset.js";
export { getFile, type GetFileOptions } from "./get-file.js";
export {
  makeCsvDataset,
  type CsvDatasetOptions,
  type CsvElement,
  type ColumnDefault,
} from "./csv-dataset.js";
