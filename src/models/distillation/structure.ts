/**
 * The nested structures the distillation losses walk (Keras's `keras.tree` as distillation uses
 * it): a leaf, a list of structures, or a plain object of structures by key. Leaves are anything
 * else (tensors, losses, strings, functions, null, serialized Keras objects).
 */
import { ValueError } from "../../errors.js";
import { isKerasObject } from "../../nn/serialization.js";

export type Structure<T> = T | readonly Structure<T>[] | { readonly [key: string]: Structure<T> };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    Object.getPrototypeOf(x) === Object.prototype &&
    !isKerasObject(x)
  );
}

function isContainer(x: unknown): boolean {
  return Array.isArray(x) || isPlainObject(x);
}

/** Keras `tree.flatten`: the leaves in order (an object's keys sorted, as Keras sorts dicts). */
export function flattenStructure<T>(s: Structure<T>): T[] {
  if (Array.isArray(s)) return s.flatMap((v) => flattenStructure<T>(v as Structure<T>));
  if (isPlainObject(s)) {
    return Object.keys(s)
      .sort()
      .flatMap((k) => flattenStructure<T>(s[k] as Structure<T>));
  }
  return [s as T];
}

/** A short description of a structure for error messages ("[*, *]", "{a: *}", "*"). */
export function describeStructure(s: unknown): string {
  if (Array.isArray(s)) return `[${s.map(describeStructure).join(", ")}]`;
  if (isPlainObject(s)) {
    return `{${Object.keys(s)
      .sort()
      .map((k) => `${k}: ${describeStructure(s[k])}`)
      .join(", ")}}`;
  }
  return "*";
}

/** Keras `tree.assert_same_structure`: a ValueError naming both structures when they differ. */
export function assertSameStructure(a: unknown, b: unknown, where: string): void {
  if (!sameStructure(a, b)) {
    throw new ValueError(
      `${where}: the structures differ: ${describeStructure(a)} and ${describeStructure(b)}`,
    );
  }
}

function sameStructure(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameStructure(v, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure(a[k], b[k]));
  }
  return !isContainer(a) && !isContainer(b);
}

/** Keras `tree.map_structure` over structures of the same shape (checked first). */
export function mapStructure<R>(
  fn: (...leaves: unknown[]) => R,
  where: string,
  ...structures: unknown[]
): Structure<R> {
  for (const s of structures.slice(1)) assertSameStructure(structures[0], s, where);
  const walk = (...xs: unknown[]): Structure<R> => {
    const first = xs[0];
    if (Array.isArray(first))
      return first.map((_, i) => walk(...xs.map((x) => (x as unknown[])[i])));
    if (isPlainObject(first)) {
      return Object.fromEntries(
        Object.keys(first).map((k) => [
          k,
          walk(...xs.map((x) => (x as Record<string, unknown>)[k])),
        ]),
      );
    }
    return fn(...xs);
  };
  return walk(...structures);
}
