/** `st.data`: tf.data's Dataset and its constants. */
export {
  Dataset,
  AUTOTUNE,
  type BatchOptions,
  type MapOptions,
  type PaddedBatchOptions,
  type ShuffleOptions,
} from "./dataset.js";
export { INFINITE_CARDINALITY, UNKNOWN_CARDINALITY } from "./cardinality.js";
export type { Element } from "./structure.js";
