// ops.vectorizedMap and the batching rules (ops/vmap): a function written for one row, run once on
// a whole batch, must give what running it on each row and stacking gives. References are plain
// JS loops over the rows; the row-by-row run itself (the fallback) is checked the same way.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { ops } = st;

/** rows × cols values 0..n-1 scaled, as nested arrays (the test's own copy of the data). */
function grid(rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (r * cols + c) * scale),
  );
}

/** Calls of `fn` while `body` runs. */
function counted<A extends unknown[], R>(
  fn: (...a: A) => R,
): { fn: (...a: A) => R; calls: () => number } {
  let calls = 0;
  return {
    fn: (...a: A) => {
      calls++;
      return fn(...a);
    },
    calls: () => calls,
  };
}

describe("ops.vectorizedMap: one call on the whole batch", () => {
  it("elementwise ops with scalars and with an operand of higher rank than the row", () => {
    const rows = grid(4, 3);
    const w = [
      [1, 2, 3],
      [-1, 0, 1],
    ];
    const f = counted((x: st.Tensor) => x.cast("float32").div(10).sub(1).mul(w));
    const got = ops.vectorizedMap(f.fn, st.tensor(rows, undefined, "int32"));
    assert.equal(f.calls(), 1);
    const want = rows.map((r) => w.map((wr) => r.map((v, j) => (v / 10 - 1) * wr[j]!)));
    assert.deepEqual(got.shape, [4, 2, 3]);
    assertClose(got, want.flat(2));
  });

  it("reductions, argmax, softmax and oneHot over the row's own axes", () => {
    const rows = [
      [
        [1, 5, 2],
        [4, 0, 3],
      ],
      [
        [9, 1, 1],
        [2, 8, 7],
      ],
    ];
    const x = st.tensor(rows);
    const sum = ops.vectorizedMap((r: st.Tensor) => ops.sum(r), x);
    assert.deepEqual(
      sum.toArray(),
      rows.map((r) => r.flat().reduce((a, b) => a + b)),
    );
    const colMax = ops.vectorizedMap((r: st.Tensor) => r.max(0, true), x);
    assert.deepEqual(
      colMax.toArray(),
      rows.map((r) => [r[0]!.map((v, j) => Math.max(v, r[1]![j]!))]),
    );
    const arg = ops.vectorizedMap((r: st.Tensor) => ops.argmax(r, -1), x);
    assert.deepEqual(
      arg.toArray(),
      rows.map((r) => r.map((v) => v.indexOf(Math.max(...v)))),
    );
    const soft = ops.vectorizedMap((r: st.Tensor) => ops.softmax(r, 0), x);
    const want = rows.map((r) => {
      const e = r.map((v) => v.map(Math.exp));
      return e.map((v) => v.map((ev, j) => ev / (e[0]![j]! + e[1]![j]!)));
    });
    assertClose(soft, want.flat(2));
    const hot = ops.vectorizedMap(
      (r: st.Tensor) => ops.oneHot(r, 3, 0),
      st.tensor(
        [
          [0, 2],
          [1, 1],
        ],
        undefined,
        "int32",
      ),
    );
    assert.deepEqual(hot.shape, [2, 3, 2]);
    assert.deepEqual(hot.toArray(), [
      [
        [1, 0],
        [0, 0],
        [0, 1],
      ],
      [
        [0, 0],
        [1, 1],
        [0, 0],
      ],
    ]);
  });

  it("reshape, expandDims, squeeze, transpose and flip act on each row", () => {
    const rows = grid(3, 6);
    const x = st.tensor(rows);
    const f = counted((r: st.Tensor) =>
      ops
        .flip(ops.transpose(r.reshape([2, 3])), 1)
        .expandDims(-1)
        .squeeze(-1)
        .expandDims(0),
    );
    const got = ops.vectorizedMap(f.fn, x);
    assert.equal(f.calls(), 1);
    const want = rows.map((r) => [
      [0, 1, 2].map((j) => [r[3 + j]!, r[j]!]), // transpose of [[r0..r2],[r3..r5]], then each row reversed
    ]);
    assert.deepEqual(got.shape, [3, 1, 3, 2]);
    assert.deepEqual(got.toArray(), want);
  });

  it("image.resize on one image per row resizes each image", () => {
    const img = st.tensor(grid(4, 4).map((r) => r.map((v) => [v])));
    const batch = ops.stack([img, img.mul(2)], 0);
    const got = ops.vectorizedMap(
      (x: st.Tensor) => ops.image.resize(x, [2, 2], { interpolation: "nearest" }),
      batch,
    );
    const one = ops.image.resize(img, [2, 2], { interpolation: "nearest" });
    assert.deepEqual(got.toArray(), [one.toArray(), one.mul(2).toArray()]);
  });

  it("structures in and out; a result that ignores the row is repeated in every row", () => {
    const x = st.tensor([1, 2, 3]);
    const y = st.tensor([10, 20, 30], undefined, "int32");
    const f = counted(([a, b]: [st.Tensor, st.Tensor]) => ({ s: a.add(b), c: ops.ones([2]), b }));
    const got = ops.vectorizedMap(f.fn, [x, y]) as unknown as Record<string, st.Tensor>;
    assert.equal(f.calls(), 1);
    assert.deepEqual(got["s"]!.toArray(), [11, 22, 33]);
    assert.deepEqual(got["c"]!.toArray(), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    assert.equal(got["b"]!.dtype, "int32");
    assert.deepEqual(got["b"]!.toArray(), [10, 20, 30]);
  });
});

describe("ops.vectorizedMap: row by row when the batch cannot be used", () => {
  it("reading a value runs the function on each row", () => {
    const f = counted((r: st.Tensor) => ((r.max().item() as number) > 5 ? r.mul(0) : r));
    const got = ops.vectorizedMap(f.fn, st.tensor(grid(3, 2, 1.5)));
    assert.deepEqual(got.toArray(), [
      [0, 1.5],
      [3, 4.5],
      [0, 0],
    ]);
    assert.equal(f.calls(), 1 + 3);
  });

  it("random draws are per row, not once for the batch", () => {
    st.random.setSeed(4);
    const got = ops.vectorizedMap((r: st.Tensor) => r.add(st.random.normal([])), ops.zeros([5]));
    const values = [...got.dataSync()];
    assert.equal(new Set(values).size, 5);
  });

  it("an op without a batching rule (matmul, concatenate) is run per row, with the right result", () => {
    const rows = grid(2, 3);
    const got = ops.vectorizedMap(
      (r: st.Tensor) =>
        ops.concatenate([
          r,
          ops.matmul(r.reshape([1, 3]), st.tensor([[1], [1], [1]])).reshape([1]),
        ]),
      st.tensor(rows),
    );
    assert.deepEqual(
      got.toArray(),
      rows.map((r) => [...r, r[0]! + r[1]! + r[2]!]),
    );
  });

  it("an error in the function is the row-by-row run's error", () => {
    assert.throws(
      () => ops.vectorizedMap((r: st.Tensor) => r.reshape([7]), st.tensor(grid(2, 3))),
      /reshape/,
    );
  });

  it("rejects elements without rows or with different first dimensions", () => {
    assert.throws(() => ops.vectorizedMap((r: st.Tensor) => r, st.tensor(1)), /rank ≥ 1/);
    assert.throws(
      () => ops.vectorizedMap((r: st.Tensor) => r, [st.tensor([1, 2]), st.tensor([1, 2, 3])]),
      /same first dimension.*\[2\].*\[3\]/,
    );
  });
});
