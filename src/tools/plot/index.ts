/** Model plots: Keras's `plot_model` and `model_to_dot` (`st.utils.plotModel`, `modelToDot`). */
export { modelToDot } from "./model-to-dot.js";
export { plotModel } from "./plot-model.js";
export type { ModelToDotOptions, PlotModelOptions, Rankdir, Splines } from "./options.js";
