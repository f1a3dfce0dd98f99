/** Files to data: `getFile`, image I/O, `imageDatasetFromDirectory`, `textDatasetFromDirectory`, `timeseriesDatasetFromArray`, CSV datasets (published in `st.utils`). */
export { timeseriesDatasetFromArray, type TimeseriesOptions } from "./timeseries.js";
export { textDatasetFromDirectory, type TextDatasetOptions } from "./text-dataset.js";
export type { DirectoryDataset, DirectoryOptions, LabelMode, Subset } from "./directory-index.js";
