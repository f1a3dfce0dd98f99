/**
 * The data layer (DESIGN.md): dataset loaders and data utilities. `src/index.ts` publishes these
 * as `st.datasets` and (part of) `st.utils`.
 */
export * as datasets from "./datasets/index.js";
export { toCategorical } from "./utils.js";
