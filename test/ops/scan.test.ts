import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { argsort, cumsum, sort, topK } from "../../src/ops/scan.js";
import { assertClose, eachBackend, gradcheck, randn } from "../helpers.js";

/** Naive cumulative sum of a row-major [a, b, c] array along `axis`. */
function naiveCumsum(v: ArrayLike<number>, [a, b, c]: number[], axis: number): number[] {
  const out = Array.from(v);
  const at = (i: number, j: number, k: number): number => (i * b! + j) * c! + k;
  for (let i = 0; i < a!; i++) {
    for (let j = 0; j < b!; j++) {
      for (let k = 0; k < c!; k++) {
        if (axis === 0 && i > 0) out[at(i, j, k)]! += out[at(i - 1, j, k)]!;
        if (axis === 1 && j > 0) out[at(i, j, k)]! += out[at(i, j - 1, k)]!;
        if (axis === 2 && k > 0) out[at(i, j, k)]! += out[at(i, j, k - 1)]!;
      }
    }
  }
  return out;
}

/** NumPy's ordering: ascending, NaN last, ties by position. Returns the source positions. */
function naiveArgsort(row: number[], descending = false): number[] {
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : descending ? -v : v);
  return row
    .map((v, i) => ({ v, i }))
    .sort((p, q) => {
      const nanP = Number.isNaN(p.v);
      const nanQ = Number.isNaN(q.v);
      if (nanP !== nanQ) return nanP ? 1 : -1;
      return key(p.v) - key(q.v) || p.i - q.i;
    })
    .map((e) => e.i);
}

/** Rows of the last axis of a tensor as plain arrays. */
function rows(t: Tensor): number[][] {
  const n = t.shape[t.rank - 1]!;
  const v = Array.from(t.dataSync(), Number);
  return Array.from({ length: v.length / n }, (_, r) => v.slice(r * n, (r + 1) * n));
}

eachBackend("scan", () => {
  it("cumsum matches a naive loop along every axis and flattened", () => {
    const x = randn([3, 4, 5], 1);
    for (const axis of [0, 1, 2]) {
      assertClose(cumsum(x, axis), naiveCumsum(x.dataSync(), [3, 4, 5], axis), { rtol: 1e-12 });
      assertClose(cumsum(x, axis - 3), naiveCumsum(x.dataSync(), [3, 4, 5], axis), { rtol: 1e-12 });
    }
    const flat = cumsum(x);
    assert.deepEqual(flat.shape, [60]);
    assertClose(flat, naiveCumsum(x.dataSync(), [1, 1, 60], 2), { rtol: 1e-12 });
  });

  it("cumsum keeps int32, counts bools in int32 and handles empty axes", () => {
    const ints = cumsum(st.tensor(new Int32Array([1, 2, 3, 4]), [2, 2]), 0);
    assert.equal(ints.dtype, "int32");
    assert.deepEqual(ints.toArray(), [
      [1, 2],
      [4, 6],
    ]);
    const bools = cumsum(st.tensor([true, false, true, true]));
    assert.equal(bools.dtype, "int32");
    assert.deepEqual(bools.toArray(), [1, 1, 2, 3]);
    assert.deepEqual(cumsum(st.zeros([2, 0]), 1).shape, [2, 0]);
    assert.throws(() => cumsum(st.zeros([2, 3]), 2), {
      name: "ValueError",
      message: "cumsum: axis 2 is out of range for a tensor of rank 2",
    });
  });

  it("checks cumsum gradients (a reverse cumulative sum)", () => {
    for (const axis of [0, 1, -1, null]) gradcheck((t) => cumsum(t, axis), [randn([3, 1, 4], 2)]);
    gradcheck((t) => cumsum(t, 0), [randn([7], 3)]);
    // Second order: the gradient of the reverse scan is a forward scan again.
    const w = randn([2, 5], 4);
    const inner = st.grad((t: Tensor) =>
      st.ops.sum(st.ops.multiply(st.ops.square(cumsum(t, 1)), w)),
    );
    gradcheck((t) => inner(t) as Tensor, [randn([2, 5], 5)]);
  });

  it("sorts along any axis like a naive stable sort", () => {
    const x = randn([3, 4, 5], 6);
    for (const axis of [-1, 0, 1]) {
      const perm = axis === 0 ? [1, 2, 0] : axis === 1 ? [0, 2, 1] : [0, 1, 2];
      const moved = st.ops.transpose(x, perm);
      const expected = rows(moved).map((r) => naiveArgsort(r));
      assert.deepEqual(
        rows(st.ops.transpose(argsort(x, axis), perm)),
        expected,
        `argsort axis ${axis}`,
      );
      const values = rows(moved).map((r, i) => expected[i]!.map((k) => r[k]!));
      assert.deepEqual(rows(st.ops.transpose(sort(x, axis), perm)), values, `sort axis ${axis}`);
    }
  });

  it("puts NaN last, handles infinities and keeps ties stable", () => {
    const x = st.tensor([3, NaN, -Infinity, 1, NaN, Infinity, 1, -0, 0], undefined, "float64");
    assert.deepEqual(Array.from(sort(x).dataSync()), [
      -Infinity,
      -0,
      0,
      1,
      1,
      3,
      Infinity,
      NaN,
      NaN,
    ]);
    assert.deepEqual(Array.from(argsort(x).dataSync()), [2, 7, 8, 3, 6, 0, 5, 1, 4]);
    const ties = st.tensor(new Int32Array([2, 1, 2, 1, 2]));
    assert.deepEqual(argsort(ties).toArray(), [1, 3, 0, 2, 4]);
    assert.equal(sort(ties).dtype, "int32");
    assert.equal(argsort(ties).dtype, "int32");
    // A long row exercises the engine sort past its small-array path.
    const long = st.tensor(Float64Array.from({ length: 300 }, (_, i) => (i * 7) % 5));
    assert.deepEqual(
      Array.from(argsort(long).dataSync()),
      naiveArgsort(Array.from(long.dataSync() as Float64Array)),
    );
  });

  it("checks sort gradients (routed back to each source)", () => {
    gradcheck((t) => sort(t), [randn([3, 5], 7)]);
    gradcheck((t) => sort(t, 0), [randn([4, 2, 3], 8)]);
  });

  it("topK returns the k largest, largest first, lower index first among ties", () => {
    const x = st.tensor([
      [1, 5, 3, 5, 2],
      [0, -1, NaN, 4, 4],
    ]);
    const [values, indices] = topK(x, 3);
    assert.deepEqual(values.toArray(), [
      [5, 5, 3],
      [4, 4, 0],
    ]);
    assert.deepEqual(indices.toArray(), [
      [1, 3, 2],
      [3, 4, 0],
    ]);
    assert.equal(indices.dtype, "int32");
    const r = randn([2, 3, 6], 9);
    const [v, i] = topK(r, 4, false);
    assert.deepEqual(v.shape, [2, 3, 4]);
    const expected = rows(r).map((row) => naiveArgsort(row, true).slice(0, 4));
    assert.deepEqual(rows(i), expected);
    assert.deepEqual(
      rows(v),
      rows(r).map((row, k) => expected[k]!.map((j) => row[j]!)),
    );
    assert.deepEqual(topK(x, 0)[0].shape, [2, 0]);
    assert.deepEqual(topK(x, 5)[1].toArray(), [
      [1, 3, 2, 4, 0],
      [3, 4, 0, 1, 2],
    ]);
  });

  it("checks topK gradients (scattered to the picked indices)", () => {
    gradcheck((t) => topK(t, 2)[0], [randn([3, 5], 10)]);
    gradcheck((t) => topK(t, 3)[0], [randn([2, 1, 4], 11)]);
  });

  it("rejects bad arguments with the op and the received value", () => {
    assert.throws(() => topK(st.zeros([2, 3]), 4), {
      name: "ValueError",
      message: "topK: k must be an integer in [0, 3] (the last axis of [2,3]); received 4",
    });
    assert.throws(() => topK(st.zeros([3]), 1.5), { name: "ValueError" });
    assert.throws(() => topK(st.tensor(1), 1), {
      name: "ValueError",
      message: "topK: x must have at least one axis; received a scalar",
    });
    assert.throws(() => sort(st.tensor(1)), {
      name: "ValueError",
      message: /^sort: x must have at least one axis/,
    });
    assert.throws(() => argsort(st.zeros([2, 3]), -3), {
      name: "ValueError",
      message: "argsort: axis -3 is out of range for a tensor of rank 2",
    });
  });
});
