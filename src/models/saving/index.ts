/**
 * Saving and loading models: Keras 3's `.keras` archive and `.weights.h5` files, Keras's legacy
 * `.h5` files, and Strata's interim JSON weights, each composed from io's formats (zip, HDF5,
 * the JSON container) with the models' configs and the layer registry.
 */
import { existsSync } from "node:fs";
import { ValueError } from "../../errors.js";
import { type Model, setModelFiles } from "../model.js";
import { saveKerasModel } from "./keras-file.js";
import { loadModelWeights, saveModelWeights } from "./weights-files.js";

export { modelFromConfig, modelFromJson } from "./model-config.js";
export {
  KerasFileEditor,
  type KerasFileEditorOptions,
  type WeightsDict,
  type WeightsInput,
  type ObjectMetadata,
  type CompareResult,
} from "./file-editor.js";
/** Keras `models.load_model(path)`. */
export { loadKerasModel as loadModel } from "./keras-file.js";

// Model's save / saveWeights / loadWeights are implemented here, above model.ts.
setModelFiles({
  save: saveKerasModel,
  saveWeights: saveModelWeights,
  loadWeights: loadModelWeights,
});

/**
 * Keras `saving.save_model(model, filepath, overwrite=True)`: `model.save(path)`, refusing to
 * replace an existing file when `overwrite` is false.
 */
export async function saveModel(
  model: Model,
  path: string,
  opts: { overwrite?: boolean } = {},
): Promise<void> {
  if (opts.overwrite === false && existsSync(path)) {
    throw new ValueError(`saveModel: "${path}" exists and overwrite is false`);
  }
  await saveKerasModel(model, path);
}

/** Keras `saving.save_weights(model, filepath)`: `model.saveWeights(path)`. */
export const saveWeights = (model: Model, path: string): Promise<void> =>
  saveModelWeights(model, path);

/** Keras `saving.load_weights(model, filepath)`: `model.loadWeights(path)`. */
export const loadWeights = (model: Model, path: string): Promise<void> =>
  loadModelWeights(model, path);
