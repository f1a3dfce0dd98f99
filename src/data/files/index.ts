/** Files to data: `getFile`, image I/O, `imageDatasetFromDirectory`, `textDatasetFromDirectory`, `timeseriesDatasetFromArray`, CSV datasets (published in `st.utils`). */
export { timeseriesDatasetFromArray, type TimeseriesOptions } from "./timeseries.js";
