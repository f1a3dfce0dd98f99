/**
 * What Model.buildOnBatch (Keras's `_symbolic_build`) needs: which layers have no weights yet
 * before the first training step, and the reset of stateful layers that the building run touched.
 */
import { Layer } from "../layers/layer.js";

/**
 * The layers of `model` (itself included, Keras's `_flatten_layers`) that are not built yet. The
 * model itself counts only where its own build makes weights: a subclassed model that holds built
 * models and trains them in its trainStep (a GAN) has nothing to build, and may have no call.
 */
export function unbuiltLayers(model: Layer): Layer[] {
  const seen = new Set<Layer>();
  const visit = (layer: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    layer.layers.forEach(visit);
  };
  visit(model);
  return [...seen].filter((l) => !l.built && (l !== model || l.build !== Layer.prototype.build));
}

/** Stateful recurrent layers among `layers` start again from zeros (the build run moved them). */
export function restartStatefulLayers(layers: readonly Layer[]): void {
  for (const layer of layers) {
    const rnn = layer as Partial<{ stateful: boolean; resetStates(): void }>;
    if (rnn.stateful && rnn.resetStates) rnn.resetStates();
  }
}
