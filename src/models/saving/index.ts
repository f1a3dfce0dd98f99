/**
 * Saving and loading models: Keras 3's `.keras` archive and `.weights.h5` files, Keras's legacy
 * `.h5` files, and Strata's interim JSON weights, each composed from io's formats (zip, HDF5,
 * the JSON container) with the models' configs and the layer registry.
 */
import { setModelFiles } from "../model.js";
import { saveKerasModel } from "./keras-file.js";
import { loadModelWeights, saveModelWeights } from "./weights-files.js";

export { modelFromConfig, modelFromJson } from "./model-config.js";
/** Keras `models.load_model(path)`. */
export { loadKerasModel as loadModel } from "./keras-file.js";

// Model's save / saveWeights / loadWeights are implemented here, above model.ts.
setModelFiles({
  save: saveKerasModel,
  saveWeights: saveModelWeights,
  loadWeights: loadModelWeights,
});
