/**
 * Keras raises on unknown keyword arguments to a layer; Strata does the same for every built-in
 * layer, in one place, so that no layer has to list its options twice. The Layer base
 * constructor keeps the options object it was given; at the layer's first use (its first call,
 * or its build) the keys are checked against what the layer declares: the base options, the
 * keys of its Keras config (`getConfig()`, camelCased: Keras's constructor arguments and config
 * keys are the same names) and a class's `static extraOptions` (options a layer takes but does
 * not serialize). The check waits for first use because a base constructor cannot run after
 * the subclass's: the config is only complete once the layer is constructed.
 *
 * It applies to classes registered as built-ins (registry.ts marks them here), not to user
 * subclasses (whose constructors may pass their own options to `super`), and not to layers
 * rebuilt from a config: configs may carry keys Keras itself ignores.
 */
import { checkOptionNames } from "../errors.js";
import { snakeToCamel } from "../nn/serialization.js";

/** Options every layer accepts (LayerArgs), plus Keras's base-layer aliases that Strata reads. */
const BASE_OPTIONS = [
  "name",
  "trainable",
  "dtype",
  "inputShape",
  "batchSize",
  "activityRegularizer",
];

const builtIns = new WeakSet<object>();
let deserializing = 0;

/** Marks a class as built-in: its instances' options are checked. Called by the registry. */
export function checkOptionsOf(cls: object): void {
  builtIns.add(cls);
}

/**
 * Marks an options object whose layer skips the check: one made from a Keras config
 * (fromKerasConfig), or one a layer builds for its own sub-layers (an RNN's cell gets the RNN's
 * options, already checked as the RNN's). An enumerable symbol, so `{...args}` copies keep it
 * while `Object.keys` never lists it.
 */
export const SKIP_OPTION_CHECK: unique symbol = Symbol("strata.skipOptionCheck");

/** `args` (copied) marked so that the layer given them skips the check. */
export function unchecked<T extends object>(args: T): T {
  return { ...args, [SKIP_OPTION_CHECK]: true };
}

/** Runs `fn` (a layer's fromConfig) with the check off for every layer it constructs. */
export function withoutOptionCheck<T>(fn: () => T): T {
  deserializing++;
  try {
    return fn();
  } finally {
    deserializing--;
  }
}

/**
 * The options a new layer of class `cls` must have checked at first use, or null: the check
 * does not apply, or every key is a base option.
 */
export function optionsToCheck(cls: object, args: object | undefined): object | null {
  if (!args || deserializing > 0 || !builtIns.has(cls)) return null;
  if ((args as { [SKIP_OPTION_CHECK]?: boolean })[SKIP_OPTION_CHECK]) return null;
  return Object.keys(args).some((k) => !BASE_OPTIONS.includes(k)) ? args : null;
}

/** `static extraOptions` of `cls` and of each class above it. */
function extraOptions(cls: unknown): string[] {
  const out: string[] = [];
  for (let c = cls as { extraOptions?: readonly string[] } | null; c;) {
    if (Object.prototype.hasOwnProperty.call(c, "extraOptions")) out.push(...c.extraOptions!);
    c = Object.getPrototypeOf(c) as typeof c;
  }
  return out;
}

/**
 * Throws a ValueError naming the first option of `given` that the layer does not declare and
 * the closest declared one. `config` is the layer's Keras config (snake_case keys); a layer
 * whose config cannot be made yet is not checked.
 */
export function checkLayerOptions(
  where: string,
  cls: unknown,
  given: object,
  config: () => Record<string, unknown>,
): void {
  let keys: string[];
  try {
    keys = Object.keys(config()).map(snakeToCamel);
  } catch {
    return;
  }
  const known = [...new Set([...BASE_OPTIONS, ...keys, ...extraOptions(cls)])];
  checkOptionNames(where, given, known);
}

// ---------------------------------------------------------------- call options

/** Options every layer's `apply` takes (CallOptions). */
const BASE_CALL_OPTIONS = ["training", "mask"];

/** `static callOptions` of `cls` and of each class above it: a layer's own call options. */
function declaredCallOptions(cls: unknown): string[] {
  const out: string[] = [];
  for (let c = cls as { callOptions?: readonly string[] } | null; c;) {
    if (Object.prototype.hasOwnProperty.call(c, "callOptions")) out.push(...c.callOptions!);
    c = Object.getPrototypeOf(c) as typeof c;
  }
  return out;
}

/**
 * Whether a user's class between `layer`'s own class and the first built-in class (or the
 * Layer base, `basePrototype`) defines its own `apply`: it may take options of its own.
 */
function userApply(layer: object, basePrototype: object): boolean {
  for (let p = Object.getPrototypeOf(layer) as object | null; p && p !== basePrototype;) {
    if (builtIns.has((p as { constructor: object }).constructor)) return false;
    if (Object.prototype.hasOwnProperty.call(p, "apply")) return true;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return false;
}

/**
 * Keras raises on an unknown keyword argument to a layer's call: throws a ValueError naming the
 * layer, the first unknown key of `opts`, the closest accepted one and every accepted one
 * (training, mask and the class's `static callOptions`). Calls replayed from a config are not
 * checked (Keras files may record arguments Strata's layers do not take), nor are layers of a
 * user's class that defines its own `apply`.
 */
export function checkCallOptions(
  where: () => string,
  layer: object,
  opts: object,
  basePrototype: object,
): void {
  const keys = Object.keys(opts);
  if (keys.every((k) => BASE_CALL_OPTIONS.includes(k)) || deserializing > 0) return;
  if (userApply(layer, basePrototype)) return;
  const known = [...new Set([...BASE_CALL_OPTIONS, ...declaredCallOptions(layer.constructor)])];
  for (const key of keys) {
    if (!known.includes(key)) checkOptionNames(`${where()} apply`, { [key]: true }, known);
  }
}
