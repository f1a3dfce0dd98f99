/**
 * Keras's `models.clone_model`: a new model with the same architecture and new layers, so new
 * weights (each layer rebuilt from its config, as Keras's default clone function does). The
 * clone is rebuilt from the model's own config, with each layer made by `cloneFunction`: return
 * `layer` itself to share it, or a layer of your own to change it on the way.
 */
import { ValueError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { deserializeLayer, serializeLayer } from "../layers/registry.js";
import type { LayerMaker } from "./config.js";
import { Model } from "./model.js";
import { Sequential } from "./sequential.js";

export interface CloneModelOptions {
  /** Makes the clone's layer from the original's; default: the layer rebuilt from its config. */
  cloneFunction?: (layer: Layer) => Layer;
  /** Clone nested models layer by layer with `cloneFunction` too (Keras's `recursive`). */
  recursive?: boolean;
}

const rebuild = (layer: Layer): Layer => deserializeLayer(serializeLayer(layer));

export function cloneModel(model: Model, opts: CloneModelOptions = {}): Model {
  if (!(model instanceof Model)) {
    throw new ValueError(`cloneModel: expected a Model; received ${String(model)}`);
  }
  const cloneFunction = opts.cloneFunction ?? rebuild;
  const originals = new Map(model.layers.map((layer) => [layer.name, layer]));
  const makeLayer: LayerMaker = (serialized, name) => {
    const original = name === undefined ? undefined : originals.get(name);
    // Input layers are made anew from their config, as Keras does.
    if (!original) return deserializeLayer(serialized);
    if (opts.recursive && original instanceof Model) return cloneModel(original, opts);
    const clone = cloneFunction(original);
    if (!clone || typeof (clone as Layer).apply !== "function") {
      throw new ValueError(
        `cloneModel: cloneFunction must return a layer; for "${original.name}" it returned ${String(clone)}`,
      );
    }
    return clone;
  };
  const config = model.getConfig();
  if (model instanceof Sequential) return Sequential.fromConfig(config, {}, makeLayer);
  const functional = ["layers", "input_layers", "output_layers"].every((k) => k in config);
  if (functional) return Model.fromConfig(config, {}, makeLayer);
  // A subclassed model: Keras rebuilds it from its config (its class must be able to).
  const ctor = model.constructor as typeof Model;
  return ctor.fromConfig(config);
}
