import { ValueError } from "../errors.js";
import {
  customObjectFor,
  getRegisteredObject,
  instantiateRegistered,
  isClass,
  type CustomObjects,
} from "./object-registration.js";

/** Keras's `{module, class_name, config, registered_name}` envelope for a serialized object. */
export interface KerasObject {
  module: string | null;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
}

export function isKerasObject(x: unknown): x is KerasObject {
  return typeof x === "object" && x !== null && "class_name" in x && "config" in x;
}

/** Keras's `to_snake_case`: "Conv2D" → "conv2d", "BatchNormalization" → "batch_normalization". */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Converts a Keras config's snake_case keys to an options object's camelCase keys (one level). */
export function camelizeKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [snakeToCamel(k), v]));
}

/**
 * A lookup of one family of objects (initializers, regularizers, losses …) by Keras class name
 * and by Keras string identifier. `get` accepts a string, an instance, or a serialized config.
 */
export class Registry<T> {
  private byClass = new Map<string, (config: Record<string, unknown>) => T>();
  private byString = new Map<string, () => T>();

  constructor(
    private readonly family: string,
    private readonly isInstance: (x: unknown) => x is T,
  ) {}

  register(
    className: string,
    fromConfig: (config: Record<string, unknown>) => T,
    ...strings: string[]
  ): void {
    this.byClass.set(className, fromConfig);
    for (const s of strings) {
      this.byString.set(s, () => fromConfig({}));
      // Keras 3's module_objects hold the snake_case names too, so a serialized config may name
      // its class "glorot_uniform" (`{class_name: "glorot_uniform", config: {seed: 1}}`).
      if (!this.byClass.has(s)) this.byClass.set(s, fromConfig);
    }
  }

  /**
   * Resolves a string, an instance or a serialized config. As in Keras, registered custom
   * objects (and `customObjects`, and an active `CustomObjectScope`) come before built-ins.
   */
  get(identifier: unknown, where: string, customObjects: CustomObjects = {}): T {
    if (this.isInstance(identifier)) return identifier;
    if (typeof identifier === "string") {
      const custom = getRegisteredObject(identifier, customObjects);
      if (custom !== undefined) return this.custom(custom, {}, where, identifier);
      const make = this.byString.get(identifier);
      if (make) return make();
      const fromClass = this.byClass.get(identifier);
      if (fromClass) return fromClass({});
      throw new ValueError(
        `${where}: unknown ${this.family} ${JSON.stringify(identifier)}; expected one of ` +
          [...this.byString.keys()].join(", ") +
          ", or a name registered with registerKerasSerializable",
      );
    }
    if (isKerasObject(identifier)) {
      const config = identifier.config ?? {};
      const custom = customObjectFor(identifier, customObjects);
      if (custom !== undefined) return this.custom(custom, config, where, identifier.class_name);
      const make = this.byClass.get(identifier.class_name);
      if (make) return make(config);
      throw new ValueError(
        `${where}: unknown ${this.family} class ${identifier.class_name}` +
          (identifier.registered_name ? ` (registered name "${identifier.registered_name}")` : "") +
          "; register it with registerKerasSerializable or pass it in customObjects",
      );
    }
    throw new ValueError(
      `${where}: expected a ${this.family} (string, instance or config); received ${String(identifier)}`,
    );
  }

  /** A registered class built from its config, or a registered instance itself. */
  private custom(found: unknown, config: Record<string, unknown>, where: string, name: string): T {
    const made = isClass(found) ? instantiateRegistered(found, config) : found;
    if (this.isInstance(made)) return made;
    throw new ValueError(
      `${where}: the custom object registered as ${JSON.stringify(name)} is not a ${this.family}; ` +
        `received ${String(found)}`,
    );
  }

  /** Keras's `deserialize(config)`: a `{class_name, config}` object (or a string identifier). */
  deserialize(config: unknown, where: string, customObjects: CustomObjects = {}): T {
    if (!isKerasObject(config) && typeof config !== "string") {
      throw new ValueError(
        `${where}: expected a serialized ${this.family} ({class_name, config}) or a string; ` +
          `received ${JSON.stringify(config)}`,
      );
    }
    return this.get(config, where, customObjects);
  }

  /** Registers another class name for the same object (names older Keras versions wrote). */
  alias(className: string, existing: string): void {
    const make = this.byClass.get(existing);
    if (!make) throw new ValueError(`Registry.alias: ${existing} is not registered`);
    this.byClass.set(className, make);
  }

  strings(): string[] {
    return [...this.byString.keys()];
  }
}
