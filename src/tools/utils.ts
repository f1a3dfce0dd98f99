/**
 * `st.utils` (keras.utils): the data utilities of data/utils.ts plus the tools that draw —
 * plotModel / modelToDot and plotHistory — which sit above everything they draw.
 */
export * from "../data/utils.js";
export { modelToDot, plotModel } from "./plot/index.js";
export type { ModelToDotOptions, PlotModelOptions, Rankdir, Splines } from "./plot/index.js";
export { plotHistory, type PlotHistoryOptions } from "./curves/index.js";
export {
  registerKerasSerializable,
  getRegisteredName,
  getRegisteredObject,
  getCustomObjects,
  CustomObjectScope,
  customObjectScope,
} from "../nn/object-registration.js";
export {
  serializeKerasObject,
  deserializeKerasObject,
} from "../models/saving/serialization-lib.js";
