import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as losses from "../../src/train/losses/index.js";
import * as metrics from "../../src/train/metrics/index.js";
import { assertClose, randn, randu } from "../helpers.js";

const value = (m: metrics.Metric): number => Number(m.result().item());
const wmean = (v: number[], w: number[]): number =>
  v.reduce((s, x, i) => s + x * w[i]!, 0) / w.reduce((s, x) => s + x, 0);

describe("Mean and Sum", () => {
  it("accumulate weighted values across updates", () => {
    const m = new metrics.Mean();
    assert.equal(value(m), 0);
    m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    m.updateState([2, 4], [0.5, 1.5]);
    m.updateState(10);
    assertClose(m.result(), (1 + 3 + 1 + 6 + 10) / (2 + 2 + 1));
    m.resetState();
    assert.equal(value(m), 0);
    m.updateState([1, 3, 5, 7]);
    assertClose(m.result(), 4);
    const s = new metrics.Sum();
    s.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    s.updateState([
      [1, 2],
      [3, 4],
    ]);
    assertClose(s.result(), 4 + 10);
    assert.deepEqual(s.getConfig(), { name: "sum", dtype: "float32" });
  });

  it("reduce [batch, …] values to one value per sample before weighting", () => {
    const m = new metrics.Mean({ dtype: "float64" });
    // Per-sample means 2 and 6, weighted 1 and 3.
    m.updateState(
      [
        [1, 3],
        [5, 7],
      ],
      [1, 3],
    );
    assertClose(m.result(), (2 + 18) / 4);
    // Weights of the values' own shape (Keras): Σ_rows mean(w·v) / Σ_rows mean(w).
    m.resetState();
    m.updateState(
      [
        [1, 3],
        [5, 7],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    );
    assertClose(m.result(), (0.5 + 6) / (0.5 + 1));
  });

  it("wraps a per-sample function (MeanMetricWrapper), named after it", () => {
    function squaredGap(yTrue: st.Tensor, yPred: st.Tensor): st.Tensor {
      return st.ops.mean(st.ops.square(st.ops.subtract(yTrue, yPred)), -1);
    }
    const m = new metrics.MeanMetricWrapper(squaredGap);
    assert.equal(m.name, "squared_gap");
    m.updateState(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [1, 1],
        [1, 3],
      ],
      [2, 1],
    );
    m.updateState([[0, 0]], [[3, 3]]);
    assertClose(m.result(), (2 * 1 + 1 * 2 + 9) / 4);
  });

  it("updates outside the gradient tape", () => {
    const m = new metrics.MeanSquaredError();
    const p = st.tensor([[1, 2]], undefined, "float64");
    const g = st.grad((x: st.Tensor) => {
      m.updateState([[0, 0]], x);
      return st.ops.add(st.ops.sum(x), m.result());
    })(p);
    assertClose(g, [[1, 1]]);
    assertClose(m.result(), 2.5);
  });
});

describe("accuracy metrics", () => {
  it("Accuracy compares exactly", () => {
    const m = new metrics.Accuracy();
    m.updateState([[1], [2], [3], [4]], [[0], [2], [3], [4]]);
    m.updateState([[1], [2]], [[1], [0]], [3, 1]);
    assertClose(m.result(), (3 + 3) / (4 + 4));
    assert.equal(m.direction, "up");
  });

  it("BinaryAccuracy thresholds y_pred; labels [batch] meet y_pred [batch, 1]", () => {
    const m = new metrics.BinaryAccuracy();
    m.updateState([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1]);
    assertClose(m.result(), 0.5);
    m.updateState([1, 0], [[0.7], [0.2]], [2, 2]);
    assertClose(m.result(), (1 + 4) / (2 + 4));
    const t = new metrics.BinaryAccuracy({ threshold: 0.7 });
    t.updateState(
      [
        [1, 0],
        [1, 1],
      ],
      [
        [0.7, 0.1],
        [0.9, 0.75],
      ],
    );
    assertClose(t.result(), (0.5 + 1) / 2);
  });

  it("CategoricalAccuracy and SparseCategoricalAccuracy take argmax of y_pred", () => {
    const yp = [
      [0.1, 0.6, 0.3],
      [0.05, 0.95, 0],
      [0.7, 0.2, 0.1],
    ];
    const c = new metrics.CategoricalAccuracy();
    c.updateState(
      [
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ],
      yp,
      [0.7, 0.3, 1],
    );
    c.updateState([[0, 1, 0]], [[0.2, 0.5, 0.3]]);
    assertClose(c.result(), (0.3 + 1 + 1) / 3);
    for (const labels of [
      st.tensor([2, 1, 0], undefined, "int32"),
      st.tensor([[2], [1], [0]]),
      [2, 1, 0],
    ]) {
      const s = new metrics.SparseCategoricalAccuracy();
      s.updateState(labels, yp, [0.7, 0.3, 1]);
      s.updateState([1], [[0.2, 0.5, 0.3]]);
      assertClose(s.result(), (0.3 + 1 + 1) / 3);
    }
  });

  it("top-k accuracies count ties at the k-th score as hits", () => {
    const yp = [
      [0.1, 0.5, 0.4],
      [0.3, 0.3, 0.4],
      [0.6, 0.3, 0.1],
    ];
    const s = new metrics.SparseTopKCategoricalAccuracy({ k: 2 });
    s.updateState([0, 1, 2], yp, [1, 2, 3]);
    // Row 0: 0.1 is third (miss); row 1: 0.3 ties the 2nd score (hit); row 2: 0.1 is third (miss).
    assertClose(s.result(), 2 / 6);
    const c = new metrics.TopKCategoricalAccuracy({ k: 1 });
    c.updateState(
      [
        [0, 0, 1],
        [0, 1, 0],
      ],
      [
        [0.1, 0.9, 0.8],
        [0.05, 0.95, 0],
      ],
      [0.7, 0.3],
    );
    assertClose(c.result(), 0.3);
    assert.deepEqual(c.getConfig(), { name: "top_k_categorical_accuracy", dtype: "float32", k: 1 });
    assert.equal(new metrics.TopKCategoricalAccuracy().k, 5);
  });
});

describe("regression and probabilistic metrics", () => {
  const yt1 = randn([4, 3], 11);
  const yp1 = randn([4, 3], 12);
  const yt2 = randn([2, 3], 13);
  const yp2 = randn([2, 3], 14);
  const w1 = [1, 0.5, 2, 0];
  const rowsOf = (t: st.Tensor): number[][] => t.toArray() as number[][];
  const perRow = (a: st.Tensor, b: st.Tensor, f: (x: number, y: number) => number): number[] =>
    rowsOf(a).map((r, i) => r.reduce((s, x, j) => s + f(x, rowsOf(b)[i]![j]!), 0) / r.length);

  it("MSE, MAE and RMSE are weighted means over every sample seen", () => {
    const sq = (x: number, y: number): number => (x - y) ** 2;
    const ab = (x: number, y: number): number => Math.abs(x - y);
    const weights = [...w1, 1, 1];
    const all = (f: typeof sq): number[] => [...perRow(yt1, yp1, f), ...perRow(yt2, yp2, f)];
    for (const [m, expected] of [
      [new metrics.MeanSquaredError({ dtype: "float64" }), wmean(all(sq), weights)],
      [new metrics.MeanAbsoluteError({ dtype: "float64" }), wmean(all(ab), weights)],
      [new metrics.RootMeanSquaredError({ dtype: "float64" }), Math.sqrt(wmean(all(sq), weights))],
    ] as const) {
      m.updateState(yt1, yp1, w1);
      m.updateState(yt2, yp2);
      assertClose(m.result(), expected, { rtol: 1e-12 });
      assert.equal(m.direction, "down");
    }
  });

  it("crossentropy metrics average the loss functions' per-sample values", () => {
    const p1 = randu([4, 3], 15, 0.05, 0.95);
    const oneHot = st.tensor(
      [
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
      undefined,
      "float64",
    );
    const expected = wmean(Array.from(losses.categoricalCrossentropy(oneHot, p1).dataSync()), w1);
    const c = new metrics.CategoricalCrossentropy({ dtype: "float64" });
    c.updateState(oneHot, p1, w1);
    assertClose(c.result(), expected, { rtol: 1e-12 });
    const s = new metrics.SparseCategoricalCrossentropy({ dtype: "float64" });
    s.updateState([1, 0, 2, 1], p1, w1);
    assertClose(s.result(), expected, { rtol: 1e-12 });
    const b = new metrics.BinaryCrossentropy({ fromLogits: true, dtype: "float64" });
    const logits = randn([4, 3], 16);
    b.updateState(oneHot, logits, w1);
    const bce = losses.binaryCrossentropy(oneHot, logits, { fromLogits: true });
    assertClose(b.result(), wmean(Array.from(bce.dataSync()), w1), { rtol: 1e-12 });
    assert.deepEqual(b.getConfig(), {
      name: "binary_crossentropy",
      dtype: "float64",
      from_logits: true,
      label_smoothing: 0,
    });
  });

  it("CosineSimilarity is positive for aligned vectors (Keras docs example)", () => {
    const m = new metrics.CosineSimilarity({ axis: 1 });
    m.updateState(
      [
        [0, 1],
        [1, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
      [0.3, 0.7],
    );
    assertClose(m.result(), 0.7, { rtol: 1e-6 });
    assert.equal(m.direction, "up");
  });
});

describe("getMetric", () => {
  const kind = (
    id: string,
    yTrue: (number | null)[],
    yPred: (number | null)[],
  ): [string, string] => {
    const m = metrics.getMetric(id, { yTrue, yPred })!;
    return [m.constructor.name, m.name];
  };

  it('resolves "accuracy"/"acc" from the shapes of y_true and y_pred, keeping the name', () => {
    assert.deepEqual(kind("accuracy", [null, 1], [null, 1]), ["BinaryAccuracy", "accuracy"]);
    assert.deepEqual(kind("accuracy", [null], [null, 1]), ["BinaryAccuracy", "accuracy"]);
    assert.deepEqual(kind("acc", [null], [null, 10]), ["SparseCategoricalAccuracy", "acc"]);
    assert.deepEqual(kind("accuracy", [32, 1], [32, 10]), [
      "SparseCategoricalAccuracy",
      "accuracy",
    ]);
    assert.deepEqual(kind("accuracy", [32, 10], [32, 10]), ["CategoricalAccuracy", "accuracy"]);
    assert.deepEqual(kind("Accuracy", [32, 5, 10], [32, 5, 10]), [
      "CategoricalAccuracy",
      "Accuracy",
    ]);
    assert.deepEqual(kind("ce", [null], [null, 4]), ["SparseCategoricalCrossentropy", "ce"]);
    const fromTensors = metrics.getMetric("accuracy", {
      yTrue: st.zeros([3]),
      yPred: st.zeros([3, 4]),
    })!;
    assert.ok(fromTensors instanceof metrics.SparseCategoricalAccuracy);
  });

  it("falls back to the loss without shapes, and says what it needs otherwise", () => {
    const m = metrics.getMetric("accuracy", { loss: "binary_crossentropy" })!;
    assert.ok(m instanceof metrics.BinaryAccuracy);
    const s = metrics.getMetric("accuracy", { loss: new losses.SparseCategoricalCrossentropy() })!;
    assert.ok(s instanceof metrics.SparseCategoricalAccuracy);
    assert.throws(() => metrics.getMetric("accuracy", { loss: "mse" }), {
      message: /pass \{ yTrue, yPred \}/,
    });
  });

  it("resolves Keras strings and class names, named by the string", () => {
    const table: [string, string][] = [
      ["mae", "MeanAbsoluteError"],
      ["mse", "MeanSquaredError"],
      ["mape", "MeanAbsolutePercentageError"],
      ["msle", "MeanSquaredLogarithmicError"],
      ["root_mean_squared_error", "RootMeanSquaredError"],
      ["binary_accuracy", "BinaryAccuracy"],
      ["categorical_accuracy", "CategoricalAccuracy"],
      ["sparse_categorical_accuracy", "SparseCategoricalAccuracy"],
      ["top_k_categorical_accuracy", "TopKCategoricalAccuracy"],
      ["sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy"],
      ["precision", "Precision"],
      ["recall", "Recall"],
      ["auc", "AUC"],
      ["AUC", "AUC"],
      ["kl_divergence", "KLDivergence"],
      ["binary_crossentropy", "BinaryCrossentropy"],
      ["bce", "BinaryCrossentropy"],
      ["cosine_similarity", "CosineSimilarity"],
      ["log_cosh_error", "LogCoshError"],
      ["mean", "Mean"],
    ];
    for (const [id, cls] of table) {
      const m = metrics.getMetric(id)!;
      assert.equal(m.constructor.name, cls, id);
      assert.equal(m.name, id);
    }
    assert.equal(metrics.getMetric(null), null);
    assert.throws(() => metrics.getMetric("rmse"), {
      name: "ValueError",
      message:
        /^getMetric: unknown metric "rmse"; expected one of accuracy, acc, .*root_mean_squared_error/,
    });
  });

  it("keeps Metric instances and wraps losses and functions", () => {
    const p = new metrics.Precision({ thresholds: 0.3 });
    assert.equal(metrics.getMetric(p), p);
    const fromLoss = metrics.getMetric(new losses.Huber())!;
    assert.equal(fromLoss.name, "huber_loss");
    fromLoss.updateState([[0], [0]], [[0.5], [3]]);
    assertClose(fromLoss.result(), (0.125 + 2.5) / 2);
    const fromFn = metrics.getMetric((t: st.Tensor, y: st.Tensor) => st.ops.subtract(y, t))!;
    assert.equal(fromFn.name, "mean_metric_wrapper");
  });

  it("round-trips configs through serialize / deserialize", () => {
    const made: metrics.Metric[] = [
      new metrics.BinaryAccuracy({ threshold: 0.3, name: "ba" }),
      new metrics.SparseTopKCategoricalAccuracy({ k: 3 }),
      new metrics.Precision({ thresholds: [0.2, 0.6], topK: 2, classId: 1 }),
      new metrics.Recall(),
      new metrics.AUC({ numThresholds: 50, curve: "PR", summationMethod: "minoring" }),
      new metrics.AUC({
        thresholds: [0.3, 0.6],
        multiLabel: true,
        numLabels: 2,
        labelWeights: [1, 2],
      }),
      new metrics.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      new metrics.Mean({ name: "loss", dtype: "float64" }),
    ];
    for (const m of made) {
      const back = metrics.deserialize(JSON.parse(JSON.stringify(metrics.serialize(m))) as never);
      assert.equal(back.constructor, m.constructor);
      assert.deepEqual(back.getConfig(), m.getConfig());
    }
    assert.deepEqual(new metrics.BinaryAccuracy().getConfig(), {
      name: "binary_accuracy",
      dtype: "float32",
      threshold: 0.5,
    });
  });

  it("rejects bad arguments", () => {
    // Keras 3.16 takes any numeric threshold (0 for logits); only a non-number is refused.
    assert.throws(() => new metrics.BinaryAccuracy({ threshold: "x" as never }), {
      message: "BinaryAccuracy: threshold must be a number; received threshold=x",
    });
    assert.throws(() => new metrics.TopKCategoricalAccuracy({ k: 0 }), { message: /k=0/ });
    assert.throws(() => new metrics.Mean({ dtype: "int32" }), { message: /dtype=int32/ });
    assert.throws(
      () =>
        new metrics.Mean().updateState(
          [
            [1, 2],
            [3, 4],
          ],
          [1, 2, 3],
        ),
      {
        name: "ShapeError",
        message: /mean: sample_weight of shape \[3\] does not match the values of shape \[2,2\]/,
      },
    );
  });
});
