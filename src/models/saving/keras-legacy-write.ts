/**
 * Writes Keras's legacy HDF5 model file, as Keras 3's `model.save("x.h5")` does (its
 * `save_model_to_hdf5`): the inverse of keras-legacy.ts.
 * - root attributes `keras_version`, `backend`, `model_config` (`{"class_name", "config"}`, the
 *   layers serialized the legacy way: `class_name` and `config`, no `module` / `build_config`)
 *   and, for a compiled model, `training_config` (the compile config without its optimizer, plus
 *   `optimizer_config`);
 * - `model_weights/` lists every layer in `layer_names` (with `backend` and `keras_version`);
 *   each layer's group lists its trainable then non-trainable weights in `weight_names`, stored
 *   at those paths; `top_level_model_weights/` lists none (Strata's models own no variables);
 * - `optimizer_weights/` holds a built optimizer's variables, in order, under their names.
 * Strings are written fixed-length (h5py writes Python strings variable-length; readers take
 * both), so one attribute, `model_config` included, is limited to 64 KiB.
 */
import { StrataError } from "../../errors.js";
import type { Layer } from "../../layers/layer.js";
import { serializeLayer } from "../../layers/registry.js";
import type { Model } from "../model.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type Hdf5WriteData, Hdf5WriteGroup, encodeHdf5 } from "../../io/hdf5-write.js";

/** Keras's `HDF5_OBJECT_HEADER_LIMIT`: a longer name list is split into `name0`, `name1` …. */
const HEADER_LIMIT = 64512;

/**
 * The `backend` attribute. Keras's loader reads but does not use it; Strata's weight layouts
 * (channels-last kernels, gate orders) are those of Keras's TensorFlow backend.
 */
const BACKEND = "tensorflow";

/** Keras's warning on saving to `.h5` (Keras logs it on every such save). */
export const LEGACY_H5_WARNING =
  "You are saving your model as an HDF5 file via `model.save()` or " +
  "`saving.saveModel(model)`. This file format is considered legacy. We recommend using " +
  "instead the native Keras format, e.g. `model.save('my_model.keras')` or " +
  "`saving.saveModel(model, 'my_model.keras')`.";

/** A serialized object's legacy form: `class_name` (the registered name) and `config`. */
function legacyEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...entry };
  for (const key of ["module", "registered_name", "build_config", "compile_config"])
    delete out[key];
  out.class_name = (entry.registered_name as string | null | undefined) ?? entry.class_name;
  const config = entry.config as Record<string, unknown> | undefined;
  if (config && Array.isArray(config.layers)) out.config = legacyModelConfig(config);
  return out;
}

/** A model's config with its layers serialized the legacy way (Keras's `use_legacy_config`). */
function legacyModelConfig(config: Record<string, unknown>): Record<string, unknown> {
  const layers = config.layers as Record<string, unknown>[];
  return { ...config, layers: layers.map(legacyEntry) };
}

/** Keras's `model_metadata`: the root attributes' JSON values. */
function modelMetadata(model: Model): {
  modelConfig: Record<string, unknown>;
  trainingConfig: Record<string, unknown> | null;
} {
  const serialized = serializeLayer(model);
  const config = serialized.config;
  const modelConfig = {
    class_name: serialized.class_name,
    config: Array.isArray(config.layers) ? legacyModelConfig(config) : config,
  };
  const compile = model.getCompileConfig();
  if (!compile) return { modelConfig, trainingConfig: null };
  const { optimizer, ...rest } = compile;
  const opt = optimizer as Record<string, unknown>;
  const trainingConfig = {
    ...rest,
    optimizer_config: {
      class_name: (opt.registered_name as string | null | undefined) ?? opt.class_name,
      config: opt.config,
    },
  };
  return { modelConfig, trainingConfig };
}

/**
 * Keras's `save_attributes_to_hdf5_group`: one attribute, or `name0`, `name1` … when the list,
 * stored fixed-length, would pass the header limit (split as NumPy's `array_split` does).
 */
function setNameList(group: Hdf5WriteGroup, name: string, values: readonly string[]): void {
  const width = Math.max(1, ...values.map((v) => Buffer.byteLength(v, "utf8")));
  if (width > HEADER_LIMIT) {
    throw new StrataError(
      `model.save: the name list "${name}" of ${group.path} has an entry of ${width} bytes; ` +
        `an HDF5 attribute holds at most ${HEADER_LIMIT}`,
    );
  }
  let chunks = 1;
  const chunkLength = (k: number) => Math.ceil(values.length / k) * width;
  while (chunkLength(chunks) > HEADER_LIMIT) chunks++;
  if (chunks === 1) {
    group.attr(name, values);
    return;
  }
  const base = Math.floor(values.length / chunks);
  const extra = values.length % chunks;
  let at = 0;
  for (let i = 0; i < chunks; i++) {
    const size = base + (i < extra ? 1 : 0);
    group.attr(`${name}${i}`, values.slice(at, at + size));
    at += size;
  }
}

function tensorData(t: Tensor): Hdf5WriteData {
  const data = t.dataSync();
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    return data;
  }
  return t.dtype === "float32" ? Float32Array.from(data, Number) : Int32Array.from(data, Number);
}

/** Keras's `save_subset_weights_to_hdf5_group`: `weight_names` and a dataset per name. */
function saveSubset(
  group: Hdf5WriteGroup,
  weights: readonly { name: string; value: Tensor }[],
): void {
  setNameList(
    group,
    "weight_names",
    weights.map((w) => w.name),
  );
  for (const w of weights) group.dataset(w.name, tensorData(w.value), w.value.shape);
}

/**
 * A weight's name, Keras's variable `path`: the layer's name and the weight's; a Sequential model
 * builds its layers inside its own name scope, so their paths start with the model's name.
 */
function weightName(model: Model, varName: string): string {
  return serializeLayer(model).class_name === "Sequential" ? `${model.name}/${varName}` : varName;
}

/** The HDF5 tree of Keras's legacy whole-model file for `model`. */
export function legacyModelTree(model: Model, kerasVersion: string): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  const { modelConfig, trainingConfig } = modelMetadata(model);
  root.attr("keras_version", kerasVersion);
  root.attr("backend", BACKEND);
  root.attr("model_config", JSON.stringify(modelConfig));
  if (trainingConfig) root.attr("training_config", JSON.stringify(trainingConfig));

  const weights = root.group("model_weights");
  const layers: Layer[] = model.layers;
  setNameList(
    weights,
    "layer_names",
    layers.map((l) => l.name),
  );
  weights.attr("backend", BACKEND);
  weights.attr("keras_version", kerasVersion);
  const prefix = (name: string) => weightName(model, name);
  for (const layer of layers) {
    const vars = [...layer.trainableWeights, ...layer.nonTrainableWeights];
    saveSubset(
      weights.group(layer.name),
      vars.map((v) => ({ name: prefix(v.name), value: v.value })),
    );
  }
  saveSubset(weights.group("top_level_model_weights"), []);

  const opt = model.compiled?.optimizer;
  if (opt?.built && opt.variables.length > 0) {
    saveSubset(
      root.group("optimizer_weights"),
      opt.variables.map((v) => ({ name: v.name, value: v.value })),
    );
  }
  return root;
}

/** The bytes of Keras's legacy `.h5` model file for `model`. */
export function encodeLegacyModel(model: Model, kerasVersion: string): Uint8Array {
  return encodeHdf5(legacyModelTree(model, kerasVersion));
}
