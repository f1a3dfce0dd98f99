/**
 * Layer state that is not a list of numbered variables, saved where Keras 3's saving_lib puts it.
 * A layer opts in by defining any of these methods (duck-typed, as Keras checks `hasattr`):
 *
 * - `saveOwnVariables(): Record<string, Tensor>` / `loadOwnVariables(store)`: the layer's own
 *   entries of the weights file by name (`<path>/vars/<name>`) instead of its variables as
 *   `vars/0`, `1` … (Keras's `save_own_variables` / `load_own_variables`; a lookup layer's
 *   `idf_weights`).
 * - `saveAssets(): Record<string, Uint8Array>` / `loadAssets(files)`: files of the archive's
 *   `assets/<path>/` folder, keyed by their name under it (Keras's `save_assets(dir)` /
 *   `load_assets(dir)`; a lookup layer's `vocabulary.txt`).
 *
 * `<path>` is the layer's group in Keras's layout (`layers/string_lookup`), from `kerasLayout`.
 */
import type { Layer } from "../../layers/layer.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface OwnVariablesState {
  saveOwnVariables(): Record<string, Tensor>;
  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void;
}

export interface AssetsState {
  saveAssets(): Record<string, Uint8Array>;
  loadAssets(files: Readonly<Record<string, Uint8Array>>): void;
}

export function hasOwnVariablesState(layer: Layer): layer is Layer & OwnVariablesState {
  const l = layer as Partial<OwnVariablesState>;
  return typeof l.saveOwnVariables === "function" && typeof l.loadOwnVariables === "function";
}

export function hasAssetsState(layer: Layer): layer is Layer & AssetsState {
  const l = layer as Partial<AssetsState>;
  return typeof l.saveAssets === "function" && typeof l.loadAssets === "function";
}
