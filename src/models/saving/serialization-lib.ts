/**
 * Keras's `serialize_keras_object` / `deserialize_keras_object` (keras/src/saving/
 * serialization_lib.py): any Keras object to the `{module, class_name, config, registered_name}`
 * dictionary `.keras` files hold, and back. Plain values, arrays and dictionaries pass through
 * (their items serialized), tensors become Keras's `__tensor__` entries, functions Keras's
 * `{class_name: "function"}` entries; classes are found in the custom objects (the registry,
 * `customObjects`, an active `CustomObjectScope`) first, then among the built-ins of the Keras
 * module the entry names (keras.layers, keras.losses, keras.metrics, keras.optimizers …).
 */
import { ValueError } from "../../errors.js";
import { Layer } from "../../layers/layer.js";
import { deserializeLayer, serializeLayer } from "../../layers/registry.js";
import * as activations from "../../layers/activations/functions.js";
import * as constraints from "../../nn/constraints.js";
import * as initializers from "../../nn/initializers.js";
import {
  CustomObjectScope,
  customObjectFor,
  instantiateRegistered,
  isClass,
  registeredNameOf,
  serializedFunction,
  visibleCustomObjects,
  type CustomObjects,
} from "../../nn/object-registration.js";
import * as regularizers from "../../nn/regularizers.js";
import { snakeToCamel, type KerasObject } from "../../nn/serialization.js";
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/creation.js";
import type { DTypeName } from "../../tensor/dtype.js";
import * as losses from "../../train/losses/index.js";
import * as metrics from "../../train/metrics/index.js";
import * as optimizers from "../../train/optimizers/index.js";
import * as schedules from "../../train/optimizers/schedules.js";

/** What `serializeKerasObject` returns: JSON-compatible values. */
export type Serialized = unknown;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Keras's name for a built-in function: the activation's string, or the snake_case name. */
function builtInFunctionName(fn: (...args: never[]) => unknown): string {
  try {
    const name = activations.serialize(fn);
    if (typeof name === "string") return name;
  } catch {
    // not an activation: a loss or metric function keeps its own name in snake_case
  }
  return fn.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * Keras `serialize_keras_object(obj)`: null, numbers, strings and booleans as they are; arrays
 * and plain objects item by item; a tensor as `{class_name: "__tensor__", config: {value,
 * dtype}}`; a function as `{module: "builtins", class_name: "function", config: name,
 * registered_name: "function"}` (its registered name when registered); a layer or model as its
 * full entry (with build and compile configs); any other object through its `serialize()` or,
 * for a custom class, `{module: null, class_name, config: getConfig(), registered_name}`.
 */
export function serializeKerasObject(obj: unknown): Serialized {
  if (obj === null || obj === undefined) return null;
  if (typeof obj === "number" || typeof obj === "string" || typeof obj === "boolean") return obj;
  if (Array.isArray(obj)) return obj.map(serializeKerasObject);
  if (obj instanceof Tensor) {
    return {
      class_name: "__tensor__",
      config: { value: obj.toArray(), dtype: obj.dtype },
    };
  }
  if (obj instanceof Uint8Array) {
    return { class_name: "__bytes__", config: { value: new TextDecoder().decode(obj) } };
  }
  if (typeof obj === "function" && !isClass(obj)) {
    const registered = registeredNameOf(obj);
    return serializedFunction(
      registered ?? builtInFunctionName(obj as (...args: never[]) => unknown),
    );
  }
  if (isPlainObject(obj)) {
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, serializeKerasObject(v)]));
  }
  if (obj instanceof Layer) return serializeLayer(obj);
  const own = obj as { serialize?: () => unknown; getConfig?: () => unknown };
  if (typeof own.serialize === "function") return own.serialize();
  if (typeof own.getConfig === "function") {
    const config = own.getConfig();
    if (!isPlainObject(config)) {
      throw new ValueError(
        `serializeKerasObject: getConfig() of ${obj.constructor.name} should return a plain ` +
          `object; it returned ${String(config)}`,
      );
    }
    return {
      module: null,
      class_name: obj.constructor.name,
      config: serializeKerasObject(config),
      registered_name: registeredNameOf(obj.constructor) ?? obj.constructor.name,
    };
  }
  throw new ValueError(
    `serializeKerasObject: cannot serialize ${String(obj)} of type ${obj.constructor?.name ?? typeof obj}; ` +
      `to be serializable, a class must implement getConfig()`,
  );
}

export interface DeserializeOptions {
  /** Keras's safe_mode: refuse `__lambda__` entries (Python bytecode). Default true. */
  safeMode?: boolean;
}

/** Keras's built-in functions by module, for `{class_name: "function"}` entries. */
function builtInFunction(name: string, module: string | null): unknown {
  const families: Record<string, Record<string, unknown>> = {
    "keras.activations": activations as unknown as Record<string, unknown>,
    "keras.losses": losses as unknown as Record<string, unknown>,
    "keras.metrics": metrics as unknown as Record<string, unknown>,
  };
  const search = module !== null && families[module] ? [module] : Object.keys(families); // "builtins": all
  for (const m of search) {
    if (m === "keras.activations") {
      if (activations.activationNames.includes(name)) return activations.get(name);
      continue;
    }
    const fn = families[m]![snakeToCamel(name)];
    if (typeof fn === "function" && !isClass(fn)) return fn;
  }
  return undefined;
}

/** Built-in classes by Keras module: each family's own deserializer. */
function deserializeBuiltIn(config: KerasObject, customObjects: CustomObjects): unknown {
  const module = config.module ?? "";
  if (module === "keras.losses") return losses.deserialize(config, customObjects);
  if (module === "keras.metrics") return metrics.deserialize(config, customObjects);
  if (module === "keras.optimizers") return optimizers.deserialize(config, customObjects);
  if (module === "keras.optimizers.schedules") return schedules.deserialize(config, customObjects);
  if (module === "keras.initializers") return initializers.deserialize(config);
  if (module === "keras.regularizers") return regularizers.deserialize(config);
  if (module === "keras.constraints") return constraints.deserialize(config);
  // keras.layers, keras.models, keras (Functional, Sequential) and older writers' modules.
  return deserializeLayer(config, customObjects);
}

/**
 * Keras `deserialize_keras_object(config, custom_objects, safe_mode)`: the inverse of
 * `serializeKerasObject`. A string that names a custom object gives that object (older formats
 * wrote functions by name); arrays and dictionaries without `class_name` / `config` are
 * deserialized item by item; `__tensor__` / `__numpy__` entries become tensors; custom objects
 * take precedence over built-ins; `__lambda__` entries are refused in safe mode, and always
 * (their Python bytecode cannot run here).
 */
export function deserializeKerasObject(
  config: unknown,
  customObjects: CustomObjects = {},
  opts: DeserializeOptions = {},
): unknown {
  const all = visibleCustomObjects(customObjects);
  if (config === null || config === undefined) return null;
  if (typeof config === "string" && all[config] !== undefined && all[config] !== null) {
    return all[config];
  }
  if (Array.isArray(config)) return config.map((x) => deserializeKerasObject(x, all, opts));
  if (typeof config === "number" || typeof config === "string" || typeof config === "boolean") {
    return config;
  }
  if (!isPlainObject(config)) {
    throw new ValueError(`deserializeKerasObject: could not parse config ${String(config)}`);
  }
  if (!("class_name" in config) || !("config" in config)) {
    return Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k, deserializeKerasObject(v, all, opts)]),
    );
  }
  const className = config.class_name;
  const inner = (config.config ?? {}) as Record<string, unknown>;
  if (className === "__tensor__" || className === "__numpy__") {
    return tensor(inner.value as never, undefined, inner.dtype as DTypeName);
  }
  if (className === "__bytes__") return new TextEncoder().encode(String(inner.value));
  if (className === "__lambda__") {
    throw new ValueError(
      `deserializeKerasObject: the config holds a Python lambda (bytecode), which cannot run in ` +
        `Strata${opts.safeMode === false ? "" : " and is refused in safe mode"}; replace it with a ` +
        `function registered with registerKerasSerializable or passed in customObjects`,
    );
  }
  const entry = config as unknown as KerasObject;
  const module = typeof entry.module === "string" ? entry.module : null;
  if (className === "function") {
    if (typeof entry.config !== "string") {
      throw new ValueError(
        `deserializeKerasObject: expected a function name as config; received ${JSON.stringify(config)}`,
      );
    }
    const custom = customObjectFor(entry, all);
    if (custom !== undefined) return custom;
    const fn = builtInFunction(entry.config, module);
    if (fn !== undefined) return fn;
    throw new ValueError(
      `deserializeKerasObject: could not locate function '${entry.config}'. Make sure custom ` +
        `functions are registered with registerKerasSerializable. Full object config: ${JSON.stringify(config)}`,
    );
  }
  const custom = customObjectFor(entry, all);
  if (custom !== undefined) {
    if (!isClass(custom)) return custom;
    if (custom.prototype instanceof Layer) return deserializeLayer(entry, all);
    return new CustomObjectScope(all).run(() => instantiateRegistered(custom, inner));
  }
  if (module === null || !(module === "keras" || module.startsWith("keras."))) {
    throw new ValueError(
      `deserializeKerasObject: could not locate class '${String(className)}'. Make sure custom ` +
        `classes are registered with registerKerasSerializable or passed in customObjects. ` +
        `Full object config: ${JSON.stringify(config)}`,
    );
  }
  return new CustomObjectScope(all).run(() => deserializeBuiltIn(entry, all));
}
