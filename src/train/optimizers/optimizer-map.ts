/**
 * Keras 3.16's `OptimizerMap` (keras/src/optimizers/multi_optimizer.py): which optimizer updates
 * which variable, for a MultiOptimizer. Keys are variable paths or regular expressions matched
 * against the whole path; a variable no key matches goes to the default optimizer. Strata's
 * variable names are Keras's paths of a layer's own weights ("dense_1/kernel"); a Keras model's
 * nested paths may carry the model's name in front ("sequential/dense_1/kernel"), which is why
 * Keras's examples write patterns as ".*dense_1/.*".
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { kerasEnvelope } from "../../nn/object-registration.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import { LossScaleOptimizer } from "./loss-scale-optimizer.js";
import { Optimizer } from "./optimizer.js";

/** Marks a MultiOptimizer (set by multi-optimizer.ts, which imports this file). */
export const MULTI_OPTIMIZER: unique symbol = Symbol("MultiOptimizer");

/** Why `optimizer` cannot update variables inside a MultiOptimizer, or null when it can. */
export function innerOptimizerRefusal(optimizer: Optimizer): string | null {
  if (optimizer instanceof LossScaleOptimizer) return "LossScaleOptimizer";
  if (MULTI_OPTIMIZER in optimizer) return "MultiOptimizer";
  return null;
}

export class OptimizerMap implements Iterable<string> {
  readonly defaultOptimizer: Optimizer;
  private readonly entries_ = new Map<string, Optimizer>();

  /**
   * `defaultOptimizer` updates every variable no key matches; `optimizerMap` gives the first
   * keys (path or regular expression → optimizer), as `set` would add them one by one.
   */
  constructor(defaultOptimizer: Optimizer, optimizerMap: Record<string, Optimizer> | null = null) {
    if (!(defaultOptimizer instanceof Optimizer)) {
      throw new ValueError(
        `OptimizerMap: defaultOptimizer must be an Optimizer instance. Received: ${String(defaultOptimizer)}`,
      );
    }
    if (
      optimizerMap !== null &&
      optimizerMap !== undefined &&
      (typeof optimizerMap !== "object" || Array.isArray(optimizerMap))
    ) {
      throw new ValueError(
        `OptimizerMap: optimizerMap must be an object of path → Optimizer. Received: ${String(optimizerMap)}`,
      );
    }
    this.defaultOptimizer = defaultOptimizer;
    for (const [key, opt] of Object.entries(optimizerMap ?? {})) this.set(key, opt);
  }

  /**
   * Keras `__getitem__`: the optimizer of `key` (a variable path). An exact key wins; otherwise
   * every key is a regular expression that must match the whole path; more than one match is an
   * error; no match gives the default optimizer.
   */
  get(key: string): Optimizer {
    const exact = this.entries_.get(key);
    if (exact) return exact;
    const matching = [...this.entries_.keys()].filter((pattern) => fullMatch(pattern, key));
    if (matching.length > 1) {
      throw new ValueError(
        `Multiple optimizers assigned to variable ${key}: the patterns ${matching
          .map((m) => JSON.stringify(m))
          .join(", ")} all match it`,
      );
    }
    return matching.length === 1 ? this.entries_.get(matching[0]!)! : this.defaultOptimizer;
  }

  /** Keras `__setitem__`: a new key (path or pattern) for `optimizer`; keys may not repeat. */
  set(key: string, optimizer: Optimizer): this {
    if (this.entries_.has(key)) {
      throw new ValueError(
        `'${key}' already exists in the OptimizerMap with value ${this.entries_.get(key)!.name}. ` +
          "Please make sure to not use duplicated keys.",
      );
    }
    if (typeof key !== "string") {
      throw new ValueError(`OptimizerMap: key must be a string. Received: ${String(key)}`);
    }
    if (!(optimizer instanceof Optimizer)) {
      throw new ValueError(
        `OptimizerMap: optimizer must be an Optimizer instance. Received: ${String(optimizer)}`,
      );
    }
    const refused = innerOptimizerRefusal(optimizer);
    if (refused) throw new ValueError(`OptimizerMap: optimizer cannot be ${refused}.`);
    this.entries_.set(key, optimizer);
    return this;
  }

  /** Keras `__delitem__`. */
  delete(key: string): boolean {
    return this.entries_.delete(key);
  }

  has(key: string): boolean {
    return this.entries_.has(key);
  }

  /** Keras `len(map)`: the number of keys (the default optimizer is not one). */
  get size(): number {
    return this.entries_.size;
  }

  keys(): IterableIterator<string> {
    return this.entries_.keys();
  }

  values(): IterableIterator<Optimizer> {
    return this.entries_.values();
  }

  entries(): IterableIterator<[string, Optimizer]> {
    return this.entries_.entries();
  }

  /** Iterates the keys, as a Python mapping does. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.entries_.keys();
  }

  /** Keras `__call__`: the optimizer of a variable, looked up by its path (its name in Strata). */
  call(variable: Variable): Optimizer {
    return this.get(variable.name);
  }

  /**
   * Keras's two keys. An optimizer that appears more than once (the default optimizer also under
   * a key, or one optimizer under two keys) carries a `shared_object_id`, as Keras marks shared
   * objects when it saves a model, so that loading gives back one optimizer, not copies.
   */
  getConfig(): Record<string, unknown> {
    const counts = new Map<Optimizer, number>();
    for (const o of [this.defaultOptimizer, ...this.entries_.values()]) {
      counts.set(o, (counts.get(o) ?? 0) + 1);
    }
    const ids = new Map<Optimizer, number>();
    for (const [o, n] of counts) if (n > 1) ids.set(o, nextSharedId++);
    const serialize = (o: Optimizer): KerasObject & { shared_object_id?: number } => {
      const s = o.serialize();
      const id = ids.get(o);
      return id === undefined ? s : { ...s, shared_object_id: id };
    };
    return {
      default_optimizer: serialize(this.defaultOptimizer),
      optimizer_map: Object.fromEntries([...this.entries_].map(([k, o]) => [k, serialize(o)])),
    };
  }

  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.optimizers", "OptimizerMap", this.getConfig());
  }

  /**
   * From `getConfig()` output (or a Keras config), with `deserialize` reviving each optimizer;
   * entries with the same `shared_object_id` become one optimizer.
   */
  static fromConfigWith(
    config: Record<string, unknown>,
    deserialize: (c: unknown) => Optimizer,
  ): OptimizerMap {
    const { default_optimizer: def, optimizer_map: map, ...rest } = config;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw new ValueError(
        `OptimizerMap.fromConfig: unknown config keys ${extra.join(", ")} (expected default_optimizer, optimizer_map)`,
      );
    }
    if (!isKerasObject(def)) {
      throw new ValueError(
        `OptimizerMap.fromConfig: default_optimizer must be a serialized optimizer; received ${JSON.stringify(def)}`,
      );
    }
    if (map !== null && map !== undefined && (typeof map !== "object" || Array.isArray(map))) {
      throw new ValueError(
        `OptimizerMap.fromConfig: optimizer_map must be an object of path → serialized optimizer; received ${JSON.stringify(map)}`,
      );
    }
    const shared = new Map<unknown, Optimizer>();
    const revive = (c: unknown): Optimizer => {
      const id = (c as { shared_object_id?: unknown } | null)?.shared_object_id;
      const known = id === undefined ? undefined : shared.get(id);
      if (known) return known;
      const opt = deserialize(c);
      if (id !== undefined) shared.set(id, opt);
      return opt;
    };
    const defaultOptimizer = revive(def);
    const entries = Object.entries((map ?? {}) as Record<string, unknown>).map(
      ([k, c]) => [k, revive(c)] as const,
    );
    return new OptimizerMap(defaultOptimizer, Object.fromEntries(entries));
  }
}

// Keras uses Python object ids; any number unique within the file does.
let nextSharedId = 1;

/** Python's `re.fullmatch(pattern, text)` for the patterns paths are matched with. */
function fullMatch(pattern: string, text: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, "u");
  } catch (e) {
    throw new ValueError(
      `OptimizerMap: the key ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`,
    );
  }
  return re.test(text);
}
