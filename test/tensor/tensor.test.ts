import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

describe("tensor creation", () => {
  it("infers shape and dtype from nested arrays and typed arrays", () => {
    const t = st.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float32");
    assert.equal(t.size, 6);
    assert.equal(t.rank, 2);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(st.tensor([true, false]).dtype, "bool");
    assert.equal(st.tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.deepEqual(st.tensor([1, 2, 3, 4], [2, 2], "int32").toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(st.tensor(5).item(), 5);
    assert.deepEqual(st.tensor(5).shape, []);
    assert.deepEqual(st.tensor([]).shape, [0]);
  });

  it("rejects ragged arrays, bad shapes and unknown dtypes with clear errors", () => {
    assert.throws(() => st.tensor([[1, 2], [3]]), { name: "ShapeError", message: /ragged/ });
    assert.throws(() => st.tensor([1, 2, 3], [2, 2]), {
      name: "ShapeError",
      message: "tensor: 3 values cannot take shape [2,2] (4 values)",
    });
    assert.throws(() => st.zeros([2, -1]), { name: "ShapeError" });
    assert.throws(() => st.zeros([2], "float16" as st.DType), {
      name: "DTypeError",
      message:
        'zeros: unknown dtype "float16"; expected one of float32, float64, int32, uint8, bool, string, int64',
    });
    assert.throws(() => st.tensor([1, 2]).item(), { name: "ValueError" });
  });

  it("makes zeros, ones, full, arange, linspace and eye like NumPy", () => {
    assert.deepEqual(st.zeros([2, 2]).toArray(), [
      [0, 0],
      [0, 0],
    ]);
    assert.deepEqual(st.ones([3], "int32").toArray(), [1, 1, 1]);
    assert.deepEqual(st.full([2], 7).toArray(), [7, 7]);
    assert.deepEqual(st.arange(5).toArray(), [0, 1, 2, 3, 4]);
    assert.equal(st.arange(5).dtype, "int32");
    assert.deepEqual(st.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(st.arange(5, 0, -2).toArray(), [5, 3, 1]);
    assert.deepEqual(st.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(st.eye(2, 3).toArray(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(st.zerosLike(st.ones([2], "int32")).toArray(), [0, 0]);
  });

  it("offers the creation functions under ops too, as keras.ops does", () => {
    assert.deepEqual(st.ops.arange(0, 6, 2).toArray(), [0, 2, 4]);
    assert.deepEqual(st.ops.full([2], 3).toArray(), [3, 3]);
    // The same functions, wrapped so that they also take symbolic tensors (layers/symbolic/).
    assert.deepEqual(st.ops.zeros([2, 1]).toArray(), st.zeros([2, 1]).toArray());
    assert.deepEqual(st.ops.ones([2], "int32").toArray(), st.ones([2], "int32").toArray());
    assert.deepEqual(st.ops.eye(2).toArray(), st.eye(2).toArray());
    const t = st.tensor([1, 2]);
    assert.deepEqual(st.ops.zerosLike(t).toArray(), st.zerosLike(t).toArray());
    assert.deepEqual(st.ops.onesLike(t).toArray(), st.onesLike(t).toArray());
  });

  it("keeps values immutable: dataSync returns a copy", () => {
    const t = st.tensor([1, 2]);
    const d = t.dataSync();
    d[0] = 100;
    assert.equal(t.toArray().toString(), "1,2");
  });
});

describe("printing", () => {
  it("prints small tensors in full and large ones abbreviated", () => {
    assert.equal(
      st
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .toString(),
      "Tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape=[2,2], dtype=float32)",
    );
    assert.equal(
      st.tensor(new Int32Array([1, -20])).toString(),
      "Tensor([  1, -20], shape=[2], dtype=int32)",
    );
    assert.equal(st.tensor(true).toString(), "Tensor(true, shape=[], dtype=bool)");
    const big = st.arange(2000).toString();
    assert.ok(
      big.startsWith("Tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000]"),
      big,
    );
    assert.equal(st.zeros([100, 100]).toString().split("\n").length, 7);
  });
});

describe("random", () => {
  it("is reproducible after setSeed and with a per-call seed", () => {
    st.random.setSeed(42);
    const a = st.random.normal([5]).toArray();
    const u = st.random.uniform([3]).toArray();
    st.random.setSeed(42);
    assert.deepEqual(st.random.normal([5]).toArray(), a);
    assert.deepEqual(st.random.uniform([3]).toArray(), u);
    assert.deepEqual(
      st.random.normal([4], { seed: 1 }).toArray(),
      st.random.normal([4], { seed: 1 }).toArray(),
    );
    assert.notDeepEqual(
      st.random.normal([4], { seed: 1 }).toArray(),
      st.random.normal([4], { seed: 2 }).toArray(),
    );
  });

  it("draws from the right distributions", () => {
    const n = st.random.normal([100000], { mean: 2, stddev: 3, seed: 3, dtype: "float64" });
    const m = st.ops.mean(n).item() as number;
    const s = st.ops.std(n).item() as number;
    assert.ok(Math.abs(m - 2) < 0.05 && Math.abs(s - 3) < 0.05, `mean ${m}, std ${s}`);
    const u = st.random.uniform([100000], { minval: -1, maxval: 3, seed: 4 });
    assert.ok((st.ops.min(u).item() as number) >= -1 && (st.ops.max(u).item() as number) < 3);
    const t = st.random.truncatedNormal([10000], { seed: 5 });
    assert.ok((st.ops.max(st.ops.abs(t)).item() as number) <= 2);
    const r = st.random.randint([1000], 3, 6, { seed: 6 });
    assert.equal(r.dtype, "int32");
    assert.deepEqual([...new Set(r.dataSync())].sort(), [3, 4, 5]);
    assert.throws(() => st.random.uniform([2], { dtype: "int32" }), { name: "ValueError" });
  });
});
