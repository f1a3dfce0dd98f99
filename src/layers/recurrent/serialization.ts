import { ValueError } from "../../errors.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import { Dense } from "../core/dense.js";
import { Layer } from "../layer.js";
import type { ShapeSpec } from "../symbolic.js";

/** A layer class as the wrappers rebuild it from a config. */
export interface LayerClass {
  readonly name: string;
  fromConfig(config: Record<string, unknown>): Layer;
}

/** Keras's `serialize_keras_object(layer)`: the envelope plus `build_config` once built. */
export interface SerializedLayer extends KerasObject {
  build_config?: { input_shape: unknown };
}

/**
 * The layer classes a wrapper (Bidirectional, TimeDistributed, RNN's cell) can rebuild from a
 * nested config, by Keras class name. Each recurrent file registers its own classes; other layer
 * families join with `registerLayerClass` until the project has one layer registry.
 */
const classes = new Map<string, LayerClass>();

export function registerLayerClass(cls: LayerClass, className: string = cls.name): void {
  classes.set(className, cls);
}

registerLayerClass(Dense);

export function serializeLayer(layer: Layer): SerializedLayer {
  const out: SerializedLayer = {
    module: "keras.layers",
    class_name: layer.constructor.name,
    config: layer.getConfig(),
    registered_name: null,
  };
  if (layer.built && layer.buildInputShape) {
    out.build_config = { input_shape: structuredClone(layer.buildInputShape) };
  }
  return out;
}

/**
 * Keras's `deserialize_keras_object` for a nested layer: finds the class, builds it from its
 * config and, as Keras does, builds its weights from `build_config` when the config has one.
 */
export function deserializeLayer(value: unknown, where: string): Layer {
  if (value instanceof Layer) return value;
  if (!isKerasObject(value)) {
    throw new ValueError(
      `${where}: expected a layer or a serialized layer config; received ${String(value)}`,
    );
  }
  const cls = classes.get(value.class_name);
  if (!cls) {
    throw new ValueError(
      `${where}: unknown layer class "${value.class_name}"; known: ${[...classes.keys()].join(", ")}`,
    );
  }
  const layer = cls.fromConfig({ ...value.config });
  const shape = (value as SerializedLayer).build_config?.input_shape;
  if (shape) layer.ensureBuilt(shape as ShapeSpec);
  return layer;
}

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
