/**
 * Keras's `utils.Config`: a dictionary of settings read and written as attributes
 * (`config.learningRate = 1e-3`, `config.learningRate`), or as a dictionary (`get`, `set`,
 * `update`, `pop`, `delete`, `has`, `keys`, iteration in sorted key order), with `toJson()`. A
 * frozen config refuses every change; reading an unknown attribute is an error that suggests the
 * closest key ("Did you mean …?"), as Keras's does. Keras freezes with the `frozen` property
 * access; here `freeze()` does it and `frozen` reads the state.
 */
import { ValueError } from "../errors.js";

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** difflib's get_close_matches(n=1, cutoff=0.7) in spirit: the most similar key, if similar enough. */
function closest(name: string, keys: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = 0.7;
  for (const k of keys) {
    const score = 1 - editDistance(name, k) / Math.max(name.length, k.length, 1);
    if (score >= bestScore) [best, bestScore] = [k, score];
  }
  return best;
}

export class Config {
  private readonly values: Record<string, unknown>;
  private isFrozen = false;
  [name: string]: unknown;

  constructor(values: Record<string, unknown> = {}) {
    this.values = { ...values };
    return new Proxy(this, {
      get: (target, prop, receiver) => {
        if (typeof prop === "symbol" || prop in target) return Reflect.get(target, prop, receiver);
        if (Object.hasOwn(target.values, prop)) return target.values[prop];
        if (prop === "then" || prop === "toJSON") return undefined; // await / JSON probes
        const near = closest(prop, Object.keys(target.values));
        throw new ValueError(
          `Config: Unknown attribute: '${prop}'.${near === null ? "" : ` Did you mean '${near}'?`}`,
        );
      },
      set: (target, prop, value) => {
        if (typeof prop === "symbol" || prop in target) return Reflect.set(target, prop, value);
        target.set(prop, value);
        return true;
      },
      deleteProperty: (target, prop) => {
        if (typeof prop === "symbol") return false;
        target.delete(prop);
        return true;
      },
      has: (target, prop) => prop in target || Object.hasOwn(target.values, prop as string),
    });
  }

  private check(): void {
    if (this.isFrozen) {
      throw new ValueError("Config: Cannot mutate attribute(s) because the config is frozen.");
    }
  }

  /** Whether the config refuses changes. */
  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Refuses every later change (Keras's `config.frozen`). */
  freeze(): this {
    this.isFrozen = true;
    return this;
  }

  unfreeze(): this {
    this.isFrozen = false;
    return this;
  }

  /** A shallow copy of the settings. */
  asDict(): Record<string, unknown> {
    return { ...this.values };
  }

  toJson(): string {
    return JSON.stringify(this.values);
  }

  keys(): string[] {
    return Object.keys(this.values);
  }

  entries(): [string, unknown][] {
    return Object.entries(this.values);
  }

  /** Keras `get(key, default)`. */
  get(key: string, value: unknown = null): unknown {
    return Object.hasOwn(this.values, key) ? this.values[key] : value;
  }

  set(key: string, value: unknown): void {
    this.check();
    this.values[key] = value;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.values, key);
  }

  update(values: Record<string, unknown>): void {
    this.check();
    Object.assign(this.values, values);
  }

  /** Keras `pop(key[, default])`: removes and returns the value; a missing key without a default is an error. */
  pop(key: string, ...fallback: [unknown?]): unknown {
    this.check();
    if (Object.hasOwn(this.values, key)) {
      const v = this.values[key];
      delete this.values[key];
      return v;
    }
    if (fallback.length > 0) return fallback[0];
    throw new ValueError(`Config.pop: no key '${key}'`);
  }

  delete(key: string): void {
    this.check();
    if (!Object.hasOwn(this.values, key)) throw new ValueError(`Config: no key '${key}' to delete`);
    delete this.values[key];
  }

  get length(): number {
    return Object.keys(this.values).length;
  }

  /** Keras's `__iter__`: the keys, sorted. */
  *[Symbol.iterator](): Generator<string> {
    yield* Object.keys(this.values).sort();
  }

  toString(): string {
    return `<Config ${JSON.stringify(this.values)}>`;
  }
}
