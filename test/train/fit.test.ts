// fit's options with Keras's semantics: held-out data, shuffling, sample and class weights,
// epochs and steps, datasets, the progress output and the event loop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Model, Sequential, layers, ops } from "../../src/index.js";
import type { Logs } from "../../src/train/callbacks/callback.js";
import type { FitOptions } from "../../src/train/trainer.js";

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** A linear model whose weights never move (learning rate 0), so every loss can be computed. */
function frozenLinear(metrics: string[] = [], weightedMetrics: string[] = []): Sequential {
  st.random.setSeed(11);
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({
    optimizer: new st.optimizers.SGD({ learningRate: 0 }),
    loss: "mse",
    metrics,
    weightedMetrics,
  });
  return model;
}

/** Per-sample squared and absolute errors of `model` on (x, y). */
async function errors(model: Sequential, x: st.Tensor, y: st.Tensor) {
  const pred = Array.from(((await model.predict(x, { verbose: 0 })) as st.Tensor).dataSync());
  const target = Array.from(y.dataSync());
  return {
    squared: pred.map((p, i) => (p - target[i]!) ** 2),
    absolute: pred.map((p, i) => Math.abs(p - target[i]!)),
  };
}

const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
const rows = (t: st.Tensor, from: number, to: number) =>
  ops.slice(t, [from, ...t.shape.slice(1).map(() => 0)], [to - from, ...t.shape.slice(1)]);

/** A subclassed model that records the first feature of every sample it trains on. */
class Recorder extends Model {
  dense = new layers.Dense(1);
  seen: number[][] = [];
  override call(x: st.Tensor): st.Tensor {
    return this.dense.apply(x);
  }
  override trainStep(data: st.StepData): st.StepLogs {
    const [x] = data as [st.Tensor, st.Tensor];
    this.seen.push(Array.from(x.dataSync()));
    return super.trainStep(data);
  }
}

describe("fit: held-out data", () => {
  it("validationSplit holds out the last fraction of the samples, taken before shuffling", async () => {
    const model = frozenLinear();
    const x = st.random.normal([20, 3], { seed: 1 });
    const y = st.random.normal([20, 1], { seed: 2 });
    const h = await model.fit(x, y, { epochs: 1, batchSize: 4, validationSplit: 0.25, verbose: 0 });
    const train = await errors(model, rows(x, 0, 15), rows(y, 0, 15));
    const held = await errors(model, rows(x, 15, 20), rows(y, 15, 20));
    close(h.history.loss![0]!, mean(train.squared));
    close(h.history.val_loss![0]!, mean(held.squared));
  });

  it("validation runs the callbacks' test hooks each epoch, and the bar stays one line", async () => {
    const model = frozenLinear();
    const calls: string[] = [];
    const chunks: string[] = [];
    const x = st.random.normal([10, 3], { seed: 1 });
    const y = st.random.normal([10, 1], { seed: 2 });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      validationSplit: 0.2,
      callbacks: [
        new st.callbacks.LambdaCallback({
          onTestBegin: () => void calls.push("test"),
          onTestEnd: (logs?: Logs) => void calls.push(`end ${Object.keys(logs ?? {})}`),
          onEpochEnd: () => void calls.push("epoch"),
        }),
        new st.callbacks.ProgbarLogger((text) => void chunks.push(text), false),
      ],
    });
    assert.deepEqual(calls, ["test", "end loss", "epoch", "test", "end loss", "epoch"]);
    const lines = chunks.join("").trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^2\/2 ━{20} .* - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}$/);
  });

  it("validationData is evaluated after every epoch, with its sample weights", async () => {
    const model = frozenLinear(["mae"]);
    const x = st.random.normal([6, 3], { seed: 3 });
    const y = st.random.normal([6, 1], { seed: 4 });
    const xv = st.random.normal([5, 3], { seed: 5 });
    const yv = st.random.normal([5, 1], { seed: 6 });
    const w = [1, 0, 2, 0.5, 3];
    const h = await model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      validationData: [xv, yv, st.tensor(w)],
    });
    const e = await errors(model, xv, yv);
    const weighted = mean(e.squared.map((v, i) => v * w[i]!));
    assert.deepEqual(h.history.val_loss!.length, 2);
    close(h.history.val_loss![1]!, weighted);
    close(h.history.val_mae![1]!, mean(e.absolute), 1e-5);
    const evaluated = await model.evaluate(xv, yv, { sampleWeight: st.tensor(w), verbose: 0 });
    close(evaluated.loss!, weighted);
  });
});

describe("fit: order of the samples", () => {
  const x = st.tensor(Array.from({ length: 10 }, (_, i) => [i]));
  const y = st.zeros([10, 1]);

  it("shuffle: false feeds the samples in order, the last batch shorter", async () => {
    const model = new Recorder();
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const epoch = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ];
    assert.deepEqual(model.seen, [...epoch, ...epoch]);
  });

  it("shuffle (the default) draws a new order each epoch, each sample once", async () => {
    st.random.setSeed(4);
    const model = new Recorder();
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
    const epochs = [0, 3, 6].map((i) => model.seen.slice(i, i + 3).flat());
    for (const order of epochs)
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        [...Array(10).keys()],
      );
    assert.ok(new Set(epochs.map(String)).size > 1, "the order changes between epochs");
    assert.notDeepEqual(epochs[0], [...Array(10).keys()]);
  });
});

describe("fit: sample and class weights", () => {
  const x = st.random.normal([8, 3], { seed: 7 });
  const y = st.random.normal([8, 1], { seed: 8 });
  const w = [0, 1, 2, 3, 0.5, 1, 0, 4];

  it("sampleWeight scales each sample's loss (summed, then divided by the batch size)", async () => {
    const model = frozenLinear(["mae"], ["mae"]);
    const h = await model.fit(x, y, {
      epochs: 1,
      batchSize: 8,
      sampleWeight: st.tensor(w),
      verbose: 0,
    });
    const e = await errors(model, x, y);
    close(h.history.loss![0]!, mean(e.squared.map((v, i) => v * w[i]!)));
    // As in Keras, `metrics` ignore the weights and `weightedMetrics` apply them; the weighted copy
    // of a metric already named is logged as weighted_<name>.
    close(h.history.mae![0]!, mean(e.absolute));
    const weightedMae =
      e.absolute.reduce((s, v, i) => s + v * w[i]!, 0) / w.reduce((s, v) => s + v);
    close(h.history.weighted_mae![0]!, weightedMae);
  });

  it("classWeight weighs each sample by its label's weight (1 for classes not listed)", async () => {
    st.random.setSeed(3);
    const labels = [0, 1, 2, 1, 0, 2, 2, 1];
    const cw = { 0: 0.5, 2: 3 };
    const perSample = labels.map((c) => (cw as Record<number, number>)[c] ?? 1);
    const fitOnce = async (opts: FitOptions) => {
      st.random.setSeed(3);
      const model = new Sequential([
        new layers.Dense(3, { activation: "softmax", inputShape: [3] }),
      ]);
      model.compile({
        optimizer: new st.optimizers.SGD({ learningRate: 0 }),
        loss: "sparse_categorical_crossentropy",
        metrics: ["accuracy"],
        weightedMetrics: ["accuracy"],
      });
      return (
        await model.fit(x, st.tensor(labels, [8], "int32"), { epochs: 1, verbose: 0, ...opts })
      ).history;
    };
    const byClass = await fitOnce({ classWeight: cw });
    const bySample = await fitOnce({ sampleWeight: st.tensor(perSample) });
    close(byClass.loss![0]!, bySample.loss![0]!);
    close(byClass.weighted_accuracy![0]!, bySample.weighted_accuracy![0]!);
    const plain = await fitOnce({});
    close(byClass.accuracy![0]!, plain.accuracy![0]!);
    assert.notEqual(byClass.loss![0], plain.loss![0]);
  });

  it("classWeight reads one-hot targets by their argmax", async () => {
    const oneHot = st.utils.toCategorical(st.tensor([0, 1, 2, 1, 0, 2, 2, 1], [8], "int32"), 3);
    const run = async (opts: FitOptions) => {
      st.random.setSeed(3);
      const model = new Sequential([
        new layers.Dense(3, { activation: "softmax", inputShape: [3] }),
      ]);
      model.compile({
        optimizer: new st.optimizers.SGD({ learningRate: 0 }),
        loss: "categorical_crossentropy",
      });
      return (await model.fit(x, oneHot, { epochs: 1, verbose: 0, ...opts })).history.loss![0]!;
    };
    close(
      await run({ classWeight: { 1: 2, 2: 0 } }),
      await run({ sampleWeight: st.tensor([1, 2, 0, 2, 1, 0, 0, 2]) }),
    );
  });

  it("refuses classWeight with sample weights or with several outputs, as Keras does", async () => {
    const model = frozenLinear();
    await assert.rejects(
      model.fit(x, y, { classWeight: { 0: 1 }, sampleWeight: st.tensor(w), verbose: 0 }),
      /cannot give classWeight and sampleWeight at the same time/,
    );
    const input = st.Input({ shape: [3] });
    const two = new Model({
      inputs: input,
      outputs: [new layers.Dense(1).apply(input), new layers.Dense(1).apply(input)],
    });
    two.compile({ optimizer: "sgd", loss: ["mse", "mse"] });
    await assert.rejects(
      two.fit(x, [y, y], { classWeight: { 0: 1 }, verbose: 0 }),
      /classWeight is only supported for models with a single output; received 2 targets/,
    );
  });
});

describe("fit: epochs and steps", () => {
  const x = st.random.normal([10, 3], { seed: 9 });
  const y = st.random.normal([10, 1], { seed: 10 });

  it("initialEpoch resumes the count: epochs is the index to stop at", async () => {
    const model = frozenLinear();
    const begun: number[] = [];
    const h = await model.fit(x, y, {
      epochs: 5,
      initialEpoch: 3,
      batchSize: 5,
      verbose: 0,
      callbacks: [
        new st.callbacks.LambdaCallback({ onEpochBegin: (e: number) => void begun.push(e) }),
      ],
    });
    assert.deepEqual(begun, [3, 4]);
    assert.deepEqual(h.epoch, [3, 4]);
    assert.equal(model.history, h, "model.history is the latest fit's History, as in Keras");
    assert.equal(model.optimizer!.iterations, 4);
  });

  /** Trains on samples 0…n−1 in order, 2 per batch and 2 batches per epoch; what each step saw. */
  async function inOrder(n: number, epochs: number) {
    const model = new Recorder();
    model.compile({ optimizer: "sgd", loss: "mse" });
    const ids = st.tensor(Array.from({ length: n }, (_, i) => [i]));
    const h = await model.fit(ids, st.zeros([n, 1]), {
      epochs,
      batchSize: 2,
      stepsPerEpoch: 2,
      shuffle: false,
      verbose: 0,
    });
    return { seen: model.seen, epochs: h.epoch };
  }

  it("stepsPerEpoch takes each epoch's batches from a pass that carries on across epochs", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const run = await inOrder(10, 4);
    // Five batches in a pass: the third epoch gets the last one, warns as Keras does, and the
    // fourth starts a new pass.
    assert.deepEqual(run.seen, [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
      [0, 1],
      [2, 3],
    ]);
    assert.deepEqual(run.epochs, [0, 1, 2, 3]);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /Your input ran out of data/);
  });

  it("stepsPerEpoch starts a new pass quietly when the last one ended with an epoch", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const run = await inOrder(8, 3);
    assert.deepEqual(run.seen, [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [0, 1],
      [2, 3],
    ]);
    assert.equal(warn.mock.callCount(), 0);
  });

  it("stepsPerEpoch lets an endless generator feed every epoch", async () => {
    const model = frozenLinear();
    let drawn = 0;
    async function* endless() {
      for (;;) {
        drawn++;
        yield [rows(x, 0, 4), rows(y, 0, 4)];
      }
    }
    await model.fit(endless(), { epochs: 3, stepsPerEpoch: 2, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 6);
    assert.equal(drawn, 6);
  });

  it("an endless source that declares its length (Keras's PyDataset len) gives each epoch that many batches", async () => {
    const model = frozenLinear();
    let drawn = 0;
    const iterator = {
      length: 3,
      cardinality: () => -1,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          drawn++;
          yield [rows(x, 0, 4), rows(y, 0, 4)];
        }
      },
    };
    await model.fit(iterator, { epochs: 2, verbose: 0, validationData: iterator });
    assert.equal(model.optimizer!.iterations, 6);
    // 3 training and 3 validation batches per epoch, and not one batch more.
    assert.equal(drawn, 12);
    drawn = 0;
    await model.evaluate(iterator, { verbose: 0 });
    assert.equal(drawn, 3);
  });

  it("refuses an endless dataset without steps, as Keras does", async () => {
    const model = frozenLinear();
    const endless = st.data.Dataset.fromTensorSlices([x, y]).batch(4).repeat();
    await assert.rejects(
      model.fit(endless, { epochs: 1, verbose: 0 }),
      /fit: the dataset repeats forever .*give stepsPerEpoch/,
    );
    await assert.rejects(model.evaluate(endless, { verbose: 0 }), /evaluate: .*give steps/);
    await model.fit(endless, { epochs: 1, stepsPerEpoch: 2, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 2);
  });

  it("stops, with Keras's warning, when a one-shot generator is used up", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const model = frozenLinear();
    function* once() {
      for (let i = 0; i < 10; i += 5) yield [rows(x, i, i + 5), rows(y, i, i + 5)];
    }
    const h = await model.fit(once(), { epochs: 3, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 2);
    assert.deepEqual(h.epoch, [0]);
    assert.equal(warn.mock.callCount(), 1);
  });

  it("trains from a dataset of [x, y] batches, with options second", async () => {
    const model = frozenLinear();
    const batches = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 10; i += 4)
          yield [rows(x, i, Math.min(i + 4, 10)), rows(y, i, Math.min(i + 4, 10))];
      },
    };
    const h = await model.fit(batches, { epochs: 2, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 6);
    close(h.history.loss![1]!, mean((await errors(model, x, y)).squared));
    await assert.rejects(
      model.fit(batches, y as never, { verbose: 0 }),
      /y must not be given when x is a dataset/,
    );
  });
});

describe("fit: output and the event loop", () => {
  async function printed(verbose: 1 | 2): Promise<string> {
    const model = frozenLinear(["mae"]);
    const x = st.random.normal([10, 3], { seed: 1 });
    const y = st.random.normal([10, 1], { seed: 2 });
    const chunks: string[] = [];
    const progbar = new st.callbacks.ProgbarLogger((text) => void chunks.push(text), false);
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose, callbacks: [progbar] });
    return chunks.join("");
  }

  it("verbose: 1 prints Keras's progress bar, once per epoch off a terminal", async () => {
    // A ProgbarLogger given as a callback replaces fit's own, as in Keras; this one writes here.
    const lines = (await printed(1)).trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[0], "Epoch 1/2");
    assert.match(
      lines[1]!,
      /^3\/3 ━{20} \d+s \d+(us|ms)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$/,
    );
    assert.equal(lines[2], "Epoch 2/2");
  });

  it("verbose: 2 prints one line per epoch", async () => {
    const lines = (await printed(2)).trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.match(
      lines[3]!,
      /^3\/3 - \d+s - \d+(us|ms)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$/,
    );
  });

  it("evaluate and predict print one bar for their run, as Keras does by default", async () => {
    const model = frozenLinear(["mae"]);
    const x = st.random.normal([10, 3], { seed: 1 });
    const chunks: string[] = [];
    const progbar = () => new st.callbacks.ProgbarLogger((text) => void chunks.push(text), false);
    await model.evaluate(x, st.zeros([10, 1]), { batchSize: 4, callbacks: [progbar()] });
    await model.predict(x, { batchSize: 4, callbacks: [progbar()] });
    await model.predict(x, { batchSize: 4, verbose: 0, callbacks: [progbar()] });
    const lines = chunks.join("").trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^3\/3 ━{20} \d+s \d+(us|ms)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$/,
    );
    assert.match(lines[1]!, /^3\/3 ━{20} \d+s \d+(us|ms)\/step$/);
  });

  it("lets timers run between batches", async () => {
    const model = frozenLinear();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const steps: number[] = [];
    try {
      await model.fit(st.random.normal([40, 3]), st.random.normal([40, 1]), {
        epochs: 1,
        batchSize: 4,
        verbose: 0,
        callbacks: [
          new st.callbacks.LambdaCallback({ onTrainBatchEnd: () => void steps.push(ticks) }),
        ],
      });
    } finally {
      clearInterval(timer);
    }
    assert.equal(steps.length, 10);
    assert.ok(
      steps[steps.length - 1]! > steps[0]!,
      `the timer fired during fit: ${steps.join(",")}`,
    );
  });
});

describe("fit, evaluate, predict: bad options", () => {
  it("name the option, what it must be and what was received", async () => {
    const model = frozenLinear();
    const x = st.random.normal([10, 3], { seed: 1 });
    const y = st.random.normal([10, 1], { seed: 2 });
    const cases: [Promise<unknown>, RegExp][] = [
      [
        model.fit(x, y, { stepsPerEpoch: 0 }),
        /fit: stepsPerEpoch must be a positive integer; received 0/,
      ],
      [model.fit(x, y, { epochs: 1.5 }), /fit: epochs must be a positive integer; received 1\.5/],
      [model.fit(x, y, { validationFreq: 0 }), /fit: validationFreq must be a positive integer/],
      [
        model.fit(x, y, { validationSplit: -0.5 }),
        /fit: validationSplit must be in \[0, 1\); received -0\.5/,
      ],
      [
        model.fit(x, y, { initialEpoch: -1 }),
        /fit: initialEpoch must be an integer >= 0; received -1/,
      ],
      [model.fit(x, y, { verbose: 3 as never }), /fit: verbose must be 0, 1 or 2; received 3/],
      [
        model.fit(x, y, { classWeight: { 0: "a" } as never }),
        /fit: classWeight maps class indices to finite numbers; received 0: a/,
      ],
      [
        model.evaluate(x, y, { steps: 0 }),
        /evaluate: steps must be a positive integer; received 0/,
      ],
      [
        model.predict(x, { batchSize: -1 }),
        /predict: batchSize must be a positive integer; received -1/,
      ],
    ];
    for (const [run, message] of cases) await assert.rejects(run, message);
    assert.equal(model.optimizer!.iterations, 0, "nothing trained");
  });
});
