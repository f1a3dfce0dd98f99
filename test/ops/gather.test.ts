import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { oneHot, take, takeAlongAxis } from "../../src/ops/gather.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

const { ops } = st;

function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);
}

/** Naive reference: out[idx] = x[src(idx)], row-major over shape. */
function refMap(x: Tensor, shape: readonly number[], src: (idx: number[]) => number[]): number[] {
  const total = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: total }, (_, k) =>
    Number(valuesOf(x)[ravel(src(unravel(k, shape)), x.shape)]),
  );
}

function check(actual: Tensor, shape: readonly number[], expected: number[]): void {
  assert.deepEqual(actual.shape, shape);
  assertClose(actual, expected, { rtol: 0, atol: 0 });
}

eachBackend("gather: take", () => {
  it("takes along an axis, indices of any shape replacing that axis", () => {
    const x = randn([3, 4, 2], 1);
    const ind = [
      [0, 3, -1],
      [2, 2, -4],
    ];
    const flat = [0, 3, 3, 2, 2, 0];
    check(
      take(x, ind, 1),
      [3, 2, 3, 2],
      refMap(x, [3, 2, 3, 2], ([i, a, b, k]) => [i!, flat[a! * 3 + b!]!, k!]),
    );
    check(
      take(x, [2, 0], 0),
      [2, 4, 2],
      refMap(x, [2, 4, 2], ([i, j, k]) => [[2, 0][i!]!, j!, k!]),
    );
    check(
      take(x, [1, -1], -1),
      [3, 4, 2],
      refMap(x, [3, 4, 2], ([i, j, k]) => [i!, j!, [1, 1][k!]!]),
    );
    // Scalar index drops the axis.
    check(
      take(x, 2, 1),
      [3, 2],
      refMap(x, [3, 2], ([i, k]) => [i!, 2, k!]),
    );
  });

  it("flattens x when axis is omitted", () => {
    const x = randn([2, 3], 2);
    check(
      take(x, [
        [5, 0],
        [-1, 1],
      ]),
      [2, 2],
      [5, 0, 5, 1].map((k) => valuesOf(x)[k]!),
    );
    check(take(st.tensor(7), [0, 0, -1]), [3], [7, 7, 7]);
  });

  it("accepts int32 and whole-valued float index tensors, keeps x's dtype", () => {
    const x = st.tensor(new Int32Array([10, 20, 30]));
    const y = take(x, st.tensor(new Int32Array([2, 0])));
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.toArray(), [30, 10]);
    assert.deepEqual(take(x, st.tensor([1, 1])).toArray(), [20, 20]);
    assert.deepEqual(take(st.tensor([true, false]), [1, 0]).toArray(), [false, true]);
  });

  it("handles empty indices and empty x", () => {
    check(take(st.ones([3, 2]), [], 0), [0, 2], []);
    check(take(st.zeros([0, 2]), [], 0), [0, 2], []);
    check(take(st.zeros([2, 0]), [1, 0], 0), [2, 0], []);
    check(take(st.zeros([2, 3]), st.zeros([2, 0], "int32"), 1), [2, 2, 0], []);
  });

  it("rejects out-of-range and non-integer indices with clear errors", () => {
    const x = st.zeros([2, 3]);
    assert.throws(() => take(x, [0, 3], 1), {
      name: "ValueError",
      message: "take: index 3 is out of range for axis 1 of size 3 (x has shape [2,3])",
    });
    assert.throws(() => take(x, [-3], 0), {
      name: "ValueError",
      message: /index -3 is out of range for axis 0 of size 2/,
    });
    assert.throws(() => take(x, [6]), {
      name: "ValueError",
      message: /index 6 is out of range for axis 0 of size 6/,
    });
    assert.throws(() => take(x, [0.5]), {
      name: "ValueError",
      message: "take: indices must be whole numbers; received 0.5",
    });
    assert.throws(() => take(x, st.tensor([true])), { name: "DTypeError" });
    assert.throws(() => take(x, [0], 2), { name: "ValueError", message: /axis 2/ });
    assert.throws(() => take(st.zeros([0]), [0]), { name: "ValueError", message: /size 0/ });
  });

  it("checks take gradients; repeated indices accumulate", () => {
    gradcheck(
      (t) =>
        take(
          t,
          [
            [1, 1],
            [0, -1],
          ],
          1,
        ),
      [randn([2, 3, 2], 3)],
    );
    gradcheck((t) => take(t, [4, 4, 4, 0]), [randn([2, 3], 4)]);
    gradcheck((t) => take(t, [2, 0, 2], 0), [randn([3], 5)]);
    const g = st.grad((t: Tensor) => ops.sum(take(t, [0, 2, 2, 2], 0)))(st.zeros([3, 2])) as Tensor;
    assert.deepEqual(g.toArray(), [
      [1, 1],
      [0, 0],
      [3, 3],
    ]);
    // The backward (scatterAdd) is itself differentiable: second order through a gather.
    gradcheck(
      (t) => st.grad((y: Tensor) => ops.sum(ops.square(take(y, [1, 1, 0], 1))))(t) as Tensor,
      [randn([2, 3], 6)],
    );
  });
});

eachBackend("gather: takeAlongAxis", () => {
  it("picks one index per position along the axis", () => {
    const x = randn([3, 4], 10);
    const ind = st.tensor(new Int32Array([0, 3, 1, 1, -1, 0]), [3, 2]);
    const expected = refMap(x, [3, 2], ([i, j]) => {
      const v = valuesOf(ind)[i! * 2 + j!]!;
      return [i!, v < 0 ? v + 4 : v];
    });
    check(takeAlongAxis(x, ind, 1), [3, 2], expected);
    check(takeAlongAxis(x, ind, -1), [3, 2], expected);
    const ind0 = [[2, 0, 1, 1]];
    check(
      takeAlongAxis(x, ind0, 0),
      [1, 4],
      refMap(x, [1, 4], ([, j]) => [ind0[0]![j!]!, j!]),
    );
  });

  it("broadcasts indices and x against each other outside the axis", () => {
    const x = randn([2, 1, 3], 11);
    const ind = [[[0], [2]]]; // [1, 2, 1]
    check(
      takeAlongAxis(x, ind, 2),
      [2, 2, 1],
      refMap(x, [2, 2, 1], ([i, j]) => [i!, 0, [0, 2][j!]!]),
    );
    // sort-style use: argsort-like indices with x's full shape
    const y = randn([2, 3], 12);
    const perm = [
      [2, 0, 1],
      [1, 2, 0],
    ];
    check(
      takeAlongAxis(y, perm, 1),
      [2, 3],
      refMap(y, [2, 3], ([i, j]) => [i!, perm[i!]![j!]!]),
    );
  });

  it("flattens x when axis is omitted", () => {
    const x = randn([2, 3], 13);
    check(
      takeAlongAxis(x, [5, 1, -6]),
      [3],
      [5, 1, 0].map((k) => valuesOf(x)[k]!),
    );
  });

  it("rejects mismatched ranks, shapes and indices", () => {
    const x = st.zeros([2, 3]);
    assert.throws(() => takeAlongAxis(x, [0, 1], 1), {
      name: "ShapeError",
      message:
        "takeAlongAxis: indices must have the rank of x (2); received shape [2] for x of shape [2,3]",
    });
    assert.throws(() => takeAlongAxis(x, [[0], [1], [2]], 1), {
      name: "ShapeError",
      message: /do not broadcast/,
    });
    assert.throws(() => takeAlongAxis(x, [[0, 3]], 1), {
      name: "ValueError",
      message: /index 3 is out of range for axis 1/,
    });
  });

  it("checks takeAlongAxis gradients, broadcast and repeated indices included", () => {
    gradcheck(
      (t) =>
        takeAlongAxis(
          t,
          [
            [0, 2, 2],
            [1, 1, 0],
          ],
          1,
        ),
      [randn([2, 3], 14)],
    );
    gradcheck((t) => takeAlongAxis(t, [[[1], [0], [1]]], 2), [randn([2, 3, 2], 15)]);
    gradcheck(
      (t) =>
        takeAlongAxis(
          t,
          [
            [0, 0],
            [1, 0],
            [2, 0],
          ],
          0,
        ),
      [randn([3, 1], 16)],
    );
  });
});

eachBackend("gather: oneHot", () => {
  it("encodes classes on a new last axis; out-of-range gives zero rows", () => {
    const y = oneHot(st.tensor(new Int32Array([0, 2, -1, 3, 1])), 3);
    assert.equal(y.dtype, "float32");
    assert.deepEqual(y.toArray(), [
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
    ]);
  });

  it("places the class axis anywhere and honours dtype", () => {
    const labels = [
      [0, 1, 2],
      [2, 2, 0],
    ];
    for (const axis of [0, 1, 2, -1, -3]) {
      const a = axis < 0 ? axis + 3 : axis;
      const shape = [2, 3];
      shape.splice(a, 0, 4);
      const expected = Array.from({ length: 24 }, (_, k) => {
        const idx = unravel(k, shape);
        const c = idx.splice(a, 1)[0]!;
        return labels[idx[0]!]![idx[1]!] === c ? 1 : 0;
      });
      check(oneHot(labels, 4, axis), shape, expected);
    }
    const i = oneHot([1], 2, -1, "int32");
    assert.equal(i.dtype, "int32");
    assert.deepEqual(i.toArray(), [[0, 1]]);
    assert.deepEqual(oneHot(st.tensor(2), 3).toArray(), [0, 0, 1]);
    assert.deepEqual(oneHot(st.zeros([0], "int32"), 3).shape, [0, 3]);
    assert.deepEqual(oneHot([1, 0], 0).shape, [2, 0]);
  });

  it("rejects a bad numClasses or axis", () => {
    assert.throws(() => oneHot([1], -1), {
      name: "ValueError",
      message: /numClasses must be a non-negative integer; received -1/,
    });
    assert.throws(() => oneHot([1], 2.5), { name: "ValueError" });
    assert.throws(() => oneHot([1], 2, 2), { name: "ValueError", message: /oneHot: axis 2/ });
    assert.throws(() => oneHot([1], 2, -1, "float16" as "float32"), { name: "DTypeError" });
  });
});
