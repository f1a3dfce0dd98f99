import type { Model } from "./model.js";

export { Model, type ModelArgs } from "./model.js";
export { Sequential } from "./sequential.js";
export { modelFromConfig, modelFromJson } from "./config.js";

/**
 * Keras `models.load_model(path)`: a model from a Keras 3 `.keras` archive, with its weights, and
 * compiled with its optimizer's state as saved (unless `compile: false`).
 */
export async function loadModel(
  path: string,
  opts: { customObjects?: Readonly<Record<string, unknown>>; compile?: boolean } = {},
): Promise<Model> {
  const { loadKerasModel } = await import("../io/keras-file.js");
  return loadKerasModel(path, opts);
}
