// layer.input / layer.output and model.input / model.output, as the book and keras.io cut feature
// extractors out of trained models, and Keras's positional `new Model(inputs, outputs)`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, Model, Sequential, layers } from "../../src/index.js";

describe("layer.output and model.input: building models from inner layers", () => {
  it("a functional model's inner layer output gives a feature extractor with its weights", async () => {
    st.random.setSeed(1);
    const inputs = Input({ shape: [4] });
    const hidden = new layers.Dense(3, { activation: "relu", name: "hidden" }).apply(inputs);
    const outputs = new layers.Dense(2, { name: "head" }).apply(hidden);
    const model = new Model(inputs, outputs);
    assert.equal(model.input, inputs);
    assert.equal(model.output, outputs);
    assert.equal(model.getLayer("hidden").output, hidden);
    assert.equal(model.getLayer("head").input, hidden);

    const extractor = new Model(model.input, model.getLayer("hidden").output);
    const x = st.tensor([
      [1, -2, 0.5, 3],
      [0, 1, 1, -1],
    ]);
    // The reference: the hidden layer's own weights, applied by hand.
    const [kernel, bias] = model
      .getLayer("hidden")
      .getWeights()
      .map((w) => w.toArray() as number[][]);
    const rows = x.toArray() as number[][];
    const want = rows.map((r) =>
      [0, 1, 2].map((j) =>
        Math.max(
          0,
          r.reduce((acc, v, i) => acc + v * kernel![i]![j]!, (bias as unknown as number[])[j]!),
        ),
      ),
    );
    const got = (await extractor.predict(x)) as st.Tensor;
    (got.toArray() as number[][]).forEach((row, i) =>
      row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-5)),
    );
    // Several outputs at once (keras.io's "extract all layer outputs" pattern); a functional
    // model's layers start with its InputLayer, as in Keras.
    const all = new Model(
      model.inputs[0]!,
      model.layers.map((l) => l.output as st.layers.SymbolicTensor),
    );
    const outs = (await all.predict(x)) as st.Tensor[];
    assert.deepEqual(
      outs.map((t) => t.shape),
      [
        [2, 4],
        [2, 3],
        [2, 2],
      ],
    );
  });

  it("a Sequential model's layers have outputs once its input is known", async () => {
    const model = new Sequential([
      Input({ shape: [5] }),
      new layers.Dense(4, { name: "a" }),
      new layers.Dense(2, { name: "b" }),
    ]);
    const cut = new Model(model.input, model.getLayer("a").output);
    assert.deepEqual(((await cut.predict(st.ones([3, 5]))) as st.Tensor).shape, [3, 4]);
    assert.deepEqual((model.output as st.layers.SymbolicTensor).shape, [null, 2]);
  });

  it("a frozen base under a new head: only the head trains", async () => {
    st.random.setSeed(2);
    const base = new Sequential([
      Input({ shape: [3] }),
      new layers.Dense(4, { activation: "relu" }),
    ]);
    base.trainable = false;
    const features = base.output as st.layers.SymbolicTensor;
    const head = new layers.Dense(1).apply(features);
    const model = new Model(base.input, head);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const before = base.getWeights().map((w) => w.toArray());
    await model.fit(
      st.random.normal([16, 3], { seed: 3 }),
      st.random.normal([16, 1], { seed: 4 }),
      {
        epochs: 2,
        verbose: 0,
      },
    );
    assert.deepEqual(
      base.getWeights().map((w) => w.toArray()),
      before,
    );
    assert.equal(model.trainableWeights.length, 2);
  });

  it("a layer never called symbolically has no output; a subclassed model has no input", () => {
    assert.throws(() => new layers.Dense(2).output, /never been called.*no defined output/);
    class Custom extends Model {
      override call(x: st.Tensor | st.Tensor[]): st.Tensor | st.Tensor[] {
        return x;
      }
    }
    assert.throws(() => new Custom().input, /no defined input/);
  });

  it("Keras's positional form and unknown options", async () => {
    const inputs = Input({ shape: [2] });
    const outputs = new layers.Dense(1).apply(inputs);
    const named = new Model(inputs, outputs, { name: "tiny" });
    assert.equal(named.name, "tiny");
    assert.equal(named.isFunctional, true);
    const listed = new Model([inputs], [outputs]);
    assert.ok(Array.isArray(await listed.predict([st.ones([1, 2])])));
    assert.throws(
      () => new Model({ inputs, outputs, nmae: "x" } as never),
      /unknown option nmae; did you mean name\?/,
    );
  });

  it("a model with outputs named in an object predicts an object", async () => {
    const inputs = Input({ shape: [2] });
    const model = new Model(inputs, {
      score: new layers.Dense(1).apply(inputs),
      classes: new layers.Dense(3).apply(inputs),
    });
    const out = (await model.predict(st.ones([4, 2]), { verbose: 0 })) as Record<string, st.Tensor>;
    assert.deepEqual(Object.keys(out), ["score", "classes"]);
    assert.deepEqual(out["classes"]!.shape, [4, 3]);
    const one = model.predictOnBatch(st.ones([1, 2])) as Record<string, st.Tensor>;
    assert.deepEqual(one["score"]!.shape, [1, 1]);
  });
});
