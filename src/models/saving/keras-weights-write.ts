/**
 * Writes a Strata model's variables in Keras 3's weights layout (the inverse of
 * `loadKerasWeights`; both walk the model with `kerasLayout`): every object gets a `vars` group
 * holding its own variables as datasets `0`, `1` …, and a built optimizer's variables go to
 * `optimizer/vars/0` … (iteration count, learning rate, then its slots, as Keras orders them),
 * and the optimizers a wrapper optimizer holds again at their own paths below (Keras's walk).
 * The result is the `model.weights.h5` of a `.keras` archive, or a `save_weights` file.
 */
import type { Variable } from "../../autodiff/variable.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Model } from "../model.js";
import { type Hdf5WriteData, Hdf5WriteGroup, encodeHdf5 } from "../../io/hdf5-write.js";
import { kerasLayout, kerasPath } from "./keras-weights.js";
import { hasOwnVariablesState } from "./layer-state.js";

/** The HDF5 tree of `model`'s weights (and its optimizer's state once built). */
export function kerasWeightsTree(model: Model): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  for (const { layer, path, vars } of kerasLayout(model)) {
    const group = root.group(kerasPath(path, "vars"));
    if (hasOwnVariablesState(layer)) {
      // The layer names its own entries (Keras's save_own_variables).
      for (const [name, t] of Object.entries(layer.saveOwnVariables())) {
        group.dataset(name, tensorData(t), t.shape);
      }
      continue;
    }
    vars.forEach((v, i) => group.dataset(String(i), dataOf(v), v.shape));
  }
  const opt = model.compiled?.optimizer;
  if (opt?.built) writeOptimizer(root, "optimizer", opt, new Set());
  return root;
}

/** What the writer needs of an optimizer (Optimizer lives above models/). */
interface SavedOptimizer {
  readonly variables: readonly Variable[];
  childOptimizers(): [string, SavedOptimizer][];
}

/**
 * An optimizer's variables at `path/vars`, then those of the optimizers it holds at their own
 * paths below it (a LossScaleOptimizer's inner optimizer, a MultiOptimizer's), each once, as
 * Keras's saving walk writes them.
 */
function writeOptimizer(
  root: Hdf5WriteGroup,
  path: string,
  opt: SavedOptimizer,
  seen: Set<SavedOptimizer>,
): void {
  if (seen.has(opt)) return;
  seen.add(opt);
  const vars = opt.variables;
  if (vars.length > 0) {
    const group = root.group(`${path}/vars`);
    vars.forEach((v, i) => group.dataset(String(i), dataOf(v), v.shape));
  }
  for (const [child, inner] of opt.childOptimizers()) {
    writeOptimizer(root, `${path}/${child}`, inner, seen);
  }
}

/** The bytes of a Keras 3 `.weights.h5` file for `model`. */
export function encodeKerasWeights(model: Model): Uint8Array {
  return encodeHdf5(kerasWeightsTree(model));
}

/** A variable's values as an HDF5-writable array; booleans are stored as int32 0/1. */
function dataOf(v: Variable): Hdf5WriteData {
  return tensorData(v.value);
}

function tensorData(t: Tensor): Hdf5WriteData {
  const data = t.dataSync();
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    return data;
  }
  return t.dtype === "float32" ? Float32Array.from(data, Number) : Int32Array.from(data, Number);
}
