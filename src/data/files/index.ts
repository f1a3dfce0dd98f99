/** Files to data: `getFile`, image I/O, `imageDatasetFromDirectory`, `textDatasetFromDirectory`, `timeseriesDatasetFromArray`, CSV datasets (published in `st.utils`). */
export { timeseriesDatasetFromArray, type TimeseriesOptions } from "./timeseries.js";
export { textDatasetFromDirectory, type TextDatasetOptions } from "./text-dataset.js";
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
