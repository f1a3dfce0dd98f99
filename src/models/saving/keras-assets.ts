/**
 * The `assets/` folder of a `.keras` archive: each layer with assets (see layer-state.ts) writes
 * its files under `assets/<path>/`, where `<path>` is its group in Keras's layout, as Keras 3's
 * saving_lib does (`assets/layers/string_lookup/vocabulary.txt`), and reads them back on load.
 */
import type { ZipReader } from "../../io/zip.js";
import type { Model } from "../model.js";
import { kerasLayout, kerasPath } from "./keras-weights.js";
import { hasAssetsState } from "./layer-state.js";

/** The archive folder of a layer's assets: `assets/<path>`. */
function assetsDir(path: string): string {
  return kerasPath("assets", path);
}

/** Every layer's asset files as archive members (`assets/<path>/<name>`), in layout order. */
export function assetMembers(model: Model): [string, Uint8Array][] {
  const members: [string, Uint8Array][] = [];
  for (const { layer, path } of kerasLayout(model)) {
    if (!hasAssetsState(layer)) continue;
    for (const [name, bytes] of Object.entries(layer.saveAssets())) {
      members.push([`${assetsDir(path)}/${name}`, bytes]);
    }
  }
  return members;
}

/** Hands each layer that has assets the files of its `assets/<path>/` folder in `zip`. */
export function loadAssetMembers(model: Model, zip: ZipReader): void {
  const names = zip.names();
  for (const { layer, path } of kerasLayout(model)) {
    if (!hasAssetsState(layer)) continue;
    const prefix = `${assetsDir(path)}/`;
    const files: Record<string, Uint8Array> = {};
    for (const name of names) {
      if (name.startsWith(prefix) && !name.endsWith("/")) {
        files[name.slice(prefix.length)] = zip.read(name);
      }
    }
    layer.loadAssets(files);
  }
}
