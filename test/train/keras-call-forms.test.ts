// Keras code as people write it (issue 17): a positional learning rate, a SeedGenerator as the
// seed of a random op, and fit(x, {epochs}) without targets for a model with its own trainStep.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, Model, layers, ops, optimizers } from "../../src/index.js";

describe("optimizers take Keras's positional learning rate", () => {
  it("new Adam(1e-5) trains at 1e-5, with or without options after it", () => {
    const lr = (o: optimizers.Optimizer) => o.getConfig()["learning_rate"] as number;
    assert.ok(Math.abs(lr(new optimizers.Adam(1e-5)) - 1e-5) < 1e-12);
    const sgd = new optimizers.SGD(0.05, { momentum: 0.9 });
    assert.ok(Math.abs(lr(sgd) - 0.05) < 1e-9);
    assert.equal(sgd.momentum, 0.9);
    for (const make of [
      (r: number) => new optimizers.RMSprop(r),
      (r: number) => new optimizers.AdamW(r),
      (r: number) => new optimizers.Adagrad(r),
      (r: number) => new optimizers.Adadelta(r),
      (r: number) => new optimizers.Adamax(r),
      (r: number) => new optimizers.Nadam(r),
      (r: number) => new optimizers.Lion(r),
    ]) {
      assert.ok(Math.abs(lr(make(0.25)) - 0.25) < 1e-9);
    }
    assert.ok(Math.abs(lr(new optimizers.Adam({ learningRate: 0.002 })) - 0.002) < 1e-9);
  });

  it("a schedule positionally, and the rate given twice is an error", () => {
    const schedule = new optimizers.schedules.ExponentialDecay(0.1, 10, 0.5);
    const o = new optimizers.SGD(schedule);
    assert.equal(
      (o.getConfig()["learning_rate"] as { class_name: string }).class_name,
      "ExponentialDecay",
    );
    assert.throws(() => new optimizers.Adam(0.1, { learningRate: 0.2 }), /given twice/);
    assert.throws(
      () => new optimizers.Adam({}, { beta1: 0.5 } as never),
      /first argument is the learning rate/,
    );
  });

  it("one SGD step moves a weight by exactly lr × gradient", () => {
    const w = new st.Variable(st.tensor([1, 2]));
    new optimizers.SGD(0.5).apply([st.tensor([0.2, -0.4])], [w]);
    assert.deepEqual(
      [...w.value.dataSync()].map((v) => Math.round(v * 1e6) / 1e6),
      [0.9, 2.2],
    );
  });
});

describe("random ops take a SeedGenerator", () => {
  it("new numbers each call, the same sequence from the same seed", () => {
    const draw = (g: st.random.SeedGenerator) => [
      st.random.normal([3], { seed: g }).dataSync(),
      st.random.uniform([3], { seed: g }).dataSync(),
    ];
    const [a1, a2] = draw(new st.random.SeedGenerator(7));
    const [b1, b2] = draw(new st.random.SeedGenerator(7));
    assert.deepEqual(a1, b1);
    assert.deepEqual(a2, b2);
    const g = new st.random.SeedGenerator(7);
    const first = st.random.normal([3], { seed: g }).dataSync();
    const second = st.random.normal([3], { seed: g }).dataSync();
    assert.notDeepEqual(first, second);
    // A number seed stays a fixed draw.
    assert.deepEqual(
      st.random.normal([3], { seed: 5 }).dataSync(),
      st.random.normal([3], { seed: 5 }).dataSync(),
    );
    const masks = [0, 1].map(() =>
      st.random
        .dropout(st.ones([64]), 0.5, { seed: g })
        .dataSync()
        .join(),
    );
    assert.notEqual(masks[0], masks[1]);
  });
});

describe("fit(x, options) without y", () => {
  it("trains a model with its own trainStep, as Keras's VAE guide calls it", async () => {
    const seen: number[][] = [];
    class Autoencoder extends Model {
      override trainStep(data: st.StepData): st.StepLogs {
        // Without targets, data is x itself (Keras's VAE guide: encoder(data)).
        assert.ok(data instanceof st.Tensor);
        seen.push(data.shape as number[]);
        return { loss: st.tensor(0) };
      }
    }
    const inputs = Input({ shape: [4] });
    const model = new Autoencoder({ inputs, outputs: new layers.Dense(4).apply(inputs) });
    // Eagerly: a compiled step runs its JavaScript (the push) only while it is traced.
    model.compile({ optimizer: "sgd", loss: "mse", runEagerly: true });
    const history = await model.fit(st.ones([10, 4]), { epochs: 2, batchSize: 5, verbose: 0 });
    assert.equal(seen.length, 4);
    assert.deepEqual(seen[0], [5, 4]);
    assert.deepEqual(history.history["loss"], [0, 0]);
  });

  it("the built-in trainStep still asks for targets", async () => {
    const inputs = Input({ shape: [2] });
    const model = new Model(inputs, new layers.Dense(1).apply(inputs));
    model.compile({ optimizer: "sgd", loss: "mse" });
    await assert.rejects(model.fit(st.ones([4, 2]), { epochs: 1, verbose: 0 }), /needs targets y/);
  });
});

describe("unknown options are errors naming the closest valid one", () => {
  it("compile and callbacks", () => {
    const inputs = Input({ shape: [2] });
    const model = new Model(inputs, new layers.Dense(1).apply(inputs));
    assert.throws(
      () => model.compile({ optimizer: "sgd", loss: "mse", metric: ["mae"] } as never),
      /compile: unknown option metric; did you mean metrics\?/,
    );
    model.compile({ optimizer: "sgd", loss: "mse", jitCompile: false, runEagerly: true });
    assert.throws(
      () => new st.callbacks.EarlyStopping({ patienc: 3 } as never),
      /EarlyStopping: unknown option patienc; did you mean patience\?/,
    );
    assert.throws(
      () => new st.callbacks.ReduceLROnPlateau({ min_lr: 0.1 } as never),
      /unknown option min_lr; did you mean minLr\?/,
    );
    assert.throws(
      () => new st.callbacks.ModelCheckpoint("m.keras", { saveBest: true } as never),
      /unknown option saveBest.*expected one of monitor/,
    );
  });
});

describe("trainStep and testStep receive data as Keras passes it", () => {
  it("[x, y] and [x, y, sampleWeight]; tensors in the returned logs become numbers", async () => {
    const got: string[] = [];
    class Custom extends Model {
      override trainStep(data: st.StepData): st.StepLogs {
        const [x, y, sw] = st.utils.unpackXYSampleWeight(data) as [
          st.Tensor,
          st.Tensor,
          st.Tensor | null,
        ];
        got.push(`${x.shape} ${y.shape} ${sw === null ? "none" : sw.shape}`);
        return { ...super.trainStep(data), mean_x: ops.mean(x) };
      }
    }
    const inputs = Input({ shape: [2] });
    const model = new Custom(inputs, new layers.Dense(1).apply(inputs));
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.tensor([
      [1, 1],
      [3, 3],
    ]);
    const y = st.tensor([[0], [1]]);
    const h = await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    assert.deepEqual(h.history["mean_x"], [2]);
    await model.fit(x, y, { epochs: 1, batchSize: 2, sampleWeight: st.tensor([1, 0]), verbose: 0 });
    assert.deepEqual(got, ["2,2 2,1 none", "2,2 2,1 2"]);
    const [dx, dy] = (() => {
      let seen: st.StepData = [];
      class Spy extends Model {
        override testStep(data: st.StepData): st.StepLogs {
          seen = data;
          return super.testStep(data);
        }
      }
      const spy = new Spy(inputs, model.output);
      spy.compile({ loss: "mse" });
      spy.testOnBatch(x, y);
      return seen as [st.Tensor, st.Tensor];
    })();
    assert.deepEqual(
      [dx.shape, dy.shape],
      [
        [2, 2],
        [2, 1],
      ],
    );
  });

  it("unpackXYSampleWeight reads x, [x], [x, y] and [x, y, w] as Keras does", () => {
    const t = st.ones([1]);
    assert.deepEqual(st.utils.unpackXYSampleWeight(t), [t, null, null]);
    assert.deepEqual(st.utils.unpackXYSampleWeight([t]), [t, null, null]);
    assert.deepEqual(st.utils.unpackXYSampleWeight([t, t]), [t, t, null]);
    assert.equal(st.utils.unpackXYSampleWeight([t, t, t])[2], t);
    assert.throws(() => st.utils.unpackXYSampleWeight([t, t, t, t]), /array of 4/);
  });
});

describe("computeLoss", () => {
  it("is the compiled loss plus the layers' added losses, as in Keras's custom training guide", async () => {
    const inputs = Input({ shape: [2] });
    const dense = new layers.Dense(1, {
      kernelInitializer: "ones",
      kernelRegularizer: new st.regularizers.L2(0.5),
    });
    const model = new Model(inputs, dense.apply(inputs));
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.tensor([[1, 2]]);
    const yPred = model.apply(x) as st.Tensor; // 1 + 2 = 3
    const loss = model.computeLoss({ x, y: st.tensor([[1]]), yPred });
    // (3 − 1)² + 0.5 · (1² + 1²)
    assert.ok(Math.abs((loss.item() as number) - 5) < 1e-6);
    assert.throws(
      () => model.computeLoss({ y: yPred, ypred: yPred } as never),
      /unknown option ypred/,
    );
  });
});

describe("fit and evaluate without y, with any options", () => {
  it("type-check and run for models with their own steps", async () => {
    let tested = 0;
    class Own extends Model {
      override trainStep(): st.StepLogs {
        return { loss: 1 };
      }
      override testStep(data: st.StepData): st.StepLogs {
        tested += (data as st.Tensor).shape[0]!;
        return { loss: 2 };
      }
    }
    const inputs = Input({ shape: [3] });
    const model = new Own(inputs, new layers.Dense(1).apply(inputs));
    model.compile({ optimizer: "sgd" });
    const history = new st.callbacks.History();
    await model.fit(st.ones([8, 3]), { epochs: 1, batchSize: 4, verbose: 0, callbacks: [history] });
    assert.deepEqual(history.history["loss"], [1]);
    await model.evaluate(st.ones([6, 3]), { batchSize: 3, verbose: 0 });
    assert.equal(tested, 6);
  });
});
