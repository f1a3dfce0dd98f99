/**
 * Keras's legacy HDF5 format: `model.save("x.h5")` (a whole model) and `save_weights("x.h5")`
 * with a name not ending in `.weights.h5`. Unlike Keras 3's layout (keras-weights.ts), it is
 * keyed by layer names and described by attributes:
 * - the root holds `model_config` (the model's JSON config) and `training_config` (the
 *   `compile` arguments) for a whole model;
 * - `model_weights/` (a whole model) or the root (a weights file) lists `layer_names`, and each
 *   `<layer name>/` group lists `weight_names`: the layer's trainable then non-trainable
 *   weights, as datasets at those paths relative to the layer's group
 *   (`model_weights/lstm/lstm/lstm_cell/kernel`);
 * - `optimizer_weights/` lists the optimizer's variables in its own order (iteration, learning
 *   rate, then the slots).
 * Layers are matched in order, as Keras's legacy `load_weights` does by default (the model's
 * layers that have weights against the file's layers that list weights, names aside), or by
 * name (`byName`).
 */
import type { Variable } from "../../autodiff/variable.js";
import { StrataError, fmtShape } from "../../errors.js";
import type { Layer } from "../../layers/layer.js";
import { kerasClassName, type CustomObjects } from "../../layers/registry.js";
import { modelFromFileConfig } from "./model-config.js";
import { withSafeMode } from "../../layers/core/safe-mode.js";
import type { Model } from "../model.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import type { Hdf5Group } from "../../io/hdf5.js";
import { datasetValue } from "./keras-weights.js";
import { upgradeTrainingConfig } from "./legacy-config-upgrade.js";
import {
  type LegacyOptimizerKind,
  alignLegacyOptimizerState,
  legacyOptimizerKind,
} from "./legacy-optimizer-state.js";

/** Whether an HDF5 file is in the legacy layout (as opposed to Keras 3's `layers/…/vars`). */
export function isLegacyH5(root: Hdf5Group): boolean {
  return root.has("model_weights") || root.attrs().has("layer_names");
}

/**
 * A string list attribute as Keras's `load_attributes_from_hdf5_group` reads it: whole, or split
 * into `name0`, `name1` … when it was too large for one object header. An empty list is saved as
 * an empty float array.
 */
function stringList(group: Hdf5Group, name: string, where: string): string[] {
  const attrs = group.attrs();
  const parts: unknown[] = [];
  if (attrs.has(name)) parts.push(attrs.get(name));
  else for (let i = 0; attrs.has(`${name}${i}`); i++) parts.push(attrs.get(`${name}${i}`));
  if (parts.length === 0) {
    throw new StrataError(`${where}: group ${group.path} has no "${name}" attribute`);
  }
  return parts.flatMap((p) => {
    if (typeof p === "string") return [p];
    if (Array.isArray(p)) return p as string[];
    if (ArrayBuffer.isView(p) && (p as unknown as ArrayLike<unknown>).length === 0) return [];
    throw new StrataError(
      `${where}: attribute "${name}" of ${group.path} should list strings; found ${String(p)}`,
    );
  });
}

/** A string attribute, or undefined when absent. */
function stringAttr(group: Hdf5Group, name: string, where: string): string | undefined {
  const value = group.attrs().get(name);
  if (value === undefined || typeof value === "string") return value;
  throw new StrataError(`${where}: attribute "${name}" of ${group.path} should be a string`);
}

/** Keras's `_legacy_weights`: trainable weights first, then non-trainable ones. */
const legacyWeights = (layer: Layer): Variable[] => [
  ...layer.trainableWeights,
  ...layer.nonTrainableWeights,
];

/** A layer of the file that lists weights: its group and its `weight_names`. */
interface SavedLayer {
  name: string;
  group: Hdf5Group;
  weights: string[];
}

/**
 * Keras's `load_weights_from_hdf5_group` (by order) and `load_weights_from_hdf5_group_by_name`:
 * assigns the weights of `model` from `group` (the root of a legacy weights file, or a model
 * file's `model_weights`).
 *
 * By order, the model's layers that have weights meet the file's layers that list weights, one
 * for one, names aside: a different number of layers, or of weights in a layer, is an error.
 * By name, each layer of the file goes to the model's layer of that name; layers on one side
 * only are left alone, and a different number of weights is an error. `skipMismatch` turns a
 * weight whose shape differs (and, by name, a layer whose number of weights differs) into a
 * warning and leaves it as it was. Every count and shape is checked before any variable changes.
 */
export function loadLegacyWeights(
  model: Model,
  group: Hdf5Group,
  file: string,
  opts: { byName?: boolean; skipMismatch?: boolean } = {},
): void {
  const who = `loadWeights: ${file}`;
  const skip = opts.skipMismatch === true;
  const all: SavedLayer[] = stringList(group, "layer_names", who)
    .map((name) => ({ name, group: group.group(name) }))
    .map((s) => ({ ...s, weights: stringList(s.group, "weight_names", who) }));
  const pairs: [Layer, SavedLayer][] = [];
  if (opts.byName) {
    const byName = new Map<string, Layer[]>();
    for (const l of model.layers) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
    for (const s of all) for (const l of byName.get(s.name) ?? []) pairs.push([l, s]);
  } else {
    const layers = model.layers.filter((l) => legacyWeights(l).length > 0);
    const saved = all.filter((s) => s.weights.length > 0);
    if (saved.length !== layers.length) {
      throw new StrataError(
        `${who}: the file has weights for ${saved.length} layers ` +
          `(${saved.map((s) => s.name).join(", ")}); model "${model.name}" has ${layers.length} ` +
          `layers with weights (${layers.map((l) => l.name).join(", ")})`,
      );
    }
    layers.forEach((l, i) => pairs.push([l, saved[i]!]));
  }
  const pending: [Variable, Tensor][] = [];
  for (const [layer, s] of pairs) {
    const vars = legacyWeights(layer);
    const where = `${who}: layer "${layer.name}" (${kerasClassName(layer)})`;
    if (vars.length !== s.weights.length) {
      const detail =
        `${where} has ${vars.length} weights (${vars.map((v) => fmtShape(v.shape)).join(", ")}); ` +
        `the file's layer "${s.name}" has ${s.weights.length} (${s.weights.join(", ")})`;
      if (skip && opts.byName) {
        console.warn(`${detail}. Skipping this layer (skipMismatch).`);
        continue;
      }
      throw new StrataError(detail);
    }
    vars.forEach((v, j) => {
      const name = s.weights[j]!;
      const ds = s.group.dataset(name);
      const path = `${s.group.path}/${name}`.replace(/^\//, "");
      if (skip && ds.shape.join() !== v.shape.join()) {
        console.warn(
          `${where}, variable ${v.name}: expected shape ${fmtShape(v.shape)}; the weights file ` +
            `has ${fmtShape(ds.shape)} at ${path}. Skipping this weight (skipMismatch).`,
        );
        return;
      }
      pending.push([v, datasetValue(v, ds, `${where}, variable ${v.name}`, path)]);
    });
  }
  // Keras 3 saves a model's own variables (not its layers') here; Strata's models have none.
  if (group.has("top_level_model_weights")) {
    const extra = stringList(group.group("top_level_model_weights"), "weight_names", who);
    if (extra.length > 0) {
      const message =
        `${who}: top_level_model_weights holds ${extra.join(", ")}; model "${model.name}" has no ` +
        `weights outside its layers`;
      if (!(skip && opts.byName)) throw new StrataError(message);
      console.warn(`${message}. Skipping them (skipMismatch).`);
    }
  }
  for (const [v, value] of pending) v.assign(value);
}

/**
 * Keras's `load_model_from_hdf5`: the model from `model_config`, its weights, and, unless
 * `compile` is false, compiled from `training_config` with the optimizer's saved state.
 */
export function loadLegacyModel(
  root: Hdf5Group,
  file: string,
  opts: { customObjects?: CustomObjects; compile?: boolean; safeMode?: boolean },
): Model {
  const who = `loadModel: ${file}`;
  const text = stringAttr(root, "model_config", who);
  if (text === undefined) {
    throw new StrataError(
      `${who}: no "model_config" attribute: a legacy weights file, not a model ` +
        `(load it into a model with model.loadWeights)`,
    );
  }
  const config = parseJson(text, `${who} model_config`);
  // Keras reads a file without the attribute as written by Keras 1.
  const version = stringAttr(root, "keras_version", who) ?? "1";
  const model = withSafeMode(opts.safeMode, who, () =>
    modelFromFileConfig(config, opts.customObjects, `${who} model_config`, version),
  );
  loadLegacyWeights(model, root.has("model_weights") ? root.group("model_weights") : root, file);
  if (opts.compile === false) return model;
  const training = stringAttr(root, "training_config", who);
  if (training === undefined) {
    console.warn(`${who}: no training configuration found, so the model was *not* compiled`);
    return model;
  }
  const trainingConfig = parseJson(training, `${who} training_config`);
  if (!compileFromTrainingConfig(model, upgradeTrainingConfig(trainingConfig), who)) {
    return model;
  }
  if (root.has("optimizer_weights")) {
    const kind = legacyOptimizerKind(trainingConfig.optimizer_config);
    loadOptimizerWeights(model, root.group("optimizer_weights"), kind);
  }
  return model;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch (e) {
    throw new StrataError(`${what} is not JSON (${(e as Error).message})`);
  }
  throw new StrataError(`${what}: expected a JSON object`);
}

/**
 * Keras's `compile_args_from_training_config`: the optimizer from `optimizer_config`, the loss,
 * metrics and loss weights as saved. A piece Strata cannot map leaves the model uncompiled, with
 * a warning (as Keras warns when it cannot restore an optimizer). Returns whether it compiled.
 */
function compileFromTrainingConfig(
  model: Model,
  training: Record<string, unknown>,
  who: string,
): boolean {
  const { optimizer_config: optimizer, ...rest } = training;
  if (!optimizer) {
    console.warn(`${who}: training_config has no optimizer_config; the model was *not* compiled`);
    return false;
  }
  try {
    model.compileFromConfig({ ...rest, optimizer });
    return true;
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    console.warn(
      `${who}: could not compile from training_config (${e.message}); the model was *not* ` +
        `compiled. Compile it manually.`,
    );
    return false;
  }
}

/**
 * Keras's `load_optimizer_weights_from_hdf5_group` then `optimizer.set_weights`: the values in
 * the order `weight_names` lists them, which is the optimizer's variable order. A mismatch
 * leaves the optimizer fresh, with a warning, as Keras does.
 */
function loadOptimizerWeights(model: Model, group: Hdf5Group, kind: LegacyOptimizerKind): void {
  const opt = model.compiled?.optimizer;
  if (!opt) return;
  const savedNames = stringList(group, "weight_names", `loadModel: ${group.path}`);
  const saved: Tensor[] = [];
  for (const name of savedNames) {
    const ds = group.dataset(name);
    const data = ds.read();
    if (Array.isArray(data)) {
      throw new StrataError(`loadModel: optimizer weight ${name} holds strings; expected numbers`);
    }
    // The iteration count is an integer; Strata keeps it in int32.
    const values =
      data instanceof Float32Array || data instanceof Float64Array
        ? data
        : Int32Array.from(data as ArrayLike<number | bigint>, Number);
    saved.push(fromValues(values, [...ds.shape]));
  }
  if (!opt.built) opt.build(model.trainableWeights);
  // Older writers saved no learning-rate variable (legacy-optimizer-state.ts).
  const aligned = alignLegacyOptimizerState(opt, saved, kind, model.trainableWeights, savedNames);
  const names =
    aligned.length === saved.length
      ? savedNames
      : aligned.map((_, i) => `saved value ${i} (in Keras 3's order)`);
  const store: Record<string, Tensor> = {};
  aligned.forEach((t, i) => (store[String(i)] = t));
  // Checked here rather than left to assign: a file whose order could not be lined up
  // (legacy-optimizer-state.ts) must leave the optimizer fresh, not half assigned.
  const vars = opt.variables;
  const bad = names.findIndex((_, i) => store[String(i)]!.shape.join() !== vars[i]?.shape.join());
  if (names.length !== vars.length || bad >= 0) {
    const detail =
      names.length !== vars.length
        ? `${names.length} saved values for ${vars.length} variables`
        : `${names[bad]} has shape ${fmtShape(store[String(bad)]!.shape)}; ` +
          `${vars[bad]!.name} has ${fmtShape(vars[bad]!.shape)}`;
    console.warn(
      `loadModel: error in loading the saved optimizer state (${detail}). As a result, the ` +
        `model is starting with a freshly initialized optimizer.`,
    );
    return;
  }
  opt.loadOwnVariables(store);
}
