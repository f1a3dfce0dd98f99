import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

describe("st.utils session and graph helpers", () => {
  it("setRandomSeed makes weights and draws repeat", () => {
    st.utils.setRandomSeed(42);
    const a = new st.layers.Dense(3);
    a.build([null, 2]);
    const drawA = st.random.normal([4]).dataSync();
    st.utils.setRandomSeed(42);
    const b = new st.layers.Dense(3);
    b.build([null, 2]);
    assert.deepEqual(b.weights[0]!.value.dataSync(), a.weights[0]!.value.dataSync());
    assert.deepEqual(st.random.normal([4]).dataSync(), drawA);
  });

  it("clearSession restarts the automatic layer names", () => {
    st.utils.clearSession();
    assert.equal(new st.layers.Dense(1).name, "dense");
    assert.equal(new st.layers.Dense(1).name, "dense_1");
    st.utils.clearSession();
    assert.equal(new st.layers.Dense(1).name, "dense");
  });

  it("isKerasTensor and getSourceInputs follow the functional graph to its Inputs", () => {
    const a = st.Input({ shape: [3], name: "a" });
    const b = st.Input({ shape: [3], name: "b" });
    const unused = st.Input({ shape: [3], name: "unused" });
    const h = new st.layers.Dense(3).apply(b) as st.layers.SymbolicTensor;
    const out = new st.layers.Concatenate().apply([a, h, a]) as st.layers.SymbolicTensor;
    assert.ok(st.utils.isKerasTensor(out));
    assert.ok(!st.utils.isKerasTensor(st.tensor([1])));
    assert.deepEqual(st.utils.getSourceInputs(out), [a, b]);
    assert.deepEqual(st.utils.getSourceInputs(unused), [unused]);
    assert.throws(
      () => st.utils.getSourceInputs(st.tensor([1]) as never),
      /getSourceInputs: expected a symbolic tensor/,
    );
  });

  it("packXYSampleWeight is the inverse of unpackXYSampleWeight", () => {
    const [x, y, w] = [st.tensor([1]), st.tensor([2]), st.tensor([3])];
    assert.equal(st.utils.packXYSampleWeight(x), x);
    assert.deepEqual(st.utils.packXYSampleWeight([x, y]), [[x, y]]);
    assert.deepEqual(st.utils.packXYSampleWeight(x, y), [x, y]);
    assert.deepEqual(st.utils.packXYSampleWeight(x, y, w), [x, y, w]);
    for (const packed of [[x, y, w], [x, y], x] as const) {
      const [ux, uy, uw] = st.utils.unpackXYSampleWeight(packed as st.StepData);
      assert.deepEqual(st.utils.packXYSampleWeight(ux, uy, uw), packed);
    }
  });
});
