import { ValueError } from "../errors.js";
import {
  CustomObjectScope,
  findCustomObject,
  registerKerasSerializable,
  registeredNameOf,
  unregisterCustomObjects,
  visibleCustomObjects,
  type CustomObjects,
} from "../nn/object-registration.js";
import { isKerasObject } from "../nn/serialization.js";
import { Layer } from "./layer.js";
import { checkOptionsOf, withoutOptionCheck } from "./option-check.js";
import type { ShapeSpec } from "./shape-spec.js";

/**
 * Keras's layer (de)serialization: `serialize_keras_object(layer)` / `deserialize_keras_object`
 * for layers, and `register_keras_serializable` for custom ones.
 *
 * Built-in layers are found by their Keras class name. The registry imports no layer: each layer
 * module registers the classes it defines (`registerKerasLayers({ Dense })` after the class), and
 * the models register Sequential and Functional. `layers/index.ts` imports every family, so
 * importing the library registers every built-in before any config is read. Custom layers live
 * in the one custom-object registry every family shares (nn/object-registration.ts).
 */

/** A layer class that can be rebuilt from its Keras config. */
export interface LayerClass {
  readonly name: string;
  readonly prototype: Layer;
  fromConfig(config: Record<string, unknown>, customObjects?: CustomObjects): Layer;
}

export type { CustomObjects };

/** Keras's envelope for a serialized layer, as `.keras` files hold it. */
export interface SerializedLayer {
  module: string | null;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
  build_config?: Record<string, unknown>;
  compile_config?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Entry {
  cls: LayerClass;
  module: string | null;
  className: string;
  registeredName: string | null;
}

const builtIns = new Map<string, Entry>();

function isLayerClass(value: unknown): value is LayerClass {
  return (
    typeof value === "function" &&
    value.prototype instanceof Layer &&
    typeof (value as unknown as LayerClass).fromConfig === "function"
  );
}

/**
 * Registers built-in Keras layers under their Keras class names (the keys of `classes`), in
 * module `keras.layers`. Each layer module calls this for the classes it defines.
 */
export function registerKerasLayers(classes: Readonly<Record<string, LayerClass>>): void {
  for (const [className, cls] of Object.entries(classes)) {
    registerBuiltInLayer(className, cls, "keras.layers");
  }
}

/**
 * A built-in class with the module and registered name Keras writes for it: the models register
 * Sequential and Functional here.
 */
export function registerBuiltInLayer(
  className: string,
  cls: LayerClass,
  module: string,
  registeredName: string | null = null,
): void {
  builtIns.set(className, { cls, module, className, registeredName });
  checkOptionsOf(cls);
}

/**
 * `registerKerasSerializable` for a layer class, checked to be one: makes a custom layer known by
 * name, so models containing it can be rebuilt from their configs. The registered name is
 * `package>name` (package "Custom" by default; a name holding ">" is taken whole), as Keras
 * writes it in `registered_name`. As in Keras, registering again overwrites.
 */
export function registerLayer(
  name: string,
  cls: LayerClass,
  opts: { package?: string } = {},
): string {
  if (!isLayerClass(cls)) {
    throw new ValueError(
      `registerLayer: expected a Layer subclass with a static fromConfig(config); received ${String(cls)} for name "${name}"`,
    );
  }
  if (typeof name !== "string" || name.length === 0) {
    throw new ValueError(
      `registerLayer: name must be a non-empty string; received name=${String(name)}`,
    );
  }
  const [pkg, bare] = name.includes(">")
    ? [name.slice(0, name.indexOf(">")), name.slice(name.indexOf(">") + 1)]
    : [opts.package ?? "Custom", name];
  registerKerasSerializable({ package: pkg, name: bare })(cls);
  return `${pkg}>${bare}`;
}

/** Makes the op nodes Keras writes into functional configs (`keras.src.ops.*`); set by symbolic/. */
let operations: ((serialized: Record<string, unknown>) => Layer) | null = null;

export function registerOperations(
  fromConfig: (serialized: Record<string, unknown>) => Layer,
): void {
  operations = fromConfig;
}

/**
 * Reads a user's `Operation` (a class among the custom objects) as its graph node, or returns
 * undefined for a config that names none; set by symbolic/operation.ts.
 */
let customOperations:
  | ((serialized: Record<string, unknown>, customObjects: CustomObjects) => Layer | undefined)
  | null = null;

export function registerCustomOperations(
  fromConfig: (
    serialized: Record<string, unknown>,
    customObjects: CustomObjects,
  ) => Layer | undefined,
): void {
  customOperations = fromConfig;
}

/** Forgets custom layer registrations (for tests). */
export function clearCustomLayers(): void {
  unregisterCustomObjects((obj) => isLayerClass(obj));
}

/** The Keras identity of a layer's class: module, class name, registered name. */
function identify(layer: Layer): Omit<Entry, "cls"> {
  // An op node of a functional model names the Keras Operation it stands for (symbolic-op.ts).
  const own = (layer as { kerasIdentity?: () => Omit<Entry, "cls"> }).kerasIdentity?.();
  if (own) return own;
  const ctor = layer.constructor as unknown as LayerClass;
  const registeredName = registeredNameOf(ctor);
  if (registeredName !== null) return { module: null, className: ctor.name, registeredName };
  for (const entry of builtIns.values()) if (entry.cls === ctor) return entry;
  // An unregistered custom class: Keras writes its class name as the registered name.
  return { module: null, className: ctor.name, registeredName: ctor.name };
}

/** The name a layer's class has in Keras configs ("Dense", "Functional", "Custom>MyLayer" …). */
export function kerasClassName(layer: Layer): string {
  return identify(layer).className;
}

/**
 * Keras layers that mark themselves built in their constructor (they have no weights), so
 * Keras never records their build shape. Every other layer writes `build_config` once built.
 * A custom layer can say the same with `static builtAtInit = true`.
 */
export const BUILT_AT_INIT = new Set(
  (
    "InputLayer Activation Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D " +
    "GaussianNoise GaussianDropout ActivityRegularization Reshape MaxPooling1D " +
    "MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D " +
    "GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D " +
    "GlobalAveragePooling2D GlobalAveragePooling3D"
  ).split(" "),
);

/**
 * Layers whose Keras `build` takes several named shapes: Keras then writes
 * `{"shapes_dict": {query_shape: …, value_shape: …}}` instead of `{"input_shape": …}`.
 */
const BUILD_SHAPE_NAMES: Record<string, readonly string[]> = {
  MultiHeadAttention: ["query_shape", "value_shape", "key_shape"],
};

/** Recurrent layers called with an initial state build from the sequence and state shapes. */
const RECURRENT_BUILD = new Set(["SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional"]);

type Shapes = ShapeSpec | readonly ShapeSpec[];

/** Keras's `layer.get_build_config()`: the shapes `build` was given, or nothing. */
export function buildConfigOf(layer: Layer): Record<string, unknown> | null {
  const own = (layer as { getBuildConfig?: () => Record<string, unknown> | null }).getBuildConfig;
  if (typeof own === "function") return own.call(layer);
  const className = kerasClassName(layer);
  const ctor = layer.constructor as { builtAtInit?: boolean };
  if (ctor.builtAtInit === true || BUILT_AT_INIT.has(className)) return null;
  if (!layer.built || layer.buildInputShape === null) return null;
  const shapes = structuredClone(layer.buildInputShape) as Shapes;
  const names = BUILD_SHAPE_NAMES[className];
  if (RECURRENT_BUILD.has(className) && Array.isArray(shapes[0])) {
    // build(sequences_shape, initial_state_shape): our list is [sequences, ...states].
    const [sequences, ...states] = shapes as ShapeSpec[];
    return { shapes_dict: { sequences_shape: sequences, initial_state_shape: states } };
  }
  if (names && Array.isArray(shapes[0])) {
    const dict: Record<string, unknown> = {};
    (shapes as ShapeSpec[]).forEach((s, i) => (dict[names[i]!] = s));
    return { shapes_dict: dict };
  }
  return { input_shape: shapes };
}

/** Keras `build_from_config`: builds a layer from the shapes its config recorded. */
function buildFromConfig(layer: Layer, buildConfig: Record<string, unknown>): void {
  if (layer.built) return;
  const dict = buildConfig.shapes_dict as Record<string, ShapeSpec> | undefined;
  // A shapes_dict entry may itself be a list of shapes (initial_state_shape): one flat list.
  const shape = dict
    ? Object.values(dict).flatMap((v) =>
        Array.isArray(v) && Array.isArray(v[0]) ? (v as ShapeSpec[]) : [v],
      )
    : (buildConfig.input_shape as Shapes | null | undefined);
  if (shape !== null && shape !== undefined) layer.ensureBuilt(shape);
}

/**
 * Keras `serialize_keras_object(layer)`: `{module, class_name, config, registered_name}`, plus
 * `build_config` once built and, for a compiled model, `compile_config`.
 */
export function serializeLayer(layer: Layer): SerializedLayer {
  if (!(layer instanceof Layer)) {
    throw new ValueError(`serializeLayer: expected a Layer; received ${String(layer)}`);
  }
  const id = identify(layer);
  const out: SerializedLayer = {
    module: id.module,
    class_name: id.className,
    config: layer.getConfig(),
    registered_name: id.registeredName,
  };
  const build = buildConfigOf(layer);
  if (build) out.build_config = build;
  const compileConfig = (layer as { getCompileConfig?: () => Record<string, unknown> | null })
    .getCompileConfig;
  if (typeof compileConfig === "function") {
    const c = compileConfig.call(layer);
    if (c) out.compile_config = c;
  }
  return out;
}

function findClass(
  className: string,
  registeredName: string | null,
  customObjects: CustomObjects,
): LayerClass | null {
  const bare = registeredName?.includes(">")
    ? registeredName.slice(registeredName.indexOf(">") + 1)
    : null;
  const found = findCustomObject([registeredName, className, bare], customObjects, isLayerClass);
  if (found) return found;
  // A config that names only the class ("Scale") finds a layer registered as "pkg>Scale".
  const byClassName = Object.entries(visibleCustomObjects()).find(
    ([key, value]) => key.endsWith(`>${className}`) && isLayerClass(value),
  );
  if (byClassName) return byClassName[1] as LayerClass;
  return builtIns.get(className)?.cls ?? null;
}

/**
 * Keras `deserialize_keras_object` for a layer config: finds the class (custom objects, then
 * registered custom layers, then built-ins), calls its `fromConfig`, then builds it from
 * `build_config` and compiles it from `compile_config` as Keras does.
 */
export function deserializeLayer(obj: unknown, customObjects: CustomObjects = {}): Layer {
  if (obj instanceof Layer) return obj;
  if (!isKerasObject(obj)) {
    throw new ValueError(
      `deserializeLayer: expected a serialized layer {module, class_name, config, registered_name}; received ${JSON.stringify(obj)}`,
    );
  }
  const o = obj as unknown as SerializedLayer;
  if (typeof o.module === "string" && o.module.startsWith("keras.src.ops.") && operations) {
    return operations(o as unknown as Record<string, unknown>);
  }
  const operation = customOperations?.(o as unknown as Record<string, unknown>, customObjects);
  if (operation) return operation;
  const className = String(o.class_name);
  const registeredName = typeof o.registered_name === "string" ? o.registered_name : null;
  const cls = findClass(className, registeredName, customObjects);
  if (!cls) {
    const name =
      registeredName && registeredName !== className
        ? ` (registered name "${registeredName}")`
        : "";
    throw new ValueError(
      `deserializeLayer: unknown layer class "${className}"${name}. A custom layer must be registered with ` +
        `layers.registerLayer("${className}", ${className}) or passed as customObjects: ` +
        `deserializeLayer(config, { ${className} }). Built-in layers: ${[...builtIns.keys()].sort().join(", ")}`,
    );
  }
  // As Keras: the class is built inside a scope of every visible custom object, so what its
  // config refers to (activations, initializers, losses of its compile config …) resolves too.
  return new CustomObjectScope(visibleCustomObjects(customObjects)).run(() => {
    const layer = withoutOptionCheck(() => cls.fromConfig({ ...(o.config ?? {}) }, customObjects));
    if (o.build_config) buildFromConfig(layer, o.build_config);
    const compile = (layer as { compileFromConfig?: (c: Record<string, unknown>) => void })
      .compileFromConfig;
    if (o.compile_config && typeof compile === "function") compile.call(layer, o.compile_config);
    return layer;
  });
}

/** The names of every built-in layer class, sorted. */
export function registeredLayerNames(): string[] {
  return [...builtIns.keys()].sort();
}

/** Keras `layers.serialize` / `layers.deserialize`. */
export { serializeLayer as serialize, deserializeLayer as deserialize };
