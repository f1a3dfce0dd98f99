/**
 * A whole model from its serialized config: what `model.toJson()` writes and a `.keras` file's
 * config.json holds.
 */
import { ValueError } from "../../errors.js";
import { type CustomObjects, deserializeLayer, kerasClassName } from "../../layers/registry.js";
import { Model } from "../model.js";

/**
 * Keras `deserialize_keras_object` for a model: the `{module, class_name, config, …}` object
 * that `model.toJson()` and `.keras` files hold, rebuilt (and compiled, when it carries a
 * `compile_config`).
 */
export function modelFromConfig(config: unknown, customObjects: CustomObjects = {}): Model {
  const layer = deserializeLayer(config, customObjects);
  if (!(layer instanceof Model)) {
    throw new ValueError(
      `modelFromConfig: expected the config of a model (Sequential, Functional …); received one of a ${kerasClassName(layer)} layer`,
    );
  }
  return layer;
}

/** Keras `models.model_from_json`. */
export function modelFromJson(json: string, customObjects: CustomObjects = {}): Model {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ValueError(`modelFromJson: the text is not JSON (${(e as Error).message})`);
  }
  return modelFromConfig(parsed, customObjects);
}
