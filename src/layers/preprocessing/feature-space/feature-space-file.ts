/**
 * A FeatureSpace's own `.keras` file, as Keras's `feature_space.save("x.keras")` writes it with
 * saving_lib: metadata.json, config.json (the serialized FeatureSpace with its build config),
 * the lookups' assets and model.weights.h5, laid out by Keras's walk over the FeatureSpace's
 * attributes in sorted order: `concat`, `crossers/hashed_crossing…`, `features/feature…/
 * preprocessor` (every preprocessor's state is found there, by feature order), then
 * `one_hot_encoders/category_encoding…`. Each layer gets a `vars` group with its variables as
 * `0`, `1` … (or its own named entries), and its assets go to `assets/<path>/`.
 *
 * Models live above layers, so this file writes the archive itself from io/'s zip and HDF5
 * writers and reads it back the same way.
 */
import { StrataError, ValueError } from "../../../errors.js";
import { writeFileAtomic } from "../../../io/atomic-write.js";
import { type Hdf5Group, readHdf5 } from "../../../io/hdf5.js";
import { type Hdf5WriteData, Hdf5WriteGroup, encodeHdf5 } from "../../../io/hdf5-write.js";
import { ZipReader } from "../../../io/zip.js";
import { encodeZip } from "../../../io/zip-write.js";
import { readFile } from "node:fs/promises";
import { toSnakeCase } from "../../../nn/serialization.js";
import { castTo } from "../../../ops/core.js";
import type { DType } from "../../../tensor/dtype.js";
import { type Tensor, fromValues } from "../../../tensor/tensor.js";
import type { Layer } from "../../layer.js";
import {
  type CustomObjects,
  deserializeLayer,
  kerasClassName,
  serializeLayer,
} from "../../registry.js";

/** The Keras release whose format is written (the one Strata's `.keras` files name). */
const KERAS_VERSION = "3.16.0";

/** What the file needs of a FeatureSpace (the class imports this module, not the reverse). */
export interface FeatureSpaceParts extends Layer {
  readonly features: Readonly<Record<string, { readonly preprocessor: Layer }>>;
  readonly crossers: Readonly<Record<string, Layer>>;
  readonly oneHotEncoders: Readonly<Record<string, Layer>>;
  readonly concatLayer: Layer | null;
  buildFromConfig(config: Record<string, unknown>): void;
}

interface OwnVariables {
  saveOwnVariables(): Record<string, Tensor>;
  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void;
}

interface Assets {
  saveAssets(): Record<string, Uint8Array>;
  loadAssets(files: Readonly<Record<string, Uint8Array>>): void;
}

const hasOwnVariables = (l: Layer): l is Layer & OwnVariables =>
  typeof (l as Partial<OwnVariables>).saveOwnVariables === "function" &&
  typeof (l as Partial<OwnVariables>).loadOwnVariables === "function";

const hasAssets = (l: Layer): l is Layer & Assets =>
  typeof (l as Partial<Assets>).saveAssets === "function" &&
  typeof (l as Partial<Assets>).loadAssets === "function";

/** One layer of the file and its group path. */
interface Entry {
  layer: Layer;
  path: string;
}

/** Keras's saving_lib walk over a FeatureSpace: each layer once, at the first path it is met. */
export function featureSpaceLayout(fs: FeatureSpaceParts): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<Layer>();
  const add = (layer: Layer, path: string) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    entries.push({ layer, path });
  };
  // A container's entries are named by snake_case class name, numbered in order
  // (`_get_unique_name`): hashed_crossing, hashed_crossing_1 …
  const unique = (used: Map<string, number>, name: string): string => {
    const n = used.get(name);
    used.set(name, n === undefined ? 0 : n + 1);
    return n === undefined ? name : `${name}_${n + 1}`;
  };
  const container = (layers: readonly Layer[], path: string) => {
    const used = new Map<string, number>();
    for (const l of layers) add(l, `${path}/${unique(used, toSnakeCase(kerasClassName(l)))}`);
  };
  if (fs.concatLayer) add(fs.concatLayer, "concat");
  container(Object.values(fs.crossers), "crossers");
  const used = new Map<string, number>();
  for (const f of Object.values(fs.features)) {
    add(f.preprocessor, `features/${unique(used, "feature")}/preprocessor`);
  }
  container(Object.values(fs.oneHotEncoders), "one_hot_encoders");
  return entries;
}

function tensorData(t: Tensor): Hdf5WriteData {
  const data = t.dataSync();
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    return data;
  }
  return t.dtype === "float32" ? Float32Array.from(data, Number) : Int32Array.from(data, Number);
}

function weightsTree(fs: FeatureSpaceParts): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  root.group("vars");
  for (const { layer, path } of featureSpaceLayout(fs)) {
    const group = root.group(`${path}/vars`);
    if (hasOwnVariables(layer)) {
      for (const [name, t] of Object.entries(layer.saveOwnVariables())) {
        group.dataset(name, tensorData(t), t.shape);
      }
      continue;
    }
    layer.weights.forEach((v, i) => group.dataset(String(i), tensorData(v.value), v.shape));
  }
  return root;
}

/** Keras's `date_saved`: local time as "%Y-%m-%d@%H:%M:%S". */
function kerasDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` +
    `@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

/** Writes `fs` to a `.keras` archive at `path`, atomically. */
export async function saveFeatureSpaceFile(fs: FeatureSpaceParts, path: string): Promise<void> {
  if (typeof path !== "string" || !path.endsWith(".keras")) {
    throw new ValueError(
      `${fs.where()}: save expects a filepath ending in ".keras"; received ${JSON.stringify(path)}`,
    );
  }
  const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const assets: [string, Uint8Array][] = [];
  for (const { layer, path: p } of featureSpaceLayout(fs)) {
    if (!hasAssets(layer)) continue;
    for (const [name, bytes] of Object.entries(layer.saveAssets())) {
      assets.push([`assets/${p}/${name}`, bytes]);
    }
  }
  const bytes = encodeZip([
    ["metadata.json", encode({ keras_version: KERAS_VERSION, date_saved: kerasDate(new Date()) })],
    ["config.json", encode(serializeLayer(fs))],
    ...assets,
    ["model.weights.h5", encodeHdf5(weightsTree(fs))],
  ]);
  await writeFileAtomic(path, bytes);
}

/** A dataset of the weights file as a tensor (of `dtype` when given). */
function readTensor(group: Hdf5Group, key: string, where: string, dtype?: DType): Tensor {
  const ds = group.dataset(key);
  const data = ds.read();
  if (Array.isArray(data)) {
    throw new StrataError(`${where}: ${group.path}/${key} holds strings; expected numbers`);
  }
  const values =
    data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array
      ? data
      : Int32Array.from(data as ArrayLike<number | bigint>, Number);
  const t = fromValues(values, [...ds.shape]);
  return dtype === undefined ? t : castTo(t, dtype);
}

function loadState(fs: FeatureSpaceParts, root: Hdf5Group, zip: ZipReader, where: string): void {
  const names = zip.names();
  for (const { layer, path } of featureSpaceLayout(fs)) {
    const varsPath = `${path}/vars`;
    const group = root.has(varsPath) ? root.group(varsPath) : null;
    if (hasOwnVariables(layer)) {
      const store: Record<string, Tensor> = {};
      for (const key of group?.keys() ?? []) store[key] = readTensor(group!, key, where);
      layer.loadOwnVariables(store);
    } else {
      layer.weights.forEach((v, i) => {
        if (!group?.has(String(i))) {
          throw new StrataError(
            `${where}: the file has no ${varsPath}/${i} for ${layer.where()} (variable ${v.name})`,
          );
        }
        const t = readTensor(group, String(i), where, v.value.dtype);
        if (t.shape.join() !== v.shape.join()) {
          throw new StrataError(
            `${where}: ${varsPath}/${i} has shape [${t.shape.join(", ")}]; ${layer.where()} ` +
              `expects [${v.shape.join(", ")}] for ${v.name}`,
          );
        }
        v.assign(t);
      });
    }
    if (hasAssets(layer)) {
      const prefix = `assets/${path}/`;
      const files: Record<string, Uint8Array> = {};
      for (const n of names) {
        if (n.startsWith(prefix) && !n.endsWith("/")) files[n.slice(prefix.length)] = zip.read(n);
      }
      layer.loadAssets(files);
    }
  }
}

/**
 * Reads a FeatureSpace saved by `saveFeatureSpaceFile` (or by Keras): rebuilt from its config,
 * its preprocessors built from the build config, then their variables and assets loaded.
 */
export async function loadFeatureSpaceFile(
  path: string,
  customObjects: CustomObjects = {},
): Promise<Layer> {
  const where = "FeatureSpace.load";
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new StrataError(`${where}: could not read "${path}" (${(err as Error).message})`);
  }
  const zip = new ZipReader(bytes, path);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as Record<
      string,
      unknown
    >;
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`${where}: ${path}/config.json is not JSON (${(err as Error).message})`);
  }
  if (config.class_name !== "FeatureSpace") {
    throw new ValueError(
      `${where}: "${path}" holds a ${String(config.class_name)}, not a FeatureSpace; load models ` +
        `with st.models.loadModel`,
    );
  }
  const { build_config: buildConfig, ...rest } = config;
  const fs = deserializeLayer(rest, customObjects) as FeatureSpaceParts;
  fs.buildFromConfig((buildConfig ?? {}) as Record<string, unknown>);
  loadState(fs, readHdf5(zip.read("model.weights.h5"), `${path}/model.weights.h5`), zip, where);
  return fs;
}
