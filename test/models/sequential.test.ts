import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, Model, Sequential, layers, ops } from "../../src/index.js";

/** Two separable blobs: a problem any working trainer solves in a few epochs. */
function blobs(n: number, seed: number): [st.Tensor, st.Tensor] {
  const x = st.random.normal([n, 4], { seed });
  const label = ops.cast(ops.greater(ops.sum(x, 1), 0), "int32");
  return [x, label];
}

describe("Sequential", () => {
  it("trains with compile/fit and reports Keras's log names", async () => {
    st.random.setSeed(1);
    const model = new Sequential([
      new layers.Dense(16, { activation: "relu", inputShape: [4] }),
      new layers.Dense(2, { activation: "softmax" }),
    ]);
    model.compile({
      optimizer: new st.optimizers.Adam({ learningRate: 0.01 }),
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const [x, y] = blobs(256, 2);
    const history = await model.fit(x, y, {
      epochs: 8,
      batchSize: 32,
      verbose: 0,
      validationSplit: 0.25,
    });
    assert.deepEqual(Object.keys(history.history).sort(), [
      "accuracy",
      "loss",
      "val_accuracy",
      "val_loss",
    ]);
    assert.deepEqual(history.epoch, [0, 1, 2, 3, 4, 5, 6, 7]);
    const losses = history.history.loss!;
    assert.ok(losses.at(-1)! < losses[0]!, `loss should fall: ${losses}`);
    assert.ok(
      history.history.val_accuracy!.at(-1)! > 0.85,
      `val accuracy ${history.history.val_accuracy}`,
    );
    const result = await model.evaluate(x, y, { batchSize: 64 });
    assert.deepEqual(Object.keys(result).sort(), ["accuracy", "loss"]);
    const pred = (await model.predict(x, { batchSize: 100 })) as st.Tensor;
    assert.deepEqual(pred.shape, [256, 2]);
  });

  it("builds on its first batch when no input shape is given (the book's first example)", async () => {
    const model = new Sequential([
      new layers.Dense(8, { activation: "relu" }),
      new layers.Dense(3, { activation: "softmax" }),
    ]);
    assert.throws(() => model.summary(), { message: /has not yet been built/ });
    model.compile({
      optimizer: "rmsprop",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const x = st.random.normal([20, 5], { seed: 3 });
    const y = st.random.randint([20], 0, 3, { seed: 4 });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    assert.match(lines.join("\n"), /\(None, 8\)/);
    assert.match(lines.join("\n"), /Total params: 75 /);
  });

  it("trains every weight from the first batch on, though it builds on that batch", async () => {
    // Keras builds the model before its first step; a step that found no weights would not train.
    st.random.setSeed(5);
    const model = new Sequential([
      new layers.Dense(4, { activation: "relu" }),
      new layers.Dropout(0.5),
      new layers.Dense(1),
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.random.normal([8, 3], { seed: 6 });
    const y = st.random.normal([8, 1], { seed: 7 });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 1);
    const [, bias1, , bias2] = model.getWeights();
    assert.ok(
      Array.from(bias1!.dataSync()).some((v) => v !== 0),
      "the hidden bias moved",
    );
    assert.notEqual(bias2!.dataSync()[0], 0);

    const byBatch = new Sequential([new layers.Dense(2)]);
    byBatch.compile({ optimizer: "sgd", loss: "mse" });
    byBatch.trainOnBatch(x, st.random.normal([8, 2], { seed: 8 }));
    assert.equal(byBatch.optimizer!.iterations, 1);
    assert.ok(Array.from(byBatch.getWeights()[1]!.dataSync()).every((v) => v !== 0));
  });

  it("prints Keras's summary with parameter counts", () => {
    const model = new Sequential(
      [
        Input({ shape: [784] }),
        new layers.Dense(512, { activation: "relu" }),
        new layers.Dense(10, { activation: "softmax" }),
      ],
      { name: "mnist_mlp" },
    );
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    const text = lines.join("\n");
    assert.equal(lines[0], 'Model: "mnist_mlp"');
    assert.match(text, /Layer \(type\)\s+┃ Output Shape\s+┃\s+Param # ┃/);
    assert.match(text, /│ dense\S* \(Dense\)\s+│ \(None, 512\)\s+│\s+401,920 │/);
    assert.match(text, / Total params: 407,050 \(1\.55 MB\)/);
    assert.match(text, / Trainable params: 407,050 \(1\.55 MB\)/);
    assert.match(text, / Non-trainable params: 0 \(0\.00 B\)/);
  });

  it("fails when a layer does not fit, naming the layer and the shape", () => {
    const model = new Sequential([Input({ shape: [4] }), new layers.Dense(3, { name: "first" })]);
    const bad = new layers.Dense(2, { name: "second" });
    // A Dense built for 5 inputs cannot follow a layer with 3 outputs.
    bad.apply(st.zeros([1, 5]));
    assert.throws(() => model.add(bad), {
      message: /^Layer "second" \(Dense\): expected the last axis/,
    });
  });

  it("freezes layers: frozen weights do not train", async () => {
    const model = new Sequential([Input({ shape: [4] }), new layers.Dense(4), new layers.Dense(1)]);
    model.layers[0]!.trainable = false;
    assert.equal(model.trainableWeights.length, 2);
    assert.equal(model.nonTrainableWeights.length, 2);
    const before = model.layers[0]!.getWeights().map((w) => [...w.dataSync()]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(
      st.random.normal([16, 4], { seed: 1 }),
      st.random.normal([16, 1], { seed: 2 }),
      { epochs: 2, verbose: 0 },
    );
    assert.deepEqual(
      model.layers[0]!.getWeights().map((w) => [...w.dataSync()]),
      before,
    );
  });
});

describe("functional Model", () => {
  it("trains a multi-input, multi-output model with per-output losses and weights", async () => {
    st.random.setSeed(5);
    const a = Input({ shape: [3], name: "a" });
    const b = Input({ shape: [2], name: "b" });
    const h = new layers.Dense(8, { activation: "relu" }).apply(a);
    const g = new layers.Dense(8, { activation: "relu" }).apply(b);
    const joined = new layers.Dense(8, { activation: "tanh" }).apply(h);
    const reg = new layers.Dense(1, { name: "reg" }).apply(joined);
    const cls = new layers.Dense(2, { activation: "softmax", name: "cls" }).apply(g);
    const model = new Model({ inputs: [a, b], outputs: [reg, cls], name: "multi" });
    assert.deepEqual(model.inputNames, ["a", "b"]);
    assert.deepEqual(model.outputNames, ["reg", "cls"]);
    model.compile({
      optimizer: "adam",
      loss: { reg: "mse", cls: "sparse_categorical_crossentropy" },
      lossWeights: { reg: 1, cls: 0.5 },
      metrics: { cls: ["accuracy"] },
    });
    const xa = st.random.normal([64, 3], { seed: 6 });
    const xb = st.random.normal([64, 2], { seed: 7 });
    const yr = ops.sum(xa, 1, true);
    const yc = ops.cast(ops.greater(ops.sum(xb, 1), 0), "int32");
    const h1 = await model.fit(
      { a: xa, b: xb },
      { reg: yr, cls: yc },
      { epochs: 3, batchSize: 16, verbose: 0 },
    );
    assert.deepEqual(Object.keys(h1.history).sort(), [
      "cls_accuracy",
      "cls_loss",
      "loss",
      "reg_loss",
    ]);
    const last = h1.history;
    // The total is the weighted sum of the per-output losses (up to the running means' batching).
    const pred = (await model.predict([xa, xb])) as st.Tensor[];
    assert.deepEqual(
      pred.map((p) => p.shape),
      [
        [64, 1],
        [64, 2],
      ],
    );
    assert.ok(last.loss!.every(Number.isFinite));
  });

  it("reports a disconnected graph at declaration", () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [3], name: "other" });
    const out = new layers.Dense(1).apply(b);
    assert.throws(() => new Model({ inputs: a, outputs: out }), {
      message: /graph disconnected.*"other"/,
    });
  });

  it("uses a model as a layer inside another model", async () => {
    const inner = new Sequential([
      Input({ shape: [4] }),
      new layers.Dense(3, { activation: "relu" }),
    ]);
    const x = Input({ shape: [4] });
    const y = new layers.Dense(1).apply(inner.apply(x));
    const outer = new Model({ inputs: x, outputs: y });
    assert.equal(outer.trainableWeights.length, 4);
    const out = outer.predictOnBatch(st.ones([2, 4])) as st.Tensor;
    assert.deepEqual(out.shape, [2, 1]);
  });
});

describe("subclassed Model", () => {
  it("runs a custom call and a custom trainStep", async () => {
    class TwoLayer extends Model {
      hidden = new layers.Dense(8, { activation: "relu" });
      out = new layers.Dense(1);
      override call(x: st.Tensor): st.Tensor {
        return this.out.apply(this.hidden.apply(x));
      }
    }
    const model = new TwoLayer();
    model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });
    const x = st.random.normal([32, 3], { seed: 8 });
    const y = ops.sum(x, 1, true);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    assert.deepEqual(Object.keys(h.history).sort(), ["loss", "mae"]);
    assert.equal(model.trainableWeights.length, 4);
    assert.equal(model.optimizer!.iterations, 12, "every step trained, the first one included");
  });

  it("trains GAN-style: built sub-models, no call, its own trackers reset each epoch", async () => {
    // Keras's GAN example: the model holds two models, trains them in trainStep, and reports
    // Metric objects it holds; the dataset yields bare batches of x.
    st.random.setSeed(2);
    class Pair extends Model {
      critic = new Sequential([Input({ shape: [3] }), new layers.Dense(1)]);
      steps = new st.metrics.Sum({ name: "steps" });
      criticLoss = new st.metrics.Mean({ name: "critic_loss" });
      override trainStep(data: st.StepData): st.StepLogs {
        const x = data as st.Tensor; // the dataset yields bare batches of x
        const vars = this.critic.trainableWeights;
        const { value, grads } = st.valueAndGrad(
          () => ops.mean(ops.square(this.critic.apply(x))),
          vars,
        );
        this.optimizer!.apply(grads, vars);
        this.steps.updateState(1);
        this.criticLoss.updateState(value);
        return this.metricsResults();
      }
    }
    const model = new Pair();
    model.compile({ optimizer: "sgd" });
    const batches = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 3; i++) yield st.random.normal([4, 3], { seed: i });
      },
    };
    const h = await model.fit(batches, { epochs: 2, verbose: 0 });
    assert.deepEqual(h.history.steps, [3, 3], "the trackers start again each epoch");
    assert.ok(h.history.critic_loss![1]! < h.history.critic_loss![0]!);
    assert.deepEqual(
      model.metrics.map((m) => m.name),
      ["loss", "steps", "critic_loss"],
    );
  });

  it("is built before its first trainStep, so a custom trainStep sees every weight", async () => {
    const seen: number[] = [];
    class Custom extends Model {
      dense = new layers.Dense(2);
      override call(x: st.Tensor): st.Tensor {
        return this.dense.apply(x);
      }
      override trainStep(data: st.StepData): st.StepLogs {
        seen.push(this.trainableWeights.length);
        return super.trainStep(data);
      }
    }
    const model = new Custom();
    // Eagerly: a compiled step runs its JavaScript (the push) only while it is traced, as Keras's.
    model.compile({ optimizer: "sgd", loss: "mse", runEagerly: true });
    await model.fit(st.random.normal([4, 3], { seed: 1 }), st.random.normal([4, 2], { seed: 2 }), {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
    });
    assert.deepEqual(seen, [2, 2, 2, 2]);
  });

  it("starts a stateful recurrent layer from zeros after building it", async () => {
    // Building runs the model once; the states that run leaves must not carry into training.
    st.random.setSeed(3);
    const x = st.random.normal([2, 3, 1], { seed: 4 });
    const y = st.random.normal([2, 1], { seed: 5 });
    const stateful = new Sequential([new layers.SimpleRNN(1, { stateful: true })]);
    stateful.compile({ optimizer: "sgd", loss: "mse" });
    // A learning rate of 0 keeps the weights, so the states are those of one pass from zeros.
    stateful.optimizer!.learningRate = 0;
    await stateful.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    const rnn = stateful.layers[0] as layers.SimpleRNN;
    const fresh = new layers.SimpleRNN(1, { returnState: true });
    fresh.build([null, 3, 1]);
    fresh.setWeights(rnn.getWeights());
    const [, state] = fresh.apply(x) as unknown as st.Tensor[];
    assert.deepEqual(Array.from(rnn.states![0]!.dataSync()), Array.from(state!.dataSync()));
  });
});
