/**
 * Keras 3's variable paths (`weight.path`), which its TensorBoard callback uses as tags
 * ("sequential/dense/kernel/histogram"). Keras names a variable by the name scopes open when its
 * layer was built: every layer's `build` runs inside a scope named after the layer, so a layer
 * built by a Sequential model (or by a custom layer holding it) gets that container's name in
 * front; a functional model's layers are built when its graph is traced (when it is made), outside any
 * scope, so they get no prefix, wherever the model is nested later. Strata's variables are named "<layer>/<variable>"; this adds the prefix.
 */
import type { Variable } from "../../autodiff/variable.js";
import type { Layer } from "../../layers/layer.js";
import { Model } from "../../models/model.js";
import { Sequential } from "../../models/sequential.js";

/**
 * Whether `layer`'s sub-layers are built outside its name scope: a functional model (Strata's
 * Sequential keeps a graph too, but Keras builds a Sequential's layers inside its `build`).
 */
function buildsOutsideScope(layer: Layer): boolean {
  return layer instanceof Model && layer.isFunctional && !(layer instanceof Sequential);
}

function visit(layer: Layer, prefix: string, paths: Map<Variable, string>): void {
  const subLayers = layer.layers;
  // A functional model's layers were built when it was made, at the top level: no prefix at all.
  const inner = buildsOutsideScope(layer) ? "" : `${prefix}${layer.name}/`;
  for (const sub of subLayers) visit(sub, inner, paths);
  for (const v of layer.weights) if (!paths.has(v)) paths.set(v, `${prefix}${v.name}`);
}

/** Each of `model.layers`' weights (Keras's order) with its Keras path. */
export function kerasWeightPaths(model: Layer): { layer: Layer; weight: Variable; path: string }[] {
  const paths = new Map<Variable, string>();
  const prefix = buildsOutsideScope(model) ? "" : `${model.name}/`;
  for (const layer of model.layers) visit(layer, prefix, paths);
  return model.layers.flatMap((layer) =>
    layer.weights.map((weight) => ({ layer, weight, path: paths.get(weight)! })),
  );
}
