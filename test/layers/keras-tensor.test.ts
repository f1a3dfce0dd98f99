/**
 * st.KerasTensor is Keras's symbolic tensor: the class of what `Input()` and symbolic layer and op
 * calls return, and a public constructor `new KerasTensor(shape, dtype)` as in Keras's docstring
 * (`keras.KerasTensor(shape=(3, 4), dtype="float32")`), with shape, dtype, ndim, name, sparse.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

describe("KerasTensor", () => {
  it("is constructed from a shape and a dtype, as in Keras's docstring", () => {
    const x = new st.KerasTensor([3, 4], "float32");
    assert.deepEqual(x.shape, [3, 4]);
    assert.equal(x.dtype, "float32");
    assert.equal(x.ndim, 2);
    assert.equal(x.sparse, false);
    assert.equal(x.ragged, false);
    assert.match(x.name, /^keras_tensor(_\d+)?$/);
    const y = new st.KerasTensor([null, 3]);
    assert.equal(y.dtype, "float32", "Keras's default dtype");
    assert.notEqual(y.name, x.name, "automatic names are unique");
    assert.equal(new st.KerasTensor([2], "int32", { name: "ids" }).name, "ids");
    assert.equal(
      String(new st.KerasTensor([null, 3], "float32", { name: "k" })),
      "<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=k>",
    );
  });

  it("refuses bad shapes, unknown dtypes and sparse or ragged tensors", () => {
    assert.throws(() => new st.KerasTensor([2, -1]), /KerasTensor: Cannot convert '\[2,-1\]'/);
    assert.throws(() => new st.KerasTensor([2.5]), /non-negative integers or null/);
    assert.throws(() => new st.KerasTensor([2], "float65"), /KerasTensor: unknown dtype "float65"/);
    assert.throws(() => new st.KerasTensor([2], "float32", { sparse: true }), /no sparse tensors/);
    assert.throws(() => new st.KerasTensor([2], "float32", { ragged: true }), /no ragged tensors/);
  });

  it("is the class of what Input, layers and ops return symbolically", () => {
    const x = st.Input({ shape: [4], name: "feats" });
    assert.ok(x instanceof st.KerasTensor);
    assert.equal(x.name, "feats");
    assert.deepEqual(x.shape, [null, 4]);
    assert.equal(x.ndim, 2);
    const h = new st.layers.Dense(3).apply(x);
    assert.ok(h instanceof st.KerasTensor);
    assert.deepEqual(h.shape, [null, 3]);
    const s = st.ops.sum(h, -1);
    assert.ok(s instanceof st.KerasTensor);
    assert.deepEqual(s.shape, [null]);
    assert.equal(st.layers.SymbolicTensor, st.KerasTensor, "one class, two names");
  });

  it("can be fed to layers and ops without an Input, for shape inference", () => {
    const x = new st.KerasTensor([5, 7, 2]);
    const y = new st.layers.Dense(6).apply(x);
    assert.deepEqual(y.shape, [5, 7, 6]);
    const z = st.ops.concatenate([x, x], 1);
    assert.deepEqual(z.shape, [5, 14, 2]);
  });

  it("can start a Model, which gives it an Input of its shape (Keras's clone_graph_nodes)", () => {
    const x = new st.KerasTensor([null, 2], "float32", { name: "free" });
    const dense = new st.layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" });
    const model = new st.Model(x, dense.apply(x));
    assert.equal(model.inputs[0]!.name, "freeCLONE");
    assert.deepEqual((model.apply(st.tensor([[1, 2]])) as st.Tensor).toArray(), [[3]]);
  });
});
