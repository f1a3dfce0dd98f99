import { ValueError } from "../../errors.js";
import { Layer } from "../layer.js";

/** A layer class as the wrappers copy it from its config. */
interface LayerClass {
  fromConfig(config: Record<string, unknown>): Layer;
}

/**
 * Nested layers (an RNN's cell, the layer a wrapper holds) are written and read through the
 * project's layer registry, so any registered layer, custom ones included, can be wrapped.
 */
export { serializeLayer, deserializeLayer } from "../registry.js";

/** A fresh copy of `layer` (new weights) from its own config with some keys replaced. */
export function cloneLayer(layer: Layer, patch: Record<string, unknown>, where: string): Layer {
  const cls = layer.constructor as Partial<LayerClass>;
  if (typeof cls.fromConfig !== "function") {
    throw new ValueError(
      `${where}: ${layer.constructor.name} has no static fromConfig, so it cannot be copied`,
    );
  }
  const copy = cls.fromConfig({ ...layer.getConfig(), ...patch });
  if (layer.built && layer.buildInputShape) copy.ensureBuilt(layer.buildInputShape);
  return copy;
}

/** The first tensor of a mask argument that may be a list (one per input). */
export function firstMask<T>(mask: T | null | undefined | readonly (T | null)[]): T | null {
  if (Array.isArray(mask)) return (mask[0] as T | null | undefined) ?? null;
  return (mask as T | null | undefined) ?? null;
}
