import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { stepFunctions } from "../../src/train/step-functions.js";

/*
 * compile({jitCompile}): fit, evaluate and predict on compiled steps give what the eager steps
 * give, bit for bit (a replay runs the same kernels in the same order), for each kind of layer
 * and for a custom trainStep. Each case trains two copies of one model, built from one seed.
 */

const { layers } = st;

type Case = {
  name: string;
  build: () => st.Model;
  x: () => st.Tensor;
  y: () => st.Tensor;
  loss: string;
  metric: string;
};

const CASES: Case[] = [
  {
    name: "Dense, Dropout, BatchNormalization",
    build: () =>
      new st.Sequential([
        st.Input({ shape: [12] }),
        new layers.Dense(16, { activation: "relu" }),
        new layers.Dropout(0.3),
        new layers.BatchNormalization(),
        new layers.Dense(3, { activation: "softmax" }),
      ]),
    x: () => st.random.normal([8, 12]),
    y: () => st.random.randint([8], 0, 3),
    loss: "sparse_categorical_crossentropy",
    metric: "accuracy",
  },
  {
    name: "Conv2D, MaxPooling2D, SeparableConv2D, GlobalAveragePooling2D",
    build: () =>
      new st.Sequential([
        st.Input({ shape: [8, 8, 2] }),
        new layers.Conv2D(4, 3, { activation: "relu", padding: "same" }),
        new layers.MaxPooling2D(2),
        new layers.SeparableConv2D(5, 3, { padding: "same" }),
        new layers.GlobalAveragePooling2D(),
        new layers.Dense(1, { activation: "sigmoid" }),
      ]),
    x: () => st.random.normal([6, 8, 8, 2]),
    y: () => st.ops.cast(st.random.randint([6, 1], 0, 2), "float32"),
    loss: "binary_crossentropy",
    metric: "accuracy",
  },
  {
    name: "Embedding, LSTM, GRU",
    build: () =>
      new st.Sequential([
        st.Input({ shape: [7], dtype: "int32" }),
        new layers.Embedding(20, 4),
        new layers.LSTM(5, { returnSequences: true, dropout: 0.2 }),
        new layers.GRU(3),
        new layers.Dense(2, { activation: "softmax" }),
      ]),
    x: () => st.random.randint([6, 7], 0, 20),
    y: () => st.random.randint([6], 0, 2),
    loss: "sparse_categorical_crossentropy",
    metric: "accuracy",
  },
  {
    name: "MultiHeadAttention, LayerNormalization, Conv1D",
    build: () => {
      const inp = st.Input({ shape: [6, 8] });
      const a = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0.1 }).apply([
        inp,
        inp,
      ]);
      const n = new layers.LayerNormalization().apply(new layers.Add().apply([inp, a]));
      const c = new layers.Conv1D(3, 2).apply(n);
      const out = new layers.Dense(1).apply(new layers.GlobalAveragePooling1D().apply(c));
      return new st.Model({ inputs: inp, outputs: out });
    },
    x: () => st.random.normal([4, 6, 8]),
    y: () => st.random.normal([4, 1]),
    loss: "mse",
    metric: "mae",
  },
];

async function trainBoth(c: Case) {
  st.random.setSeed(3);
  const xs = [c.x(), c.x()];
  const ys = [c.y(), c.y()];
  const x = st.ops.concatenate(xs, 0);
  const y = st.ops.concatenate(ys, 0);
  const runs = [];
  // One after the other: fit yields between batches, and both draw from the global generator.
  for (const jitCompile of [false, true]) {
    st.random.setSeed(9);
    const model = c.build();
    model.compile({ optimizer: "adam", loss: c.loss, metrics: [c.metric], jitCompile });
    const history = await model.fit(x, y, { epochs: 3, batchSize: xs[0]!.shape[0], verbose: 0 });
    const evaluated = await model.evaluate(x, y, { batchSize: 2, verbose: 0 });
    const predicted = (await model.predict(x, { batchSize: 2, verbose: 0 })) as st.Tensor;
    runs.push({
      history: history.history,
      evaluated,
      predicted: Array.from(predicted.dataSync()),
      weights: model.getWeights().map((w) => Array.from((w as st.Tensor).dataSync())),
      replays: Object.values(stepFunctions(model)).map((f) => f.stats().replayed),
    });
  }
  return runs;
}

describe("compile({jitCompile})", () => {
  for (const c of CASES) {
    it(`fit, evaluate and predict compiled equal eager: ${c.name}`, async () => {
      const [eager, compiled] = await trainBoth(c);
      // 6 training steps of one shape: 2 traced, 4 replayed; evaluate and predict likewise.
      assert.deepEqual(eager!.replays, [0, 0, 0]);
      assert.ok(
        compiled!.replays.every((n) => n > 0),
        `replays ${compiled!.replays.join(", ")}`,
      );
      delete (eager as { replays?: unknown }).replays;
      delete (compiled as { replays?: unknown }).replays;
      assert.deepEqual(compiled!.history, eager!.history);
      assert.deepEqual(compiled!.evaluated, eager!.evaluated);
      assert.deepEqual(compiled!.predicted, eager!.predicted);
      assert.deepEqual(compiled!.weights, eager!.weights);
    });
  }

  it("replays the steps (jitCompile: true compiles every one of them)", async () => {
    st.random.setSeed(1);
    const model = CASES[0]!.build();
    model.compile({ optimizer: "rmsprop", loss: CASES[0]!.loss, jitCompile: true });
    const x = st.random.normal([40, 12]);
    const y = st.random.randint([40], 0, 3);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    // 5 batches: two traces, then three replays.
    const train = stepFunctions(model).train.stats();
    assert.deepEqual([train.traced, train.replayed, train.eager], [2, 3, 0]);
    assert.ok(train.programs[0]!.kernelCalls > 20);
    // A new compile starts new steps.
    model.compile({ optimizer: "rmsprop", loss: CASES[0]!.loss, jitCompile: false });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.equal(stepFunctions(model).train.stats().eager, 5);
  });

  it("a custom trainStep with its own metric trackers compiles and equals eager", () => {
    const run = (jitCompile: boolean) => {
      st.random.setSeed(5);
      class Custom extends st.Model {
        dense = new layers.Dense(2);
        tracker = new st.metrics.Mean({ name: "my_loss" });
        override call(x: st.Tensor | st.Tensor[]): st.Tensor {
          return this.dense.apply(x as st.Tensor);
        }
        override trainStep(data: st.StepData): Record<string, st.Tensor> {
          const [x, y] = data as [st.Tensor, st.Tensor];
          const { value, grads } = st.valueAndGrad(() => {
            const p = this.apply(x, { training: true });
            return st.ops.mean(st.ops.square(st.ops.subtract(p, y)));
          }, this.trainableWeights);
          this.optimizer!.apply(grads, this.trainableWeights);
          this.tracker.updateState(value);
          return { my_loss: this.tracker.result() };
        }
      }
      const m = new Custom();
      m.compile({ optimizer: new st.optimizers.SGD(0.05), jitCompile });
      const x = st.random.normal([4, 3]);
      const y = st.random.normal([4, 2]);
      const logs = [];
      for (let i = 0; i < 6; i++) logs.push(m.trainOnBatch(x, y));
      return { logs, w: m.getWeights().map((w) => Array.from((w as st.Tensor).dataSync())) };
    };
    assert.deepEqual(run(true), run(false));
  });

  it("predict folds what depends on weights only, and recomputes it when the weights change", () => {
    st.random.setSeed(2);
    const build = () =>
      new st.Sequential([
        st.Input({ shape: [4, 4, 3] }),
        new layers.Conv2D(6, 3),
        new layers.BatchNormalization(),
        new layers.ReLU(),
        new layers.GlobalAveragePooling2D(),
      ]);
    const compiled = build();
    const eager = build();
    eager.setWeights(compiled.getWeights() as st.Tensor[]);
    compiled.compile({ loss: "mse", jitCompile: true });
    eager.compile({ loss: "mse", jitCompile: false });
    const x = st.random.normal([2, 4, 4, 3]);
    const check = () =>
      assert.deepEqual(
        Array.from((compiled.predictOnBatch(x) as st.Tensor).dataSync()),
        Array.from((eager.predictOnBatch(x) as st.Tensor).dataSync()),
      );
    for (let i = 0; i < 4; i++) check();
    const p = stepFunctions(compiled).predict.stats().programs[0]!;
    // BatchNormalization's rsqrt(var + eps)·gamma and beta − mean·inv
    assert.ok(p.foldedKernelCalls >= 4, `folded ${p.foldedKernelCalls}`);
    // New moving statistics: the folded values are computed again.
    const weights = compiled.getWeights() as st.Tensor[];
    const moved = weights.map((w, i) => (i >= weights.length - 2 ? st.ops.add(w, 0.5) : w));
    compiled.setWeights(moved);
    eager.setWeights(moved);
    for (let i = 0; i < 2; i++) check();
    assert.equal(stepFunctions(compiled).predict.stats().replayed, 4);
  });

  it("checks jitCompile", () => {
    const m = CASES[0]!.build();
    assert.throws(
      () => m.compile({ loss: "mse", jitCompile: 1 as never }),
      /compile: jitCompile must be true, false or "auto"; received 1/,
    );
  });
});
