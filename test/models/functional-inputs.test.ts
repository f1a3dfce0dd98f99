// Functional models declared from intermediate tensors (Keras 3's clone_graph_nodes) and inputs
// one axis short of or beyond their Input (Keras 3's _adjust_input_rank).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Model, layers } from "../../src/index.js";

describe("functional model inputs", () => {
  it("an intermediate tensor as input: a fresh Input, the same layers and weights", async () => {
    const raw = st.Input({ shape: [3] });
    const encoder = new layers.Dense(4, { activation: "relu", name: "encoder" });
    const encoded = encoder.apply(raw);
    const head = new layers.Dense(1, { name: "head" });
    const out = head.apply(encoded);
    const full = new Model({ inputs: raw, outputs: out });
    const training = new Model({ inputs: encoded, outputs: out });
    assert.equal(training.inputs.length, 1);
    assert.equal(training.inputNames[0], "encoderCLONE");
    assert.deepEqual(training.inputs[0]!.shape, [null, 4]);
    assert.deepEqual(
      training.layers.map((l) => l.name),
      ["encoderCLONE", "head"],
    );
    const x = st.random.normal([5, 3], { seed: 1 });
    const e = encoder.apply(x) as st.Tensor;
    const viaFull = (await full.predict(x)) as st.Tensor;
    const viaCut = (await training.predict(e)) as st.Tensor;
    assert.deepEqual(Array.from(viaCut.dataSync()), Array.from(viaFull.dataSync()));
    // Training the cut model trains the shared head.
    training.compile({ optimizer: "sgd", loss: "mse" });
    const before = Array.from(head.weights[0]!.value.dataSync());
    await training.fit(e, st.zeros([5, 1]), { epochs: 1, verbose: 0 });
    assert.notDeepEqual(Array.from(head.weights[0]!.value.dataSync()), before);
  });

  it("adds or drops a last axis of 1 as Keras does", async () => {
    const a = st.Input({ shape: [1], name: "a" });
    const b = st.Input({ shape: [2], name: "b" });
    const out = layers.concatenate([a, b]);
    const model = new Model({ inputs: { a, b }, outputs: out });
    const y = (await model.predict({
      a: st.tensor([1, 2]),
      b: st.tensor([
        [3, 4],
        [5, 6],
      ]),
    })) as st.Tensor;
    assert.deepEqual(y.toArray(), [
      [1, 3, 4],
      [2, 5, 6],
    ]);
    const single = new Model({ inputs: b, outputs: new layers.Flatten().apply(b) });
    const z = (await single.predict(st.tensor([[[3], [4]]]))) as st.Tensor;
    assert.deepEqual(z.toArray(), [[3, 4]]);
  });
});
