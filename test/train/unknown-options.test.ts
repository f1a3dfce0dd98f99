/**
 * Keras raises on an unknown keyword argument. To fit / evaluate / predict: at once (a misspelt
 * `epoch` must not train one epoch). To a loss or a metric: Strata checks the built-in classes
 * at first use (Loss.apply, the first updateState) against their config keys. Configs (which
 * may carry keys Keras ignores) and user subclasses are not checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { losses, metrics } = st;
const opts = (o: Record<string, unknown>) => o as never;
const y = st.tensor([[1, 0]]);
const p = st.tensor([[0.7, 0.3]]);

describe("unknown loss and metric options", () => {
  it("a misspelt loss option names the closest valid one at the first call", () => {
    const l = new losses.CategoricalCrossentropy(opts({ fromLogit: true }));
    assert.throws(
      () => l.apply(y, p),
      /CategoricalCrossentropy: unknown option fromLogit; did you mean fromLogits\?/,
    );
    assert.throws(
      () => new losses.MeanSquaredError(opts({ reductin: "sum" })).apply(y, p),
      /unknown option reductin; did you mean reduction\?/,
    );
  });

  it("a misspelt metric option, and an option the metric does not have (Keras's accuracy has no ignoreClass)", () => {
    const auc = new metrics.AUC(opts({ numThreshold: 3 }));
    assert.throws(
      () => auc.updateState(st.tensor([1, 0]), st.tensor([0.8, 0.4])),
      /AUC: unknown option numThreshold; did you mean numThresholds\?/,
    );
    const acc = new metrics.SparseCategoricalAccuracy(opts({ ignoreClass: 0 }));
    assert.throws(
      () => acc.updateState(st.tensor([1]), st.tensor([[0.2, 0.8]])),
      /unknown option ignoreClass/,
    );
  });

  it("valid options pass, and the values are unchanged (hand references)", () => {
    // -(0.95·ln 0.7 + 0.05·ln 0.3)
    const cce = new losses.CategoricalCrossentropy({ labelSmoothing: 0.1, axis: -1 });
    const want = -(0.95 * Math.log(0.7) + 0.05 * Math.log(0.3));
    assert.ok(Math.abs(Number(cce.apply(y, p).item()) - want) < 1e-6);
    const f1 = new metrics.F1Score({ average: "micro", threshold: 0.5 });
    f1.updateState(st.tensor([[1, 0]]), st.tensor([[0.6, 0.7]]));
    assert.ok(Math.abs(Number(f1.result().item()) - 2 / 3) < 1e-6);
    const iou = new metrics.MeanIoU({ numClasses: 2, ignoreClass: 0 });
    iou.updateState(st.tensor([0, 0, 1, 1]), st.tensor([0, 1, 0, 1]));
    assert.ok(Math.abs(Number(iou.result().item()) - 0.25) < 1e-6);
  });

  it("configs with extra keys still deserialize", () => {
    const l = losses.deserialize({
      module: "keras.losses",
      class_name: "MeanSquaredError",
      config: { name: "mse", reduction: "sum", fn: "mean_squared_error" },
      registered_name: null,
    });
    assert.equal(Number(l.apply(st.tensor([[0]]), st.tensor([[2]])).item()), 4);
    const m = metrics.deserialize({
      module: "keras.metrics",
      class_name: "MeanAbsoluteError",
      config: { name: "mae", dtype: "float32", fn: "mean_absolute_error" },
      registered_name: null,
    });
    m.updateState(st.tensor([[0]]), st.tensor([[3]]));
    assert.equal(Number(m.result().item()), 3);
  });
});

describe("fit, evaluate and predict options", () => {
  function model(): st.Model {
    const input = st.Input({ shape: [2] });
    const m = new st.Model(input, new st.layers.Dense(1).apply(input));
    m.compile({ optimizer: "sgd", loss: "mse" });
    return m;
  }
  const x = st.ones([4, 2]);
  const yy = st.ones([4, 1]);

  it("a misspelt option is an error naming the closest valid one, before any training", async () => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    await assert.rejects(
      m.fit(x, yy, opts({ epoch: 5, verbose: 0 })),
      /fit: unknown option epoch; did you mean epochs\?/,
    );
    assert.deepEqual(
      m.getWeights().map((w) => Array.from(w.dataSync())),
      before,
    );
    await assert.rejects(
      m.evaluate(x, yy, opts({ batchsize: 2, verbose: 0 })),
      /evaluate: unknown option batchsize; did you mean batchSize\?/,
    );
    await assert.rejects(
      m.predict(x, opts({ verbos: 0 })),
      /predict: unknown option verbos; did you mean verbose\?/,
    );
  });

  it("Sequential's own options are checked too", () => {
    assert.throws(
      () => new st.Sequential([], opts({ nmae: "s" })),
      /Sequential: unknown option nmae; did you mean name\?/,
    );
  });

  it("evaluate accepts Keras's returnDict: true (the logs are always by name)", async () => {
    const logs = await model().evaluate(x, yy, { returnDict: true, verbose: 0 });
    assert.deepEqual(Object.keys(logs), ["loss"]);
    await assert.rejects(
      model().evaluate(x, yy, opts({ returnDict: false, verbose: 0 })),
      /always returned by name/,
    );
  });
});
