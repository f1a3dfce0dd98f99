/**
 * Keras 3's files: the `.keras` archive (a zip of metadata.json, config.json and
 * model.weights.h5) and `save_weights`' `.weights.h5`, read and written; Keras's legacy `.h5`
 * model file, read (keras-legacy.ts) and written (keras-legacy-write.ts). Every write goes
 * through `writeFileAtomic`, so a failed save leaves the previous file whole.
 */
import { readFile } from "node:fs/promises";
import { StrataError, ValueError } from "../../errors.js";
import type { CustomObjects } from "../../layers/registry.js";
import { namingFile } from "./file-errors.js";
import { modelFromFileConfig } from "./model-config.js";
import { withSafeMode } from "../../layers/core/safe-mode.js";
import type { Model } from "../model.js";
import type { LoadWeightsOptions } from "../load-weights-options.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { HDF5_SIGNATURE, type Hdf5Group, readHdf5 } from "../../io/hdf5.js";
import { loadKerasWeights } from "./keras-weights.js";
import { isLegacyH5, loadLegacyModel, loadLegacyWeights } from "./keras-legacy.js";
import { ZipReader } from "../../io/zip.js";
import { encodeZip } from "../../io/zip-write.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { encodeKerasWeights } from "./keras-weights-write.js";
import { LEGACY_H5_WARNING, encodeLegacyModel } from "./keras-legacy-write.js";
import { assetMembers, loadAssetMembers } from "./keras-assets.js";
import { serializeLayer } from "../../layers/registry.js";
import {
  type LegacyOptimizerKind,
  alignLegacyOptimizerState,
  legacyOptimizerKind,
} from "./legacy-optimizer-state.js";

/** The Keras release whose `.keras` format Strata writes (the version its fixtures were saved by). */
export const KERAS_VERSION = "3.16.0";

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** What a weights or model file holds, read from its first bytes. */
export function fileKind(bytes: Uint8Array): "hdf5" | "zip" | "other" {
  const starts = (sig: readonly number[]) => sig.every((b, i) => bytes[i] === b);
  return starts(HDF5_SIGNATURE) ? "hdf5" : starts(ZIP_SIGNATURE) ? "zip" : "other";
}

export async function readBytes(path: string, who: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new StrataError(`${who}: no file found at "${path}"`);
    if (code === "EISDIR") throw new StrataError(`${who}: "${path}" is a directory, not a file`);
    throw new StrataError(`${who}: could not read "${path}" (${(err as Error).message})`);
  }
}

/**
 * The model weights of a Keras 3 file: a `.weights.h5` (HDF5) or a `.keras` archive. With
 * `optimizer`, a compiled model's optimizer also gets its saved state, as Keras loads it.
 */
export function loadKerasWeightsBytes(
  model: Model,
  bytes: Uint8Array,
  path: string,
  optimizer: boolean,
  opts: LoadWeightsOptions = {},
): void {
  try {
    const root =
      fileKind(bytes) === "zip"
        ? archiveWeights(new ZipReader(bytes, path), path)
        : readHdf5(bytes, path);
    loadWeightsFrom(model, root, path, optimizer, opts);
  } catch (err) {
    throw namingFile(err, `loadWeights: ${path}`, path);
  }
}

/** The HDF5 weights file inside a `.keras` archive. */
function archiveWeights(zip: ZipReader, path: string): Hdf5Group {
  return readHdf5(zip.read("model.weights.h5"), `${path}/model.weights.h5`);
}

/**
 * Assigns the weights of an open Keras weights file, Keras 3's layout or the legacy one.
 * `writer` is set for a `.keras` archive tf.keras 2.x wrote (its optimizer state has no
 * learning-rate variable: legacy-optimizer-state.ts).
 */
function loadWeightsFrom(
  model: Model,
  root: Hdf5Group,
  path: string,
  optimizer: boolean,
  opts: LoadWeightsOptions = {},
  writer: LegacyOptimizerKind | null = null,
): void {
  if (isLegacyH5(root)) {
    // A legacy file's optimizer state is restored only by loadModel, as Keras's load_weights does.
    const group = root.attrs().has("layer_names") ? root : root.group("model_weights");
    loadLegacyWeights(model, group, path, opts);
    return;
  }
  if (opts.byName) {
    throw new ValueError(
      `loadWeights: byName only supports loading legacy ".h5" / ".hdf5" files; "${path}" is ` +
        `in Keras 3's layout, whose weights are matched by the model's structure`,
    );
  }
  loadKerasWeights(model, root, { skipMismatch: opts.skipMismatch === true });
  if (optimizer) loadOptimizerState(model, root, writer);
}

/**
 * Keras `models.load_model` for a `.keras` archive or a legacy `.h5` model file: the model,
 * compiled as saved unless `compile: false`. `safeMode` (default true) is Keras's: Strata never
 * runs code from a file either way, so it changes only how a Python lambda's refusal reads.
 */
export async function loadKerasModel(
  path: string,
  opts: { customObjects?: CustomObjects; compile?: boolean; safeMode?: boolean } = {},
): Promise<Model> {
  const who = "loadModel";
  const bytes = await readBytes(path, who);
  try {
    return loadModelBytes(bytes, path, opts);
  } catch (err) {
    throw namingFile(err, `${who}: ${path}`, path);
  }
}

function loadModelBytes(
  bytes: Uint8Array,
  path: string,
  opts: { customObjects?: CustomObjects; compile?: boolean; safeMode?: boolean },
): Model {
  const who = "loadModel";
  const kind = fileKind(bytes);
  if (kind === "hdf5") return loadLegacyModel(readHdf5(bytes, path), path, opts);
  if (kind !== "zip") {
    throw new ValueError(
      `${who}: expected a Keras 3 ".keras" archive (a zip) or a legacy HDF5 ".h5" model; ` +
        `"${path}" is neither`,
    );
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
    throw new StrataError(`${who}: ${path}/config.json is not JSON (${(err as Error).message})`);
  }
  // tf.keras 2.13–2.15 wrote .keras archives too (keras_version "2.x" in metadata.json).
  const writer = archiveKerasVersion(zip)?.startsWith("2.")
    ? legacyOptimizerKind((config.compile_config as { optimizer?: unknown } | undefined)?.optimizer)
    : null;
  if (opts.compile === false) delete config.compile_config;
  const model = withSafeMode(opts.safeMode, who, () =>
    modelFromFileConfig(
      config,
      opts.customObjects,
      `${who}: ${path}/config.json`,
      archiveKerasVersion(zip),
    ),
  );
  loadWeightsFrom(model, archiveWeights(zip, path), path, model.compiled !== null, {}, writer);
  loadAssetMembers(model, zip); // after the variables, as Keras loads them
  return model;
}

/** metadata.json's `keras_version` (tf.keras 2.13+ wrote `.keras` archives too), or null. */
function archiveKerasVersion(zip: ZipReader): string | null {
  if (!zip.has("metadata.json")) return null;
  const text = new TextDecoder().decode(zip.read("metadata.json"));
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return null; // metadata.json is informative only: Keras reads the model without it
  }
  const version = (meta as { keras_version?: unknown } | null)?.keras_version;
  return typeof version === "string" ? version : null;
}

/** The optimizer's variables Keras saved (`optimizer/vars/0` …), into a compiled model's optimizer. */
function loadOptimizerState(
  model: Model,
  root: Hdf5Group,
  writer: LegacyOptimizerKind | null,
): void {
  const opt = model.compiled?.optimizer;
  if (!opt || !root.has("optimizer/vars")) return;
  const vars = root.group("optimizer/vars");
  let store: Record<string, Tensor> = {};
  for (const key of vars.keys()) {
    const ds = vars.dataset(key);
    const data = ds.read();
    if (Array.isArray(data)) {
      throw new StrataError(`loadWeights: optimizer/vars/${key} holds strings; expected numbers`);
    }
    // The step counter is int64 under some Keras backends; Strata keeps it in int32.
    const values =
      data instanceof Float32Array || data instanceof Float64Array
        ? data
        : Int32Array.from(data as ArrayLike<number | bigint>, Number);
    store[key] = fromValues(values, [...ds.shape]);
  }
  if (!opt.built) opt.build(model.trainableWeights);
  if (writer) {
    const saved = Object.keys(store).map((_, i) => store[String(i)]!);
    const aligned = alignLegacyOptimizerState(opt, saved, writer, model.trainableWeights);
    store = Object.fromEntries(aligned.map((t, i) => [String(i), t]));
  }
  opt.loadOwnVariables(store);
}

/** Keras `save_weights` to a `.weights.h5` path: the model's and a built optimizer's variables. */
export async function saveKerasWeightsFile(model: Model, path: string): Promise<void> {
  await writeFileAtomic(path, encodeKerasWeights(model));
}

/**
 * Keras `model.save(path)`: a path ending in `.keras` gets Keras 3's archive: metadata.json,
 * config.json (the serialized model, with `compile_config` when compiled), the layers' assets
 * (`assets/…`, keras-assets.ts) and model.weights.h5, zipped in Keras's member order. A path
 * ending in `.h5` or `.hdf5` gets Keras's legacy HDF5 model file, with Keras's warning.
 */
export async function saveKerasModel(model: Model, path: string): Promise<void> {
  if (typeof path === "string" && (path.endsWith(".h5") || path.endsWith(".hdf5"))) {
    console.warn(LEGACY_H5_WARNING);
    await writeFileAtomic(path, encodeLegacyModel(model, KERAS_VERSION));
    return;
  }
  if (typeof path !== "string" || !path.endsWith(".keras")) {
    throw new ValueError(
      `model.save: expected a filepath ending in ".keras" (Keras 3's format, recommended) or ` +
        `".h5" / ".hdf5" (Keras's legacy HDF5 format); received ${JSON.stringify(path)}. ` +
        `To save only the weights, use model.saveWeights("….weights.h5")`,
    );
  }
  const metadata = { keras_version: KERAS_VERSION, date_saved: kerasDate(new Date()) };
  const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const bytes = encodeZip([
    ["metadata.json", encode(metadata)],
    ["config.json", encode(serializeLayer(model))],
    ...assetMembers(model),
    ["model.weights.h5", encodeKerasWeights(model)],
  ]);
  await writeFileAtomic(path, bytes);
}

/** Keras's `date_saved`: local time as "%Y-%m-%d@%H:%M:%S". */
function kerasDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` +
    `@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}
