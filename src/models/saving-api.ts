/** `st.saving` (keras.saving): loading and saving whole models and their weights. */
export { loadModel, saveModel, saveWeights, loadWeights } from "./saving/index.js";
