/**
 * Elements of a Dataset are nested structures, as tf.data's are: a tensor, an array (tuple) of
 * elements, or a name-keyed object of elements. These helpers walk two or more structures in step.
 */
import { ValueError } from "../../errors.js";
import { asTensor } from "../../ops/core.js";
import { Tensor } from "../../tensor/tensor.js";

/** One element: a tensor or a nested array / name-keyed object of tensors. */
export type Element = Tensor | readonly Element[] | { readonly [name: string]: Element };

function isRecord(x: unknown): x is Record<string, unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    !(x instanceof Tensor) &&
    !ArrayBuffer.isView(x)
  );
}

/**
 * Nested numbers or nested strings (one tensor's values), as opposed to an array of structures:
 * tf.data reads a Python list of strings as one string column.
 */
export function isNumberArray(x: unknown): boolean {
  return (
    isNested(x, (v) => typeof v === "number" || typeof v === "boolean") || isNested(x, isString)
  );
}

const isString = (v: unknown): boolean => typeof v === "string";

function isNested(x: unknown, leaf: (v: unknown) => boolean): boolean {
  return Array.isArray(x) ? x.every((v) => isNested(v, leaf)) : leaf(x);
}

/** The structure's leaves, depth first (object keys in insertion order). */
export function flatten(x: unknown): unknown[] {
  if (Array.isArray(x) && !isNumberArray(x)) return x.flatMap(flatten);
  if (isRecord(x)) return Object.values(x).flatMap(flatten);
  return [x];
}

/** Rebuilds `like`'s structure with `leaves` in flatten's order. */
export function unflatten(like: unknown, leaves: readonly unknown[]): unknown {
  let i = 0;
  const build = (s: unknown): unknown => {
    if (Array.isArray(s) && !isNumberArray(s)) return s.map(build);
    if (isRecord(s)) return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(v)]));
    return leaves[i++];
  };
  return build(like);
}

/** Describes a structure for messages: `[tensor, {a: tensor}]`. */
export function describe(x: unknown): string {
  if (Array.isArray(x) && !isNumberArray(x)) return `[${x.map(describe).join(", ")}]`;
  if (isRecord(x))
    return `{${Object.entries(x)
      .map(([k, v]) => `${k}: ${describe(v)}`)
      .join(", ")}}`;
  return x instanceof Tensor ? `tensor[${x.shape.join(",")}]` : typeof x;
}

/** Whether two elements have the same nesting (same array lengths and the same keys). */
export function sameStructure(a: unknown, b: unknown): boolean {
  const aArr = Array.isArray(a) && !isNumberArray(a);
  const bArr = Array.isArray(b) && !isNumberArray(b);
  if (aArr || bArr) {
    if (!(aArr && bArr) || (a as unknown[]).length !== (b as unknown[]).length) return false;
    return (a as unknown[]).every((v, i) => sameStructure(v, (b as unknown[])[i]));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!(isRecord(a) && isRecord(b))) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => k in b && sameStructure(a[k], b[k]))
    );
  }
  return true;
}

/** A leaf as a tensor (plain numbers and typed arrays become tensors). */
export function leafTensor(x: unknown, where: string): Tensor {
  if (x instanceof Tensor) return x;
  if (ArrayBuffer.isView(x) || isNumberArray(x))
    return asTensor(x as Parameters<typeof asTensor>[0]);
  throw new ValueError(
    `${where}: dataset elements must hold tensors, numbers or strings; received ${typeof x}`,
  );
}

/** Every leaf as a tensor, keeping the structure. */
export function toElement(x: unknown, where: string): Element {
  return unflatten(
    x,
    flatten(x).map((l) => leafTensor(l, where)),
  ) as Element;
}
