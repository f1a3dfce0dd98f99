import { ValueError } from "../errors.js";

/**
 * Keras's custom-object registry (keras.saving's object_registration): the one table every
 * deserializer in Strata consults — layers, losses, metrics, optimizers, schedules, activation
 * functions, initializers, regularizers and constraints — so an object registered once with
 * `registerKerasSerializable` round-trips through configs and `.keras` files wherever it appears.
 *
 * As in Keras: an object is registered under `"package>name"` (package "Custom", name the class's
 * or function's own name by default); registering again overwrites silently (the last name given
 * to an object is the one written); `customObjectScope` makes objects visible to every lookup
 * while it runs, its dictionary replacing (not merging with) an enclosing scope's; lookups try
 * the scope, then the global registry, then the caller's `customObjects`.
 */

/** Keras's `custom_objects`: objects by name, as a plain dictionary. */
export type CustomObjects = Readonly<Record<string, unknown>>;

/** Keras's GLOBAL_CUSTOM_OBJECTS: registered name → object (a live dictionary). */
const GLOBAL_CUSTOM_OBJECTS: Record<string, unknown> = {};
/** Keras's GLOBAL_CUSTOM_NAMES: object → registered name. */
const GLOBAL_CUSTOM_NAMES = new Map<unknown, string>();
/** The dictionary of the innermost active `CustomObjectScope`. */
let scopeObjects: Record<string, unknown> = {};

/** Whether a function was written with `class` syntax (JS has no other way to tell). */
export function isClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function hasGetConfig(cls: { prototype?: unknown }): boolean {
  const proto = cls.prototype as { getConfig?: unknown } | undefined;
  return typeof proto?.getConfig === "function";
}

export interface RegisterOptions {
  /** The package part of the registered name. Default "Custom". */
  package?: string;
  /** The name part. Default the class's or function's own name. */
  name?: string;
}

/**
 * Keras `register_keras_serializable(package="Custom", name=None)`: returns a function that
 * registers a class or function under `"package>name"` and returns it unchanged, so it works as
 * a call (`registerKerasSerializable("my_pkg")(MyLayer)`) or as a class decorator
 * (`@registerKerasSerializable({ package: "my_pkg" })`). Like Keras, a class must have a
 * `getConfig()` method.
 */
export function registerKerasSerializable(
  packageOrOptions: string | RegisterOptions = {},
  name?: string,
): <T>(obj: T, _decoratorContext?: unknown) => T {
  const opts: RegisterOptions =
    typeof packageOrOptions === "string"
      ? { package: packageOrOptions, name }
      : { ...packageOrOptions, ...(name === undefined ? {} : { name }) };
  const pkg = opts.package ?? "Custom";
  return <T>(obj: T): T => {
    if (typeof obj !== "function") {
      throw new ValueError(
        `registerKerasSerializable: expected a class or a function; received ${String(obj)}`,
      );
    }
    const objectName = opts.name ?? (obj as { name?: string }).name;
    if (typeof objectName !== "string" || objectName.length === 0) {
      throw new ValueError(
        `registerKerasSerializable: an anonymous function needs a name; pass { name } ` +
          `(received package="${pkg}", name=${String(opts.name)})`,
      );
    }
    if (isClass(obj) && !hasGetConfig(obj as { prototype?: unknown })) {
      throw new ValueError(
        `registerKerasSerializable: cannot register a class that does not have a getConfig() ` +
          `method; received class ${objectName}`,
      );
    }
    const registeredName = `${pkg}>${objectName}`;
    GLOBAL_CUSTOM_OBJECTS[registeredName] = obj;
    GLOBAL_CUSTOM_NAMES.set(obj, registeredName);
    return obj;
  };
}

/**
 * Keras `get_registered_name(obj)`: the name `obj` was registered under, or its own name when
 * it is not registered.
 */
export function getRegisteredName(obj: unknown): string {
  const registered = GLOBAL_CUSTOM_NAMES.get(obj);
  if (registered !== undefined) return registered;
  const own = (obj as { name?: unknown } | null)?.name;
  if (typeof own !== "string") {
    throw new ValueError(
      `getRegisteredName: expected a class or function; received ${String(obj)}`,
    );
  }
  return own;
}

/** The registered name of `obj`, or null when it is not registered (Strata's writers use it). */
export function registeredNameOf(obj: unknown): string | null {
  return GLOBAL_CUSTOM_NAMES.get(obj) ?? null;
}

/**
 * Keras `get_registered_object(name, custom_objects, module_objects)`: the object under `name`
 * in the active scope, else the global registry, else `customObjects`, else `moduleObjects`;
 * undefined when none has it (Keras's None).
 */
export function getRegisteredObject(
  name: string | null | undefined,
  customObjects?: CustomObjects | null,
  moduleObjects?: CustomObjects | null,
): unknown {
  if (typeof name !== "string") return undefined;
  if (Object.hasOwn(scopeObjects, name)) return scopeObjects[name];
  if (Object.hasOwn(GLOBAL_CUSTOM_OBJECTS, name)) return GLOBAL_CUSTOM_OBJECTS[name];
  if (customObjects && Object.hasOwn(customObjects, name)) return customObjects[name];
  if (moduleObjects && Object.hasOwn(moduleObjects, name)) return moduleObjects[name];
  return undefined;
}

/**
 * Keras `get_custom_objects()`: a live reference to the global dictionary (registered name →
 * object). Objects set by a scope are not in it. Writing to it registers objects as Keras's
 * `get_custom_objects()["MyObject"] = MyObject` does.
 */
export function getCustomObjects(): Record<string, unknown> {
  return GLOBAL_CUSTOM_OBJECTS;
}

/** The active scope's dictionary (read-only copy). */
export function scopeCustomObjects(): CustomObjects {
  return { ...scopeObjects };
}

/**
 * Every object a deserializer can see, as Keras merges them: `customObjects` overridden by the
 * scope, overridden by the global registry (`{**custom_objects, **scope, **global}`).
 */
export function visibleCustomObjects(customObjects: CustomObjects = {}): CustomObjects {
  return { ...customObjects, ...scopeObjects, ...GLOBAL_CUSTOM_OBJECTS };
}

/**
 * Finds a class or function by any of `names` (registered name first), in the active scope, the
 * global registry and `customObjects`, accepting only what `accept` recognizes.
 */
export function findCustomObject<T>(
  names: readonly (string | null | undefined)[],
  customObjects: CustomObjects | null | undefined,
  accept: (value: unknown) => value is T,
): T | undefined {
  for (const name of names) {
    const found = getRegisteredObject(name, customObjects);
    if (found !== undefined && accept(found)) return found;
  }
  return undefined;
}

/**
 * Keras `CustomObjectScope`: while entered, `objects` are visible to every deserializer. Use
 * `enter()` / `exit()` (Python's `with`), or `run(fn)`, or `customObjectScope(objects, fn)`.
 */
export class CustomObjectScope {
  readonly customObjects: Record<string, unknown>;
  private backup: Record<string, unknown> | null = null;

  constructor(customObjects: CustomObjects | null = {}) {
    this.customObjects = { ...(customObjects ?? {}) };
  }

  enter(): this {
    this.backup = { ...scopeObjects };
    scopeObjects = { ...this.customObjects };
    return this;
  }

  exit(): void {
    scopeObjects = { ...(this.backup ?? {}) };
    this.backup = null;
  }

  /** Runs `fn` inside the scope; for a promise, the scope lasts until it settles. */
  run<R>(fn: () => R): R {
    this.enter();
    let result: R;
    try {
      result = fn();
    } catch (e) {
      this.exit();
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.exit()) as R;
    }
    this.exit();
    return result;
  }
}

/** Keras `custom_object_scope(objects)`: runs `fn` with `objects` visible to deserializers. */
export function customObjectScope<R>(objects: CustomObjects, fn: () => R): R {
  return new CustomObjectScope(objects).run(fn);
}

/** Removes the registrations `remove` selects (for tests and `registerLayer`'s cleanup). */
export function unregisterCustomObjects(remove: (obj: unknown, name: string) => boolean): void {
  for (const [name, obj] of Object.entries(GLOBAL_CUSTOM_OBJECTS)) {
    if (remove(obj, name)) {
      delete GLOBAL_CUSTOM_OBJECTS[name];
      if (GLOBAL_CUSTOM_NAMES.get(obj) === name) GLOBAL_CUSTOM_NAMES.delete(obj);
    }
  }
}

/**
 * Keras's envelope for a class instance: a registered class is written with its registered name
 * and no module (Keras writes the Python module, which has no meaning here); a built-in with its
 * Keras module and no registered name.
 */
export function kerasEnvelope(
  obj: object,
  builtInModule: string,
  className: string,
  config: Record<string, unknown>,
): {
  module: string | null;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
} {
  const registered = registeredNameOf(obj.constructor);
  return {
    module: registered === null ? builtInModule : null,
    class_name: registered === null ? className : obj.constructor.name,
    config,
    registered_name: registered,
  };
}

/** Keras's serialized function: `{module, class_name: "function", config: name, registered_name}`. */
export interface SerializedFunction {
  module: string;
  class_name: "function";
  config: string;
  registered_name: string;
}

/**
 * Keras's serialized form of a registered function (what `serialize_keras_object` and
 * `activations.serialize` write): class "function", the registered name as its config.
 */
export function serializedFunction(registeredName: string): SerializedFunction {
  return {
    module: "builtins",
    class_name: "function",
    config: registeredName,
    registered_name: "function",
  };
}

/**
 * Builds an instance of a registered class from its config: `fromConfig(config)` when the class
 * has one (Keras's `from_config`), else `new cls(config)`.
 */
export function instantiateRegistered(cls: unknown, config: Record<string, unknown>): unknown {
  const from = (cls as { fromConfig?: unknown }).fromConfig;
  if (typeof from === "function") return (from as (c: unknown) => unknown).call(cls, config);
  return new (cls as new (c: unknown) => unknown)(config);
}

/**
 * The object a serialized config names in the custom objects, as Keras's `_retrieve_class_or_fn`
 * looks it up: by registered name, then class name (a function: by its config, the name), and,
 * for names without a package, a registration "pkg>name" (what Keras ≤ 3.6 wrote).
 */
export function customObjectFor(
  serialized: { class_name?: unknown; config?: unknown; registered_name?: unknown },
  customObjects: CustomObjects = {},
): unknown {
  const className = typeof serialized.class_name === "string" ? serialized.class_name : null;
  const registered =
    typeof serialized.registered_name === "string" ? serialized.registered_name : null;
  const names =
    className === "function"
      ? [typeof serialized.config === "string" ? serialized.config : null]
      : [registered, className];
  for (const name of names) {
    const found = getRegisteredObject(name, customObjects);
    if (found !== undefined) return found;
  }
  for (const name of names) {
    if (name === null || name.includes(">")) continue;
    const suffix = `>${name}`;
    for (const [key, value] of Object.entries(visibleCustomObjects(customObjects))) {
      if (key.endsWith(suffix)) return value;
    }
  }
  return undefined;
}

/**
 * The custom object a name or a serialized config refers to, made ready: a class is built from
 * the config (with no config for a bare name, as Keras's `get` calls `obj()`), anything else
 * (a function, an instance) is returned as it is. Undefined when no custom object matches.
 */
export function resolveCustomObject(
  identifier: unknown,
  customObjects: CustomObjects = {},
): unknown {
  let found: unknown;
  let config: Record<string, unknown> = {};
  if (typeof identifier === "string") {
    found = getRegisteredObject(identifier, customObjects);
  } else if (typeof identifier === "object" && identifier !== null && "class_name" in identifier) {
    const serialized = identifier as { class_name?: unknown; config?: unknown };
    found = customObjectFor(serialized, customObjects);
    if (typeof serialized.config === "object" && serialized.config !== null) {
      config = serialized.config as Record<string, unknown>;
    }
  }
  if (found === undefined) return undefined;
  return isClass(found) ? instantiateRegistered(found, config) : found;
}
