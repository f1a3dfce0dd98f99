/**
 * Assigns a Strata model's variables from a Keras 3 weights file (`model.weights.h5` inside a
 * `.keras` archive, or `model.save_weights("x.weights.h5")`), read with `readHdf5`.
 *
 * Keras 3 (saving_lib) lays the file out by walking the model's object tree:
 * - a layer's own variables are datasets `<path>/vars/0`, `1` …: its trainable variables, then
 *   its non-trainable ones, each in creation order (`Layer.save_own_variables`);
 * - a layer held in an attribute nests under the attribute's name (`lstm/cell`,
 *   `bidirectional/forward_layer`, `multi_head_attention/query_dense`);
 * - the layers of a container (a model's `layers`, a list attribute) are NOT addressed by their
 *   names, which Keras considers unreproducible, but by their class name in snake_case, numbered
 *   in container order: `layers/dense`, `layers/dense_1`, `layers/input_layer` …
 *   (`_save_container_state`). A layer reached twice (shared) is saved once, at its first path.
 *
 * Strata's layers keep Keras's variable layouts and orders (LSTM gates i,f,c,o with a
 * [input, 4·units] kernel, GRU reset_after with a [2, 3·units] bias, MultiHeadAttention's
 * EinsumDense kernels), so every dataset assigns directly. Strata names its sub-layer attributes
 * in camelCase (`forwardLayer`, `queryDense`); Keras's names are the same words in snake_case.
 *
 * Every variable must find its dataset with the same shape, and every dataset under `layers/`
 * must be used: a missing or extra entry, or a shape mismatch, raises a StrataError naming the
 * layer, the h5 path and the shapes.
 */
import type { Variable } from "../../autodiff/variable.js";
import { StrataError, fmtShape } from "../../errors.js";
import { Layer } from "../../layers/layer.js";
import { kerasClassName } from "../../layers/registry.js";
import { toSnakeCase } from "../../nn/serialization.js";
import { Model } from "../model.js";
import { Sequential } from "../sequential.js";
import { InputLayer } from "../../layers/core/input.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import type { Hdf5Dataset, Hdf5Group } from "../../io/hdf5.js";
import { Hdf5Group as GroupClass } from "../../io/hdf5.js";
import { hasOwnVariablesState } from "./layer-state.js";

/** A Strata attribute name as Keras spells the same attribute: "forwardLayer" → "forward_layer". */
function attributeName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** What one load assigned, for reports and tests. */
export interface KerasWeightsReport {
  /** h5 paths assigned, in model order. */
  assigned: string[];
}

/** One object of Keras's layout: the group that holds it and its own variables, in order. */
export interface KerasLayoutEntry {
  layer: Layer;
  /** The object's group: "" for the model itself, else e.g. "layers/lstm/cell". */
  path: string;
  /** Its own variables (not its sub-layers'), saved as `<path>/vars/0`, `1` …. */
  vars: Variable[];
}

/** `<group>/<name>`, where the model's own group is the root "". */
export function kerasPath(group: string, name: string): string {
  return group === "" ? name : `${group}/${name}`;
}

/**
 * Walks `model` as Keras 3's saving_lib does (see the file comment) and lists every object with
 * its group path and own variables, in Keras's order: the model itself first (path ""), then its
 * layers. Both loading and saving go through this walk, so they cannot disagree on a path.
 */
export function kerasLayout(model: Model, containerName = "layers"): KerasLayoutEntry[] {
  const entries: KerasLayoutEntry[] = [];
  const visited = new Set<Layer>();
  const container = (layers: readonly Layer[], path: string): void => {
    const counts = new Map<string, number>();
    for (const layer of layers) {
      // "Custom>MyLayer" (a registered name) → the Python class name "MyLayer".
      const cls = toSnakeCase(kerasClassName(layer).split(">").pop()!);
      const n = counts.get(cls);
      counts.set(cls, n === undefined ? 0 : n + 1);
      visit(layer, `${path}/${n === undefined ? cls : `${cls}_${n + 1}`}`);
    }
  };
  // One layer: its own variables, then its sub-layers (attributes, or a nested model's layers).
  const visit = (layer: Layer, path: string): void => {
    if (visited.has(layer)) return; // shared: saved once, at its first path
    visited.add(layer);
    // Layers without weights are walked too, as Keras does: their sub-layers may hold other
    // state (TextVectorization's lookup layer and its vocabulary asset). Keras writes an empty
    // `vars` group for each.
    // A nested model keeps its layers in a container, like the top-level model.
    const inner = layer instanceof Model ? modelLayers(layer) : null;
    const subs = inner ? [] : subLayers(layer);
    const held = inner ?? subs.flatMap(([, l]) => (Array.isArray(l) ? l : [l]));
    const inSubs = new Set(held.flatMap((l) => l.weights));
    entries.push({ layer, path, vars: layer.weights.filter((v) => !inSubs.has(v)) });
    if (inner) container(inner, kerasPath(path, containerName));
    for (const [name, sub] of subs) {
      // A list attribute (StackedRNNCells's `cells`) is a container under the attribute's name.
      if (Array.isArray(sub)) container(sub, kerasPath(path, attributeName(name)));
      else visit(sub, kerasPath(path, attributeName(name)));
    }
  };
  // The model's own group holds no variables of its own (they all belong to its layers).
  entries.push({ layer: model, path: "", vars: [] });
  visited.add(model);
  container(modelLayers(model), containerName);
  return entries;
}

/**
 * tf.keras 2.13–2.15 saved a model's layers under `_layer_checkpoint_dependencies` (the first
 * attribute its walk reached them through) instead of `layers`, named and numbered the same way.
 */
const TF_KERAS_CONTAINER = "_layer_checkpoint_dependencies";

/**
 * Assigns every variable of `model` from `root`, the root group of a Keras 3 weights file.
 * The model must be built (a model rebuilt from a `.keras` config.json is). With `skipMismatch`
 * (Keras's `skip_mismatch`), a layer whose entries do not fit (a missing dataset, a shape that
 * differs) is skipped whole with a warning, its datasets left unread, as Keras skips an object
 * that fails to load.
 */
export function loadKerasWeights(
  model: Model,
  root: Hdf5Group,
  opts: { skipMismatch?: boolean } = {},
): KerasWeightsReport {
  const loader = new Loader(root);
  const named: (() => void)[] = [];
  const containerName =
    !root.has("layers") && root.has(TF_KERAS_CONTAINER) ? TF_KERAS_CONTAINER : "layers";
  for (const { layer, path, vars } of kerasLayout(model, containerName)) {
    if (hasOwnVariablesState(layer)) {
      // The layer reads its own named entries (Keras's load_own_variables).
      const store = loader.namedEntries(kerasPath(path, "vars"));
      named.push(() => layer.loadOwnVariables(store));
      continue;
    }
    const mark = loader.pending.length;
    try {
      vars.forEach((v, i) => loader.assign(layer, v, kerasPath(path, `vars/${i}`)));
    } catch (e) {
      if (!(opts.skipMismatch && e instanceof StrataError)) throw e;
      loader.pending.length = mark;
      loader.skip(kerasPath(path, "vars"));
      console.warn(`${e.message}. Skipping layer "${layer.name}" (skipMismatch).`);
    }
  }
  loader.checkAllUsed(root.has(containerName) ? root.group(containerName) : null);
  // Only now that every weight has been found and checked does the model change: a bad file
  // leaves it as it was.
  for (const [v, value] of loader.pending) v.assign(value);
  for (const load of named) load();
  return { assigned: loader.assigned };
}

/** A model's layers as Keras's `model.layers` lists them: a Sequential leaves out its input. */
function modelLayers(model: Model): Layer[] {
  const layers = model.layers;
  return model instanceof Sequential ? layers.filter((l) => !(l instanceof InputLayer)) : layers;
}

class Loader {
  readonly assigned: string[] = [];
  /** Each variable with its value from the file, assigned once all are checked. */
  readonly pending: [Variable, Tensor][] = [];
  private readonly used = new Set<string>();
  private readonly skipped = new Set<string>();

  constructor(private readonly root: Hdf5Group) {}

  assign(layer: Layer, v: Variable, path: string): void {
    const where = `loadKerasWeights: layer "${layer.name}" (${kerasClassName(layer)}), variable ${v.name}`;
    let ds: Hdf5Dataset;
    try {
      ds = this.root.dataset(path);
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      throw new StrataError(
        `${where}: expected a dataset of shape ${fmtShape(v.shape)} at ${path} in the weights file; ` +
          `received none (${e.message})`,
      );
    }
    this.pending.push([v, datasetValue(v, ds, where, path)]);
    this.used.add(path);
    this.assigned.push(path);
  }

  /** Every dataset of the group at `path` (none when absent) by name, marked as used. */
  namedEntries(path: string): Record<string, Tensor> {
    const store: Record<string, Tensor> = {};
    if (!this.root.has(path)) return store;
    const group = this.root.group(path);
    for (const key of group.keys()) {
      const node = group.get(key);
      if (node instanceof GroupClass) continue;
      const ds = node as Hdf5Dataset;
      const raw = ds.read();
      if (Array.isArray(raw)) {
        throw new StrataError(`loadKerasWeights: ${path}/${key} holds strings; expected numbers`);
      }
      const values =
        raw instanceof Float32Array || raw instanceof Float64Array || raw instanceof Int32Array
          ? raw
          : Float64Array.from(raw as ArrayLike<number | bigint>, Number);
      store[key] = fromValues(values, [...ds.shape]);
      this.used.add(`${path}/${key}`);
      this.assigned.push(`${path}/${key}`);
    }
    return store;
  }

  /** Datasets under `path` that a skipped layer leaves unread on purpose. */
  skip(path: string): void {
    this.skipped.add(path);
  }

  /** Every dataset under `layers/` must have gone to a variable: no weight is silently dropped. */
  checkAllUsed(group: Hdf5Group | null): void {
    if (!group) return;
    for (const key of group.keys()) {
      const node = group.get(key);
      const path = node.path.replace(/^\//, "");
      if (this.skipped.has(path)) continue;
      if (node instanceof GroupClass) this.checkAllUsed(node);
      else if (!this.used.has(path)) {
        throw new StrataError(
          `loadKerasWeights: the weights file has ${path} (shape ${fmtShape(node.shape)}); ` +
            `expected every weight to belong to a variable of the model, but none matches it`,
        );
      }
    }
  }
}

/**
 * The value of dataset `ds` for variable `v`, in the variable's dtype, after checking its shape;
 * `where` names the layer and variable, `path` the dataset, for errors. Shared with the legacy
 * `.h5` loader.
 */
export function datasetValue(v: Variable, ds: Hdf5Dataset, where: string, path: string): Tensor {
  if (ds.shape.join() !== v.shape.join()) {
    throw new StrataError(
      `${where}: expected shape ${fmtShape(v.shape)}; the weights file has ${fmtShape(ds.shape)} at ${path}`,
    );
  }
  if (ds.dtype === "string") {
    throw new StrataError(`${where}: expected numbers at ${path}; received strings`);
  }
  const raw = ds.read() as ArrayLike<number | bigint>;
  const data =
    v.dtype === "float64"
      ? Float64Array.from(raw, Number)
      : v.dtype === "int32"
        ? Int32Array.from(raw, Number)
        : v.dtype === "bool"
          ? Uint8Array.from(raw, (x) => (Number(x) ? 1 : 0))
          : raw instanceof Float32Array
            ? raw
            : Float32Array.from(raw, Number);
  return fromValues(data, [...ds.shape]);
}

/** A layer's sub-layers, and lists of layers, with the attribute names that hold them. */
function subLayers(layer: Layer): [string, Layer | Layer[]][] {
  const found: [string, Layer | Layer[]][] = [];
  for (const [name, value] of Object.entries(layer)) {
    if (value instanceof Layer) found.push([name, value]);
    else if (Array.isArray(value) && value.some((v) => v instanceof Layer)) {
      found.push([name, value.filter((v): v is Layer => v instanceof Layer)]);
    }
  }
  return found;
}
