/**
 * `st.tree` against Keras's own cases (keras/src/tree/tree_test.py and the tree_api docstrings),
 * with Python's lists and tuples as arrays (a frozen array stands for a tuple where a case tells
 * them apart) and dicts as plain objects.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { tree } = st;
const tuple = (...xs: unknown[]): readonly unknown[] => Object.freeze(xs);

/** Keras's test Visitor: records what it is called with. */
function visitor(f: (x: unknown) => unknown) {
  let seen: unknown[] = [];
  const v = (x: unknown): unknown => {
    seen.push(x);
    return f(x);
  };
  v.visited = (): unknown[] => {
    const out = seen;
    seen = [];
    return out;
  };
  return v;
}

describe("tree.isNested / flatten / flattenWithPath", () => {
  it("is_nested: arrays and plain objects only", () => {
    assert.equal(tree.isNested(1), false);
    assert.equal(tree.isNested("1234"), false);
    assert.equal(tree.isNested(st.ones([4, 5])), false);
    assert.equal(tree.isNested(new Set([1, 2])), false);
    assert.equal(tree.isNested(null), false);
    for (const x of [[], [1], [1, 2], {}, { a: 1 }, { b: 2, a: 1 }]) assert.ok(tree.isNested(x));
  });

  it("flatten: depth first, dict values by sorted key, tensors and null as leaves", () => {
    assert.deepEqual(tree.flatten(1), [1]);
    assert.deepEqual(tree.flatten(null), [null]);
    assert.deepEqual(tree.flatten([]), []);
    assert.deepEqual(tree.flatten([1, 2]), [1, 2]);
    assert.deepEqual(tree.flatten({ b: 2, a: 1 }), [1, 2]);
    assert.deepEqual(
      tree.flatten([
        [1, 2, 3],
        [4, [5], [[6]]],
      ]),
      [1, 2, 3, 4, 5, 6],
    );
    // Keras's docstring: {100: 'world!', 6: 'Hello'} → ['Hello', 'world!'] (int keys numerically).
    assert.deepEqual(tree.flatten({ 100: "world!", 6: "Hello" }), ["Hello", "world!"]);
    const t = st.tensor([10]);
    const flat = tree.flatten([{ b: [2, 3], a: [1] }, { x: 4, y: [5, 6] }, [7], t]);
    assert.deepEqual(flat.slice(0, 7), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(flat[7], t);
  });

  it("flatten_with_path: paths of indices and keys", () => {
    assert.deepEqual(tree.flattenWithPath(1), [[[], 1]]);
    assert.deepEqual(tree.flattenWithPath([]), []);
    assert.deepEqual(tree.flattenWithPath([1, 2]), [
      [[0], 1],
      [[1], 2],
    ]);
    assert.deepEqual(tree.flattenWithPath([{ foo: 42 }]), [[[0, "foo"], 42]]);
    assert.deepEqual(tree.flattenWithPath({ b: [2, 3], a: [1] }), [
      [["a", 0], 1],
      [["b", 0], 2],
      [["b", 1], 3],
    ]);
  });
});

describe("tree.packSequenceAs", () => {
  it("is flatten's inverse, dict keys sorted", () => {
    assert.equal(tree.packSequenceAs(10, [1]), 1);
    assert.deepEqual(tree.packSequenceAs([], []), []);
    assert.deepEqual(tree.packSequenceAs([10, 20], [1, 2]), [1, 2]);
    assert.deepEqual(tree.packSequenceAs({}, []), {});
    assert.deepEqual(tree.packSequenceAs({ b: 20, a: 10 }, [1, 2]), { a: 1, b: 2 });
    assert.deepEqual(Object.keys(tree.packSequenceAs({ b: 20, a: 10 }, [1, 2]) as object), [
      "a",
      "b",
    ]);
    // Keras's docstring cases.
    const structure = { key3: "", key1: "", key2: "" };
    assert.deepEqual(tree.packSequenceAs(structure, ["value1", "value2", "value3"]), {
      key3: "value3",
      key1: "value1",
      key2: "value2",
    });
    assert.deepEqual(
      tree.packSequenceAs(
        [
          [1.5, 2.5],
          [3.3, 4.5, 5.7],
          [6, 7],
        ],
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
      ),
      [
        [1, 2],
        [3, 4, 5],
        [6, 7],
      ],
    );
    const nested = { key3: { c: [1, 2], a: 3 }, key1: { e: 4, d: 5 } };
    assert.deepEqual(tree.packSequenceAs(nested, ["val2", "val1", 3.0, 1.0, 2.0]), {
      key3: { c: [1, 2], a: 3 },
      key1: { e: "val1", d: "val2" },
    });
  });

  it("errors as Keras: not iterable, too few, too many leaves", () => {
    assert.throws(() => tree.packSequenceAs([10, 20], 1 as never), /[Ii]terable/);
    assert.throws(() => tree.packSequenceAs(10, []), /leaves.*expected: 1/);
    assert.throws(() => tree.packSequenceAs(10, [1, 2]), /leaves.*expected: 1/);
    assert.throws(() => tree.packSequenceAs([10, 20], [1]), /Too few leaves/);
    assert.throws(() => tree.packSequenceAs([10, 20], [1, 2, 3]), /Too many leaves/);
  });
});

describe("tree.mapStructure / mapStructureUpTo", () => {
  const f1 = (x: unknown) => (typeof x === "number" ? x + 10 : null);
  const f2 = (x: unknown, y: unknown) =>
    typeof x === "number" && typeof y === "number" ? x + y : null;

  it("one structure: Keras's cases", () => {
    assert.equal(tree.mapStructure(f1, 1), 11);
    assert.deepEqual(tree.mapStructure(f1, []), []);
    assert.deepEqual(tree.mapStructure(f1, [1, 2]), [11, 12]);
    assert.deepEqual(tree.mapStructure(f1, { b: 2, a: 1 }), { a: 11, b: 12 });
    assert.deepEqual(tree.mapStructure(f1, [{ b: [2, 3], a: [1] }, { x: 4, y: [5, 6] }, [7]]), [
      { b: [12, 13], a: [11] },
      { x: 14, y: [15, 16] },
      [17],
    ]);
    const structure = [[1], [2], [3]];
    assert.deepEqual(
      tree.mapStructure((v: number) => v ** 2, structure),
      [[1], [4], [9]],
    );
    assert.throws(() => tree.mapStructure("bad" as never, [1, 2]), /callable/);
    assert.throws(() => tree.mapStructure(f1 as never), /at least one structure/);
  });

  it("several structures: zipped leaves, mismatches refused", () => {
    assert.equal(tree.mapStructure(f2, 1, 10), 11);
    assert.deepEqual(tree.mapStructure(f2, [1, 2], [10, 20]), [11, 22]);
    assert.deepEqual(tree.mapStructure(f2, { b: 2, a: 1 }, { a: 10, b: 20 }), { a: 11, b: 22 });
    assert.deepEqual(
      tree.mapStructure((x: number, y: number) => x * y, [[1], [2], [3]], [[1], [2], [3]]),
      [[1], [4], [9]],
    );
    assert.throws(() => tree.mapStructure(f2, [], {}), /array/);
    assert.throws(() => tree.mapStructure(f2, [1, 2], [1]), /arity/);
    assert.throws(() => tree.mapStructure(f2, { a: 1, b: 2 }, { a: 1 }), /key/);
    assert.throws(() => tree.mapStructure(f2, 1, [1]), /same nested structure/);
  });

  it("noneIsLeaf: false keeps nulls without calling func", () => {
    const seen: unknown[] = [];
    const out = tree.mapStructure(
      (x: unknown) => {
        seen.push(x);
        return 0;
      },
      [1, null, { a: null }],
      tree.mapOptions({ noneIsLeaf: false }),
    );
    assert.deepEqual(out, [0, null, { a: null }]);
    assert.deepEqual(seen, [1]);
    assert.deepEqual(
      tree.mapStructure((x: unknown) => (x === null ? "none" : x), [1, null]),
      [1, "none"],
    );
  });

  it("map_structure_up_to: Keras's docstring and list cases", () => {
    const structure = [
      [1, 1],
      [2, 2],
    ];
    assert.deepEqual(
      tree.mapStructureUpTo([null, null], (x: unknown[]) => x.length, structure),
      [2, 2],
    );
    assert.deepEqual(
      tree.mapStructureUpTo([null, [null, null]], (x: unknown) => JSON.stringify(x), structure),
      ["[1,1]", ["2", "2"]],
    );
    const dataList = [
      [2, 4, 6, 8],
      [
        [1, 3, 5, 7, 9],
        [3, 5, 7],
      ],
    ];
    const nameList = ["evens", ["odds", "primes"]];
    assert.deepEqual(
      tree.mapStructureUpTo(
        nameList,
        (name: string, sec: unknown[]) => `first_${sec.length}_${name}`,
        nameList,
        dataList,
      ),
      ["first_4_evens", ["first_5_odds", "first_3_primes"]],
    );
    // Named tuples as objects: (a + b.x) * b.y.
    const shallow = { x: 2, y: 3 };
    const deep = { x: { x: 1, y: 2 }, y: { x: 2, y: 3 } };
    assert.deepEqual(
      tree.mapStructureUpTo(
        shallow,
        (a: number, b: { x: number; y: number }) => (a + b.x) * b.y,
        shallow,
        deep,
      ),
      { x: 6, y: 15 },
    );
    // The structures may not be shallower than the shallow structure.
    assert.throws(() => tree.mapStructureUpTo([null, [null]], (x) => x, [1, 2]), /array/);
  });
});

describe("tree.assertSameStructure / assertSamePaths", () => {
  it("accepts equal layouts and refuses others with Keras's messages", () => {
    tree.assertSameStructure(1, 10);
    tree.assertSameStructure([], []);
    tree.assertSameStructure([1, 2], [10, 20]);
    tree.assertSameStructure({ b: 2, a: 1 }, { a: 10, b: 20 });
    tree.assertSameStructure([{ a: null }, st.ones([2])], [{ a: 5 }, null]);
    assert.throws(() => tree.assertSameStructure(1, []), /don't have the same nested/);
    assert.throws(() => tree.assertSameStructure([], 1), /[Ee]xpected.*array/);
    assert.throws(() => tree.assertSameStructure(1, {}), /don't have the same nested/);
    assert.throws(() => tree.assertSameStructure({}, 1), /[Ee]xpected.*object/);
    assert.throws(() => tree.assertSameStructure([1, 2], [1]), /arity/);
  });

  it("compares only paths: node kinds may differ", () => {
    tree.assertSamePaths(1, 10);
    tree.assertSamePaths({ b: null, a: null }, { a: 10, b: 20 });
    tree.assertSamePaths([1, 2], tuple(10, 20));
    // Array indices are numbers and object keys strings, as Python's ints and str keys.
    assert.throws(() => tree.assertSamePaths([1, 2], { 0: 10, 1: 20 }), /same paths/);
    assert.throws(
      () => tree.assertSamePaths({ a: 1, b: 2 }, { a: 1 }),
      /don't have the same paths.*\n.*missing in `b`:\n\["b"\]/,
    );
  });
});

describe("tree.traverse", () => {
  it("top down: Keras's cases", () => {
    const v = visitor((x) => (tree.isNested(x) ? null : (x as number) + 10));
    assert.equal(tree.traverse(v, 1), 11);
    assert.deepEqual(v.visited(), [1]);
    assert.deepEqual(tree.traverse(v, []), []);
    assert.deepEqual(v.visited(), [[]]);
    assert.deepEqual(tree.traverse(v, [1, 2]), [11, 12]);
    assert.deepEqual(v.visited(), [[1, 2], 1, 2]);
    // Keras's docstring: parents before children.
    const seen: unknown[] = [];
    const s = [[1, 2], [3], { a: 4 }];
    assert.deepEqual(
      tree.traverse((x) => void seen.push(x), s),
      s,
    );
    assert.deepEqual(seen, [s, [1, 2], 1, 2, [3], 3, { a: 4 }, 4]);
  });

  it("bottom up: children first, the parent sees the traversed sub-tree", () => {
    const v = visitor((x) => (tree.isNested(x) ? null : (x as number) + 10));
    assert.deepEqual(tree.traverse(v, [1, 2], false), [11, 12]);
    assert.deepEqual(v.visited(), [1, 2, [11, 12]]);
    const seen: unknown[] = [];
    const s = [[1, 2], [3], { a: 4 }];
    tree.traverse((x) => void seen.push(x), s, false);
    assert.deepEqual(seen, [1, 2, [1, 2], 3, [3], 4, { a: 4 }, s]);
  });

  it("does not explore replaced sub-trees; MAP_TO_NONE replaces with null", () => {
    const s = [tuple(1, [2]), [3, tuple(4, 5, 6)]];
    const isTuple = (x: unknown) => Array.isArray(x) && Object.isFrozen(x);
    const visitedOrder = [s, s[0], s[1], 3, (s[1] as unknown[])[1]];
    let v = visitor((x) => (isTuple(x) ? "X" : null));
    assert.deepEqual(tree.traverse(v, s), ["X", [3, "X"]]);
    assert.deepEqual(v.visited(), visitedOrder);
    v = visitor((x) => (isTuple(x) ? ["a", "b"] : null));
    assert.deepEqual(tree.traverse(v, s), [
      ["a", "b"],
      [3, ["a", "b"]],
    ]);
    assert.deepEqual(v.visited(), visitedOrder);
    v = visitor((x) => (isTuple(x) ? tree.MAP_TO_NONE : null));
    assert.deepEqual(tree.traverse(v, s), [null, [3, null]]);
    assert.throws(() => tree.traverse("bad" as never, [1, 2]), /callable/);
  });
});

describe("tree.listsToTuples / mapShapeStructure", () => {
  it("lists_to_tuples: every array frozen (JS's tuple), objects kept", () => {
    const out = tree.listsToTuples([[1], [2, 3]]) as unknown[][];
    assert.deepEqual(out, [[1], [2, 3]]);
    assert.ok(Object.isFrozen(out) && Object.isFrozen(out[0]) && Object.isFrozen(out[1]));
    const nested = tree.listsToTuples([{ b: [2, 3], a: [1] }]) as [{ b: number[] }];
    assert.ok(Object.isFrozen(nested[0].b));
    assert.ok(!Object.isFrozen(nested[0]));
  });

  it("map_shape_structure: arrays of integers and nulls are whole leaves", () => {
    const v = visitor((x) => (Array.isArray(x) ? [...(x as unknown[]), 10] : null));
    assert.deepEqual(tree.mapShapeStructure(v, [1, 2, 3]), [1, 2, 3, 10]);
    assert.deepEqual(v.visited(), [[1, 2, 3]]);
    assert.deepEqual(tree.mapShapeStructure(v, { a: [1, 2, null], b: [5], c: "hi" }), {
      a: [1, 2, null, 10],
      b: [5, 10],
      c: null,
    });
    assert.deepEqual(v.visited(), [[1, 2, null], [5], "hi"]);
    assert.deepEqual(
      tree.mapShapeStructure(v, [
        { b: [2, 3], a: [null] },
        { x: 4, y: [5, 6] },
      ]),
      [
        { b: [2, 3, 10], a: [null, 10] },
        { x: null, y: [5, 6, 10] },
      ],
    );
    assert.deepEqual(v.visited(), [[null], [2, 3], 4, [5, 6]]);
  });
});
