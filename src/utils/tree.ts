/**
 * `st.tree` (keras.tree): functions over nested structures — arrays and plain objects, with
 * anything else (tensors, numbers, strings, null) a leaf, as Keras's tree (optree with
 * `none_is_leaf=True`) treats lists, tuples and dicts.
 *
 * What differs from Python, by necessity: JS has no tuples, so Python's lists and tuples are
 * both arrays here (and `listsToTuples` returns frozen arrays, Keras's immutable tuples);
 * object keys are strings, visited in Keras's sorted order — keys that are integers first, in
 * numeric order (Python sorts the int keys of `{100: …, 6: …}` numerically), then the others by
 * code point. Other objects (class instances, Maps, typed arrays) are leaves. Python's `None`
 * is `null` (or `undefined`); functions that return nothing (`undefined`) count as returning
 * None where Keras gives None a meaning (`traverse`).
 */
import { ValueError } from "../errors.js";

/** A path to a leaf: array indices and object keys from the root. */
export type TreePath = (string | number)[];

/**
 * Keras `MAP_TO_NONE`: returned by a `traverse` function to replace a sub-tree with `null`
 * (a plain null return means "no replacement").
 */
export const MAP_TO_NONE: { readonly name: "MAP_TO_NONE" } = Object.freeze({
  name: "MAP_TO_NONE",
});

type Node = unknown[] | Record<string, unknown>;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function isNode(x: unknown): x is Node {
  return Array.isArray(x) || isPlainObject(x);
}

const INTEGER_KEY = /^(0|[1-9][0-9]*)$/;

/** Keras's deterministic key order: integer keys numerically, then the rest by code point. */
function sortedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).sort((a, b) => {
    const ai = INTEGER_KEY.test(a);
    const bi = INTEGER_KEY.test(b);
    if (ai && bi) return Number(a) - Number(b);
    if (ai !== bi) return ai ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** A node's children with their path entries, in Keras's order. */
function children(node: Node): [string | number, unknown][] {
  if (Array.isArray(node)) return node.map((v, i) => [i, v]);
  return sortedKeys(node).map((k) => [k, node[k]]);
}

/** A node like `node` holding `values` (in `children` order). */
function rebuild(node: Node, values: unknown[]): Node {
  if (Array.isArray(node)) return values;
  const out: Record<string, unknown> = {};
  sortedKeys(node).forEach((k, i) => (out[k] = values[i]));
  return out;
}

function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x === "function") return `function ${x.name}`;
  try {
    const s = JSON.stringify(x);
    if (s !== undefined) return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    // not JSON: fall through
  }
  return Object.prototype.toString.call(x);
}

function kindName(node: Node): string {
  return Array.isArray(node) ? "array" : "object";
}

/**
 * Keras `is_nested`: whether `structure` is an array or a plain object (null and every other
 * value are leaves).
 */
export function isNested(structure: unknown): boolean {
  return isNode(structure);
}

/**
 * Keras `flatten`: the leaves in depth-first order, object values by sorted key.
 * `flatten(null)` is `[null]`, `flatten(1)` is `[1]`.
 */
export function flatten(structure: unknown): unknown[] {
  const out: unknown[] = [];
  const visit = (x: unknown): void => {
    if (isNode(x)) for (const [, v] of children(x)) visit(v);
    else out.push(x);
  };
  visit(structure);
  return out;
}

/** Keras `flatten_with_path`: `[path, leaf]` pairs, paths as arrays of indices and keys. */
export function flattenWithPath(structure: unknown): [TreePath, unknown][] {
  const out: [TreePath, unknown][] = [];
  const visit = (x: unknown, path: TreePath): void => {
    if (isNode(x)) for (const [k, v] of children(x)) visit(v, [...path, k]);
    else out.push([path, x]);
  };
  visit(structure, []);
  return out;
}

/**
 * Walks `structures` in step with the first (optree's `tree_map`): where the first has a leaf,
 * `f` receives the values of every structure there (a sub-tree of another passes whole); where
 * it has a node, every other structure must have a node of the same kind and size.
 */
function zipMap(
  structures: readonly unknown[],
  f: (...values: unknown[]) => unknown,
  isLeaf: (x: unknown) => boolean,
  where: string,
): unknown {
  const [first, ...rest] = structures;
  if (!isNode(first) || isLeaf(first)) return f(...structures);
  for (const other of rest) {
    if (!isNode(other) || Array.isArray(other) !== Array.isArray(first)) {
      throw new ValueError(
        `${where}: Expected an instance of ${kindName(first)}, got ${describe(other)}.`,
      );
    }
    if (Array.isArray(first)) {
      const n = (other as unknown[]).length;
      if (n !== first.length) {
        throw new ValueError(
          `${where}: Node arity mismatch; expected: ${first.length}, got: ${n}; the arrays ` +
            `${describe(first)} and ${describe(other)} differ in their number of elements.`,
        );
      }
    } else {
      const a = sortedKeys(first);
      const b = sortedKeys(other as Record<string, unknown>);
      if (a.length !== b.length || a.some((k, i) => k !== b[i])) {
        throw new ValueError(
          `${where}: dictionary key mismatch; expected key(s): ${JSON.stringify(a)}, ` +
            `got key(s): ${JSON.stringify(b)}.`,
        );
      }
    }
  }
  const kids = children(first);
  const values = kids.map(([k], i) =>
    zipMap(
      structures.map((s) => (s === first ? kids[i]![1] : (s as Record<string, unknown>)[k])),
      f,
      isLeaf,
      where,
    ),
  );
  return rebuild(first, values);
}

const NEVER = (): boolean => false;

function checkFunction(func: unknown, where: string): void {
  if (typeof func !== "function") {
    throw new ValueError(`${where}: func must be callable; received ${describe(func)}`);
  }
}

/**
 * Keras `map_structure(func, *structures, none_is_leaf=True)`: applies `func` to the leaves
 * (to the leaves of all structures together when several are given, which must then have the
 * same structure), returning a structure of the same layout. With `noneIsLeaf: false`, null
 * values are kept as they are and not passed to `func`.
 */
export function mapStructure(func: (...leaves: never[]) => unknown, ...args: unknown[]): unknown {
  const where = "tree.mapStructure";
  checkFunction(func, where);
  let structures = args;
  let noneIsLeaf = true;
  const last = args[args.length - 1];
  if (args.length > 1 && isPlainObject(last) && isMapOptions(last)) {
    structures = args.slice(0, -1);
    noneIsLeaf = last.noneIsLeaf !== false;
  }
  if (structures.length === 0)
    throw new ValueError(`${where}: Must provide at least one structure`);
  const fn = func as (...leaves: unknown[]) => unknown;
  const call = (...values: unknown[]): unknown => {
    if (!noneIsLeaf && values[0] === null) {
      if (values.some((v) => v !== null)) {
        throw new ValueError(`${where}: Expected an instance of null, got ${describe(values)}.`);
      }
      return null;
    }
    if (values.length > 1 && values.some((v) => isNode(v))) {
      throw new ValueError(`${where}: Structures don't have the same nested structure.`);
    }
    return fn(...values);
  };
  return zipMap(structures, call, NEVER, where);
}

/** `mapStructure`'s trailing options object: `{ noneIsLeaf }` and nothing else. */
export interface MapStructureOptions {
  noneIsLeaf?: boolean;
}
const MAP_OPTIONS = Symbol("tree.mapStructure options");
function isMapOptions(x: unknown): x is MapStructureOptions {
  return (x as { [MAP_OPTIONS]?: true })[MAP_OPTIONS] === true;
}
/**
 * Marks `mapStructure`'s options (a plain trailing object would be read as a structure):
 * `mapStructure(f, a, b, mapOptions({ noneIsLeaf: false }))`.
 */
export function mapOptions(opts: MapStructureOptions): MapStructureOptions {
  return Object.assign(Object.create(null) as object, opts, { [MAP_OPTIONS]: true });
}

/**
 * Keras `map_structure_up_to(shallow_structure, func, *structures)`: maps `func` over the
 * structures only down to the leaves of `shallowStructure`; what lies deeper in the structures
 * is passed to `func` whole. The structures must have `shallowStructure`'s layout as a prefix.
 */
export function mapStructureUpTo(
  shallowStructure: unknown,
  func: (...values: never[]) => unknown,
  ...structures: unknown[]
): unknown {
  const where = "tree.mapStructureUpTo";
  checkFunction(func, where);
  if (structures.length === 0)
    throw new ValueError(`${where}: Must provide at least one structure`);
  const fn = func as (...values: unknown[]) => unknown;
  return zipMap(
    [shallowStructure, ...structures],
    (_shallow, ...values) => fn(...values),
    NEVER,
    where,
  );
}

/**
 * Keras `assert_same_structure(a, b)`: throws a ValueError unless `a` and `b` are nested the same
 * way (arrays of the same lengths, objects of the same keys, leaves where leaves are).
 */
export function assertSameStructure(a: unknown, b: unknown): void {
  const where = "tree.assertSameStructure";
  zipMap(
    [a, b],
    (x, y) => {
      if (isNode(x) || isNode(y)) {
        throw new ValueError(
          `${where}: The two structures don't have the same nested structure: ${describe(x)} and ${describe(y)}.`,
        );
      }
      return null;
    },
    NEVER,
    where,
  );
}

/**
 * Keras `assert_same_paths(a, b)`: throws a ValueError unless `a` and `b` have the same set of
 * leaf paths (node kinds are not compared), naming the paths each lacks.
 */
export function assertSamePaths(a: unknown, b: unknown): void {
  const paths = (x: unknown) => new Set(flattenWithPath(x).map(([p]) => JSON.stringify(p)));
  const pa = paths(a);
  const pb = paths(b);
  const aOnly = [...pa].filter((p) => !pb.has(p));
  const bOnly = [...pb].filter((p) => !pa.has(p));
  if (aOnly.length === 0 && bOnly.length === 0) return;
  let msg = "tree.assertSamePaths: `a` and `b` don't have the same paths.";
  if (aOnly.length > 0) msg += `\nPaths in \`a\` missing in \`b\`:\n${aOnly.join(", ")}`;
  if (bOnly.length > 0) msg += `\nPaths in \`b\` missing in \`a\`:\n${bOnly.join(", ")}`;
  throw new ValueError(msg);
}

/**
 * Keras `pack_sequence_as(structure, flat_sequence)`: `flatSequence` arranged as `structure`
 * (object keys in sorted order), the inverse of `flatten`. The counts must match.
 */
export function packSequenceAs(structure: unknown, flatSequence: readonly unknown[]): unknown {
  const where = "tree.packSequenceAs";
  if (!Array.isArray(flatSequence)) {
    throw new ValueError(
      `${where}: flatSequence must be an iterable array; received ${describe(flatSequence)}`,
    );
  }
  const expected = flatten(structure).length;
  if (flatSequence.length !== expected) {
    throw new ValueError(
      `${where}: ${flatSequence.length < expected ? "Too few" : "Too many"} leaves for the ` +
        `structure; expected: ${expected}, got: ${flatSequence.length}.`,
    );
  }
  let i = 0;
  const build = (x: unknown): unknown =>
    isNode(x)
      ? rebuild(
          x,
          children(x).map(([, v]) => build(v)),
        )
      : flatSequence[i++];
  return build(structure);
}

/**
 * Keras `traverse(func, structure, top_down=True)`: visits every sub-tree, depth first.
 * Top-down, a parent is visited before its children: `func` returning null/undefined goes on
 * into the sub-tree, anything else replaces it (`MAP_TO_NONE` replaces it with null) and its
 * children are not visited. Bottom-up, the children are visited first and `func` sees the
 * traversed sub-tree; null/undefined keeps it. Returns the resulting structure.
 */
export function traverse(
  func: (subtree: unknown) => unknown,
  structure: unknown,
  topDown = true,
): unknown {
  checkFunction(func, "tree.traverse");
  const traverseChildren = (x: unknown): unknown =>
    isNode(x)
      ? rebuild(
          x,
          children(x).map(([, v]) => traverse(func, v, topDown)),
        )
      : x;
  let ret: unknown;
  if (topDown) {
    ret = func(structure);
    if (ret === null || ret === undefined) return traverseChildren(structure);
  } else {
    const traversed = traverseChildren(structure);
    ret = func(traversed);
    if (ret === null || ret === undefined) return traversed;
  }
  return ret === MAP_TO_NONE ? null : ret;
}

/**
 * Keras `lists_to_tuples`: the structure with every array replaced by a frozen copy — JS's
 * stand-in for Python's immutable tuple (no tuple type exists; arrays already play both roles).
 */
export function listsToTuples(structure: unknown): unknown {
  return traverse(
    (x) => (Array.isArray(x) ? Object.freeze([...(x as unknown[])]) : null),
    structure,
    false,
  );
}

/** A shape: an array of integers and nulls (the empty array included), as Keras tests it. */
function isShape(x: unknown): boolean {
  return (
    Array.isArray(x) && x.every((e) => e === null || (typeof e === "number" && Number.isInteger(e)))
  );
}

/**
 * Keras `map_shape_structure(func, structure)`: `mapStructure` that treats arrays of integers and
 * nulls as leaves (shapes), so `func` receives whole shapes.
 */
export function mapShapeStructure(func: (leaf: never) => unknown, structure: unknown): unknown {
  const where = "tree.mapShapeStructure";
  checkFunction(func, where);
  return zipMap([structure], func as (x: unknown) => unknown, isShape, where);
}
