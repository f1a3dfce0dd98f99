import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { concatenate, flip, pad, repeat, slice, split, stack, tile } from "../../src/ops/join.js";
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

/** Naive reference: out[idx] = x[src(idx)], or `fill` where src gives null; row-major over shape. */
function refMap(
  x: Tensor,
  shape: readonly number[],
  src: (idx: number[]) => number[] | null,
  fill = 0,
): number[] {
  const total = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < total; k++) {
    const s = src(unravel(k, shape));
    out.push(s === null ? fill : Number(valuesOf(x)[ravel(s, x.shape)]));
  }
  return out;
}

function check(actual: Tensor, shape: readonly number[], expected: number[]): void {
  assert.deepEqual(actual.shape, shape);
  assertClose(actual, expected, { rtol: 0, atol: 0 });
}

eachBackend("join: concatenate / stack", () => {
  it("concatenates along any axis, against a reference loop", () => {
    const a = randn([2, 3, 4], 1);
    const b = randn([2, 5, 4], 2);
    const c = randn([2, 1, 4], 3);
    const y = concatenate([a, b, c], 1);
    const parts = [a, b, c];
    const starts = [0, 3, 8];
    check(
      y,
      [2, 9, 4],
      Array.from({ length: 72 }, (_, k) => {
        const [i, j, l] = unravel(k, [2, 9, 4]) as [number, number, number];
        const p = starts.filter((s) => s <= j).length - 1;
        const t = parts[p]!;
        return Number(valuesOf(t)[ravel([i, j - starts[p]!, l], t.shape)]);
      }),
    );
    const z = concatenate([randn([3, 2], 4), randn([3, 0], 5), randn([3, 3], 6)], -1);
    assert.deepEqual(z.shape, [3, 5]);
  });

  it("promotes dtypes and accepts nested arrays", () => {
    const y = concatenate([st.tensor(new Int32Array([1, 2])), st.tensor([0.5])]);
    assert.equal(y.dtype, "float32");
    assert.deepEqual(y.toArray(), [1, 2, 0.5]);
    assert.equal(concatenate([st.tensor(new Int32Array([1])), [true]]).dtype, "int32");
    assert.deepEqual(concatenate([[[1, 2]], [[3, 4]]], 1).toArray(), [[1, 2, 3, 4]]);
  });

  it("handles empty tensors", () => {
    const y = concatenate([st.zeros([0, 3]), st.ones([2, 3]), st.zeros([0, 3])]);
    assert.deepEqual(y.shape, [2, 3]);
    assert.deepEqual(concatenate([st.zeros([0, 3]), st.zeros([0, 3])]).shape, [0, 3]);
    assert.deepEqual(concatenate([st.zeros([2, 0]), st.zeros([2, 0])], 1).shape, [2, 0]);
  });

  it("names both shapes and the axis when shapes differ", () => {
    assert.throws(() => concatenate([st.zeros([2, 3]), st.zeros([3, 3])], 1), {
      name: "ShapeError",
      message:
        "concatenate: xs[0] has shape [2,3] and xs[1] has shape [3,3]; they must match on every axis except axis 1",
    });
    assert.throws(() => concatenate([st.zeros([2, 3]), st.zeros([2, 3, 1])]), {
      name: "ShapeError",
    });
    assert.throws(() => concatenate([]), { name: "ValueError", message: /non-empty/ });
    assert.throws(() => concatenate([st.tensor(1), st.tensor(2)]), {
      name: "ShapeError",
      message: /scalar/,
    });
    assert.throws(() => concatenate([st.zeros([2])], 1), { name: "ValueError", message: /axis 1/ });
  });

  it("checks concatenate gradients", () => {
    gradcheck(
      (a, b, c) => concatenate([a, b, c], 1),
      [randn([2, 3, 1], 7), randn([2, 2, 1], 8), randn([2, 0, 1], 9)],
    );
    gradcheck((a, b) => concatenate([a, b], -1), [randn([3, 2], 10), randn([3, 3], 11)]);
    // The same tensor twice: both slices of dy add up.
    gradcheck((a) => concatenate([a, ops.multiply(a, 3)], 0), [randn([2, 2], 12)]);
  });

  it("stacks along a new axis", () => {
    const a = randn([2, 3], 13);
    const b = randn([2, 3], 14);
    for (const axis of [0, 1, 2, -1]) {
      const y = stack([a, b], axis);
      const ax = axis < 0 ? axis + 3 : axis;
      const shape = [2, 3];
      shape.splice(ax, 0, 2);
      const expected: number[] = [];
      for (let k = 0; k < 12; k++) {
        const idx = unravel(k, shape);
        const which = idx.splice(ax, 1)[0]!;
        expected.push(Number([a, b][which]!.dataSync()[ravel(idx, [2, 3])]));
      }
      check(y, shape, expected);
    }
    check(stack([st.tensor(1), st.tensor(2), st.tensor(3)]), [3], [1, 2, 3]);
    const mixed = stack([st.tensor([1, 2], undefined, "int32"), st.tensor([2.5, 3.5])], 1);
    assert.equal(mixed.dtype, "float32");
    check(mixed, [2, 2], [1, 2.5, 2, 3.5]);
    assert.deepEqual(stack([st.tensor(["a", "b"]), st.tensor(["c", "d"])], 1).stringValues(), [
      "a",
      "c",
      "b",
      "d",
    ]);
    assert.deepEqual(stack([st.zeros([0, 2]), st.zeros([0, 2])], 1).shape, [0, 2, 2]);
    assert.throws(() => stack([st.zeros([2, 3]), st.zeros([2, 3]), st.zeros([3, 2])]), {
      name: "ShapeError",
      message:
        "stack: xs[0] has shape [2,3] and xs[2] has shape [3,2]; all must have the same shape",
    });
    gradcheck((x, y) => stack([x, y, x], 1), [randn([2, 3], 15), randn([2, 3], 16)]);
  });
});

eachBackend("join: split / slice", () => {
  it("splits into equal sections or at points, like NumPy", () => {
    const x = randn([3, 6], 20);
    const parts = split(x, 3, 1);
    assert.equal(parts.length, 3);
    parts.forEach((p, i) =>
      check(
        p,
        [3, 2],
        refMap(x, [3, 2], ([r, c]) => [r!, c! + 2 * i]),
      ),
    );
    // Points read like Python slice bounds: negative from the end, clamped, reversed → empty.
    const v = st.arange(6);
    assert.deepEqual(
      split(v, [2, -1, 9]).map((p) => p.toArray()),
      [[0, 1], [2, 3, 4], [5], []],
    );
    assert.deepEqual(
      split(v, [4, 2]).map((p) => p.toArray()),
      [[0, 1, 2, 3], [], [2, 3, 4, 5]],
    );
    assert.deepEqual(
      split(v, []).map((p) => p.toArray()),
      [[0, 1, 2, 3, 4, 5]],
    );
    assert.deepEqual(
      split(st.zeros([0, 2]), 2).map((p) => p.shape),
      [
        [0, 2],
        [0, 2],
      ],
    );
  });

  it("rejects sections that do not divide the axis", () => {
    assert.throws(() => split(st.zeros([2, 5]), 2, 1), {
      name: "ShapeError",
      message: "split: axis 1 of size 5 (shape [2,5]) cannot be split into 2 equal sections",
    });
    assert.throws(() => split(st.zeros([4]), 0), { name: "ValueError" });
    assert.throws(() => split(st.zeros([4]), [1.5]), { name: "ValueError" });
    assert.throws(() => split(st.tensor(3), 1), { name: "ShapeError" });
  });

  it("checks split gradients", () => {
    gradcheck((x) => split(x, [1, 3], 1)[1]!, [randn([2, 5], 21)]);
    gradcheck(
      (x) => {
        const [a, b] = split(x, 2, 0) as [Tensor, Tensor];
        return ops.multiply(a, b);
      },
      [randn([4, 3], 22)],
    );
  });

  it("slices a box, with -1 meaning the rest of the axis", () => {
    const x = randn([4, 5, 3], 23);
    const y = slice(x, [1, 2, 0], [2, 3, -1]);
    check(
      y,
      [2, 3, 3],
      refMap(x, [2, 3, 3], ([i, j, k]) => [i! + 1, j! + 2, k!]),
    );
    check(slice(x, [4, 0, 0], [0, 5, 3]), [0, 5, 3], []);
    assert.equal(slice(x, [0, 0, 0], [-1, -1, -1]), x);
    check(slice(st.tensor(7), [], []), [], [7]);
  });

  it("rejects boxes outside x, naming the shapes", () => {
    assert.throws(() => slice(st.zeros([4, 5]), [3, 0], [2, 5]), {
      name: "ShapeError",
      message: "slice: the box at [3,0] of shape [2,5] does not fit in x of shape [4,5] (axis 0)",
    });
    assert.throws(() => slice(st.zeros([4, 5]), [0], [2]), {
      name: "ShapeError",
      message: /one entry per axis/,
    });
    assert.throws(() => slice(st.zeros([4, 5]), [-1, 0], [1, 1]), { name: "ValueError" });
  });

  it("checks slice gradients, second order included", () => {
    gradcheck((x) => slice(x, [1, 0, 1], [2, 3, 1]), [randn([3, 3, 2], 24)]);
    // The backward of slice (embedding into zeros) is itself differentiable.
    gradcheck(
      (x) => st.grad((y: Tensor) => ops.sum(ops.square(slice(y, [1, 1], [2, 2]))))(x) as Tensor,
      [randn([3, 4], 25)],
    );
  });
});

eachBackend("join: pad", () => {
  it("pads with a constant, in every padWidth spelling", () => {
    const x = randn([2, 3], 30);
    const ref = (b: [number, number][], c: number): number[] =>
      refMap(
        x,
        [2 + b[0]![0] + b[0]![1], 3 + b[1]![0] + b[1]![1]],
        ([i, j]) => {
          const r = i! - b[0]![0];
          const s = j! - b[1]![0];
          return r >= 0 && r < 2 && s >= 0 && s < 3 ? [r, s] : null;
        },
        c,
      );
    check(
      pad(
        x,
        [
          [1, 0],
          [2, 3],
        ],
        "constant",
        1.5,
      ),
      [3, 8],
      ref(
        [
          [1, 0],
          [2, 3],
        ],
        1.5,
      ),
    );
    check(
      pad(x, 1),
      [4, 5],
      ref(
        [
          [1, 1],
          [1, 1],
        ],
        0,
      ),
    );
    check(
      pad(x, [0, 2]),
      [4, 5],
      ref(
        [
          [0, 2],
          [0, 2],
        ],
        0,
      ),
    );
    check(
      pad(x, [[2, 1]]),
      [5, 6],
      ref(
        [
          [2, 1],
          [2, 1],
        ],
        0,
      ),
    );
    assert.equal(pad(x, 0), x);
    check(pad(st.zeros([0, 3]), 1), [2, 5], new Array<number>(10).fill(0));
    check(pad(st.tensor(5), 2), [], [5]);
    assert.equal(pad(st.tensor(new Int32Array([1, 2])), 1, "constant", 9).dtype, "int32");
    assert.deepEqual(
      pad(st.tensor(new Int32Array([1, 2])), 1, "constant", 9).toArray(),
      [9, 1, 2, 9],
    );
  });

  it("mirrors, repeats edges and wraps like NumPy", () => {
    const x = randn([3, 4], 31);
    // Pads narrower than the axis: reflect mirrors without the edge, symmetric repeats it.
    const mirror = (p: number, n: number, edge: number): number =>
      p < 0 ? -p - edge : p >= n ? 2 * n - 2 + edge - p : p;
    const widths: [number, number][] = [
      [2, 1],
      [1, 3],
    ];
    const shape = [6, 8];
    const expect = (f: (p: number, n: number) => number): number[] =>
      refMap(x, shape, ([i, j]) => [f(i! - 2, 3), f(j! - 1, 4)]);
    check(
      pad(x, widths, "reflect"),
      shape,
      expect((p, n) => mirror(p, n, 0)),
    );
    check(
      pad(x, widths, "symmetric"),
      shape,
      expect((p, n) => mirror(p, n, 1)),
    );
    check(
      pad(x, widths, "edge"),
      shape,
      expect((p, n) => Math.min(Math.max(p, 0), n - 1)),
    );
    check(
      pad(x, widths, "wrap"),
      shape,
      expect((p, n) => (p + n) % n),
    );
    // Pads wider than the axis keep mirroring (golden values from numpy.pad).
    const v = st.tensor([1, 2, 3]);
    assert.deepEqual(
      pad(v, [5, 6], "reflect").toArray(),
      [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1],
    );
    assert.deepEqual(
      pad(v, [5, 6], "symmetric").toArray(),
      [2, 3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2, 3],
    );
    assert.deepEqual(pad(v, [5, 6], "wrap").toArray(), [2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    assert.deepEqual(pad(st.tensor([7]), [2, 3], "reflect").toArray(), [7, 7, 7, 7, 7, 7]);
  });

  it("rejects bad modes and widths", () => {
    const x = st.zeros([2, 3]);
    assert.throws(() => pad(x, 1, "mean" as "constant"), {
      name: "ValueError",
      message: /unknown mode "mean"/,
    });
    assert.throws(
      () =>
        pad(x, [
          [1, 1],
          [1, 1],
          [1, 1],
        ]),
      { name: "ValueError", message: /2 such pairs/ },
    );
    assert.throws(() => pad(x, -1), { name: "ValueError" });
    assert.throws(() => pad(x, 1, "reflect", 3), { name: "ValueError", message: /constantValues/ });
    assert.throws(() => pad(st.zeros([0, 2]), 1, "reflect"), {
      name: "ValueError",
      message: /axis 0 of size 0/,
    });
  });

  it("checks pad gradients in every mode", () => {
    const x = randn([3, 4], 32);
    for (const mode of ["constant", "reflect", "symmetric", "edge", "wrap"] as const) {
      gradcheck(
        (t) =>
          pad(
            t,
            [
              [2, 1],
              [0, 5],
            ],
            mode,
          ),
        [x],
      );
    }
    gradcheck(
      (t) =>
        pad(
          t,
          [
            [1, 2],
            [0, 0],
            [1, 1],
          ],
          "constant",
          2,
        ),
      [randn([2, 1, 3], 33)],
    );
    gradcheck(
      (t) => st.grad((y: Tensor) => ops.sum(ops.square(pad(y, 1, "reflect"))))(t) as Tensor,
      [randn([3, 3], 34)],
    );
  });
});

eachBackend("join: tile / flip / repeat", () => {
  it("tiles like NumPy, repeats longer or shorter than the rank", () => {
    const x = randn([2, 3], 40);
    check(
      tile(x, [2, 3]),
      [4, 9],
      refMap(x, [4, 9], ([i, j]) => [i! % 2, j! % 3]),
    );
    check(
      tile(x, 2),
      [2, 6],
      refMap(x, [2, 6], ([i, j]) => [i!, j! % 3]),
    );
    check(
      tile(x, [2, 1, 2]),
      [2, 2, 6],
      refMap(x, [2, 2, 6], ([, i, j]) => [i!, j! % 3]),
    );
    check(tile(x, [0, 1]), [0, 3], []);
    assert.deepEqual(tile(st.tensor(4), [3]).toArray(), [4, 4, 4]);
    assert.deepEqual(tile(x, [1, 1]), x);
    assert.throws(() => tile(x, [-1]), {
      name: "ValueError",
      message: /repeats must be non-negative integers/,
    });
  });

  it("checks tile gradients", () => {
    gradcheck((t) => tile(t, [2, 1, 3]), [randn([2, 1, 2], 41)]);
    gradcheck((t) => tile(t, [3, 2]), [randn([2], 42)]);
    gradcheck(
      (t) => st.grad((y: Tensor) => ops.sum(ops.square(tile(y, [2, 2]))))(t) as Tensor,
      [randn([2, 3], 43)],
    );
  });

  it("flips the given axes or all of them", () => {
    const x = randn([2, 3, 4], 44);
    check(
      flip(x),
      [2, 3, 4],
      refMap(x, [2, 3, 4], ([i, j, k]) => [1 - i!, 2 - j!, 3 - k!]),
    );
    check(
      flip(x, 1),
      [2, 3, 4],
      refMap(x, [2, 3, 4], ([i, j, k]) => [i!, 2 - j!, k!]),
    );
    check(
      flip(x, [0, -1]),
      [2, 3, 4],
      refMap(x, [2, 3, 4], ([i, j, k]) => [1 - i!, j!, 3 - k!]),
    );
    check(flip(st.tensor(3)), [], [3]);
    check(flip(st.zeros([0, 2])), [0, 2], []);
    assert.throws(() => flip(x, 3), { name: "ValueError", message: /flip: axis 3/ });
    gradcheck((t) => flip(t, [0, 2]), [randn([2, 3, 2], 45)]);
  });

  it("repeats elements like NumPy", () => {
    const x = randn([2, 3], 46);
    check(
      repeat(x, 2),
      [12],
      refMap(x, [12], ([k]) => unravel(Math.floor(k! / 2), [2, 3])),
    );
    check(
      repeat(x, 3, 1),
      [2, 9],
      refMap(x, [2, 9], ([i, j]) => [i!, Math.floor(j! / 3)]),
    );
    check(
      repeat(x, [2, 0, 1], -1),
      [2, 3],
      refMap(x, [2, 3], ([i, j]) => [i!, [0, 0, 2][j!]!]),
    );
    check(
      repeat(x, [3], 0),
      [6, 3],
      refMap(x, [6, 3], ([i, j]) => [Math.floor(i! / 3), j!]),
    );
    check(repeat(x, 0, 0), [0, 3], []);
    check(repeat(st.tensor(5), 3), [3], [5, 5, 5]);
    assert.throws(() => repeat(x, [1, 2], 1), {
      name: "ShapeError",
      message: "repeat: repeats has 2 entries but axis 1 of x (shape [2,3]) has size 3",
    });
    assert.throws(() => repeat(x, -2), { name: "ValueError" });
  });

  it("checks repeat gradients", () => {
    gradcheck((t) => repeat(t, 2, 1), [randn([2, 3], 47)]);
    gradcheck((t) => repeat(t, [1, 0, 3], 0), [randn([3, 2], 48)]);
    gradcheck((t) => repeat(t, 2), [randn([2, 2], 49)]);
  });
});
