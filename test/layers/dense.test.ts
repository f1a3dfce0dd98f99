import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Dense } from "../../src/layers/core/dense.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

describe("Dense", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Dense(4, { activation: "tanh", dtype }), {
      inputShape: [3, 5],
      expectedOutputShape: [3, 4],
      expectedNumTrainableWeights: 2,
      expectedWeightShapes: [[5, 4], [4]],
    });
    runLayerTest((dtype) => new Dense(2, { useBias: false, dtype }), {
      inputShape: [2, 3, 5],
      expectedOutputShape: [2, 3, 2],
      expectedNumTrainableWeights: 1,
    });
  });

  it("computes inputs · kernel + bias", () => {
    const d = new Dense(2);
    d.apply(st.zeros([1, 3]));
    d.setWeights([
      st.tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      st.tensor([10, 20]),
    ]);
    assertClose(d.apply(st.tensor([[1, 1, 1]])), [[19, 32]]);
    assert.equal(d.countParams(), 8);
  });

  it("counts the book's parameters and names itself like Keras", () => {
    st.random.setSeed(1);
    const d = new Dense(512, { activation: "relu" });
    d.apply(st.zeros([1, 784]));
    assert.equal(d.countParams(), 401920);
    assert.match(d.name, /^dense(_\d+)?$/);
  });

  it("rejects bad arguments and wrong input sizes with the layer's name", () => {
    assert.throws(() => new Dense(-3, { name: "d" }), {
      message: 'Layer "d" (Dense): units must be a positive integer; received units=-3',
    });
    const d = new Dense(2, { name: "dd" });
    d.apply(st.zeros([1, 3]));
    assert.throws(() => d.apply(st.zeros([1, 4])), {
      message: /^Layer "dd" \(Dense\): expected the last axis/,
    });
    assert.throws(() => new Dense(2, { activation: "relux" }), {
      message: /unknown activation "relux"/,
    });
  });

  it("adds weight regularization to its losses", () => {
    const d = new Dense(1, {
      kernelRegularizer: new st.regularizers.L2(0.5),
      kernelInitializer: "ones",
    });
    d.apply(st.zeros([1, 2]));
    assertClose(st.ops.add(d.losses[0]!, 0), [1]);
  });
});
