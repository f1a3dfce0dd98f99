/**
 * A whole model from its serialized config: what `model.toJson()` writes and a `.keras` file's
 * config.json holds.
 */
import { ValueError } from "../../errors.js";
import { type CustomObjects, deserializeLayer, kerasClassName } from "../../layers/registry.js";
import { Model } from "../model.js";
import { namingFile } from "./file-errors.js";
import { upgradeLegacyConfig } from "./legacy-config.js";
import { upgradeModelConfig } from "./legacy-config-upgrade.js";

/**
 * Keras `deserialize_keras_object` for a model: the `{module, class_name, config, …}` object
 * that `model.toJson()` and `.keras` files hold, rebuilt (and compiled, when it carries a
 * `compile_config`). Configs older Keras versions wrote are upgraded first
 * (legacy-config-upgrade.ts).
 */
export function modelFromConfig(config: unknown, customObjects: CustomObjects = {}): Model {
  // Keras 2's `model.to_json()` records the release that wrote it.
  const version = (config as { keras_version?: unknown } | null)?.keras_version;
  return modelFromSavedConfig(config, customObjects, typeof version === "string" ? version : null);
}

/**
 * `modelFromConfig` for a config read from a file written by Keras `kerasVersion` (null: not
 * recorded): configs of older releases are read as they meant (legacy-config.ts).
 */
export function modelFromSavedConfig(
  config: unknown,
  customObjects: CustomObjects,
  kerasVersion: string | null,
): Model {
  const layer = deserializeLayer(
    upgradeLegacyConfig(upgradeModelConfig(config), kerasVersion),
    customObjects,
  );
  if (!(layer instanceof Model)) {
    throw new ValueError(
      `modelFromConfig: expected the config of a model (Sequential, Functional …); received one of a ${kerasClassName(layer)} layer`,
    );
  }
  return layer;
}

/**
 * `modelFromConfig` for the config of a model file: an error (an unknown class name, a bad
 * argument) is raised as the same StrataError kind with the file's name in front (`where`).
 */
export function modelFromFileConfig(
  config: unknown,
  customObjects: CustomObjects | undefined,
  where: string,
  kerasVersion: string | null,
): Model {
  try {
    return modelFromSavedConfig(config, customObjects ?? {}, kerasVersion);
  } catch (e) {
    throw namingFile(e, where, where);
  }
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
