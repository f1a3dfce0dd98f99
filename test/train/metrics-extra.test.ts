// Keras 3.16's newer metrics (FBetaScore / F1Score, R2Score, the IoU family, the correlations and
// the constrained confusion metrics): Keras's docstring and unit-test values, float64 loops on
// random data, configs and identifiers, and compile / fit / evaluate with a .keras round trip.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as losses from "../../src/train/losses/index.js";
import * as M from "../../src/train/metrics/index.js";
import { assertClose, randn, randu } from "../helpers.js";

type AnyMetric = { updateState(...a: unknown[]): void; result(): st.Tensor };
const run = (m: AnyMetric, ...args: unknown[]): st.Tensor => {
  m.updateState(...args);
  return m.result();
};
const tol = { rtol: 1e-5, atol: 1e-6 };

describe("FBetaScore and F1Score", () => {
  const x3 = [
    [1, 1, 1],
    [1, 0, 0],
    [1, 1, 0],
  ];
  const p3 = [
    [0.2, 0.6, 0.7],
    [0.2, 0.6, 0.6],
    [0.6, 0.8, 0],
  ];
  it("gives Keras's docstring values", () => {
    assertClose(
      run(new M.FBetaScore({ beta: 2, threshold: 0.5 }), x3, p3),
      [0.3846154, 0.90909094, 0.8333334],
      tol,
    );
    assertClose(run(new M.F1Score({ threshold: 0.5 }), x3, p3), [0.5, 0.8, 0.6666667], tol);
  });
  it("gives Keras's unit-test values for every average", () => {
    const yt = [
      [0, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ];
    const yp = [
      [0.7, 0.7, 0.7],
      [1, 0, 0],
      [0.9, 0.8, 0],
    ];
    const cases: [M.FScoreAverage, number, number | number[]][] = [
      [null, 1, [0.8, 0.5, 0.6666667]],
      [null, 2, [0.9090904, 0.5, 0.555556]],
      ["micro", 0.5, 0.6666667],
      ["macro", 0.5, 0.6825397],
      ["macro", 2, 0.6548822],
      ["weighted", 1, 0.6555555],
    ];
    for (const [average, beta, want] of cases) {
      assertClose(run(new M.FBetaScore({ average, beta, threshold: 0.66 }), yt, yp), want, {
        atol: 1e-5,
      });
    }
    const t6 = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ];
    const p6 = [
      [0.9, 0.1, 0],
      [0.2, 0.6, 0.2],
      [0, 0, 1],
      [0.4, 0.3, 0.3],
      [0, 0.9, 0.1],
      [0, 0, 1],
    ];
    const weighted: [M.FScoreAverage, number, number[], number | number[]][] = [
      [null, 0.5, [1, 1, 1, 1, 1, 1], [0.909091, 0.555556, 1]],
      [null, 1, [0.5, 1, 1, 1, 0.5, 1], [0.857143, 0.8, 1]],
      [null, 2, [1, 0, 1, 1, 0, 1], [1, 0, 1]],
      ["micro", 1, [0.5, 1, 1, 1, 0.5, 1], 0.9],
      ["macro", 2, [0.5, 1, 1, 1, 0.5, 1], 0.899522],
      ["weighted", 0.5, [0.5, 1, 1, 1, 0.5, 1], 0.917857],
      ["weighted", 2, [1, 1, 1, 1, 1, 1], 0.829365],
    ];
    for (const [average, beta, w, want] of weighted) {
      assertClose(run(new M.FBetaScore({ average, beta }), t6, p6, w), want, { atol: 1e-5 });
    }
    assertClose(
      run(
        new M.FBetaScore({ threshold: 0.5 }),
        [
          [1, 1],
          [1, 0],
        ],
        [
          [0.2, 0.6],
          [0.2, 0.6],
        ],
        0.5,
      ),
      [0, 0.6666665],
      { atol: 1e-5 },
    );
    assertClose(
      run(
        new M.FBetaScore({ threshold: 0.5 }),
        [
          [1, 1],
          [1, 0],
        ],
        [
          [0.2, 0.6],
          [0.2, 0.6],
        ],
        [
          [0.5, 0.2],
          [0.3, 0.8],
        ],
      ),
      [0, 0.333333],
      { atol: 1e-5 },
    );
  });
  it("matches a float64 loop over two batches (macro, argmax)", () => {
    const t = st.ops.oneHot([0, 2, 1, 1, 0, 2, 2, 1], 3, -1, "float64");
    const p = randu([8, 3], 31, 0, 1);
    const m = new M.FBetaScore({ average: "macro", beta: 0.7, dtype: "float64" });
    m.updateState(st.ops.slice(t, [0, 0], [4, 3]), st.ops.slice(p, [0, 0], [4, 3]));
    m.updateState(st.ops.slice(t, [4, 0], [4, 3]), st.ops.slice(p, [4, 0], [4, 3]));
    const ts = t.toArray() as number[][];
    const ps = p.toArray() as number[][];
    const e = 1e-7;
    let macro = 0;
    for (let c = 0; c < 3; c++) {
      let tp = 0,
        fp = 0,
        fn = 0;
      ps.forEach((row, r) => {
        const pred = row[c] === Math.max(...row) ? 1 : 0;
        tp += pred * ts[r]![c]!;
        fp += pred * (1 - ts[r]![c]!);
        fn += (1 - pred) * ts[r]![c]!;
      });
      const pr = tp / (tp + fp + e),
        rc = tp / (tp + fn + e);
      macro += ((1 + 0.49) * pr * rc) / (0.49 * pr + rc + e) / 3;
    }
    assertClose(m.result(), macro, { rtol: 1e-12 });
  });
  it("refuses Keras's bad arguments and shapes; configs drop beta for F1Score", () => {
    assert.throws(() => new M.FBetaScore({ average: "wrong" as never }), /invalid average/);
    assert.throws(() => new M.FBetaScore({ beta: 0 }), /beta/);
    assert.throws(() => new M.FBetaScore({ threshold: 0 }), /0 < threshold <= 1/);
    assert.throws(() => new M.FBetaScore().updateState([1, 0], [0.5, 0.2]), /expects 2D inputs/);
    assert.deepEqual(new M.F1Score({ average: "micro", threshold: 0.4 }).getConfig(), {
      name: "f1_score",
      dtype: "float32",
      average: "micro",
      threshold: 0.4,
    });
  });
});

describe("R2Score", () => {
  it("gives Keras's docstring and unit-test values", () => {
    assertClose(run(new M.R2Score(), [[1], [4], [3]], [[2], [4], [4]]), 0.57142854, tol);
    const yt = [
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ];
    const sk = [
      [0.4, 0.5, 0.6],
      [0.1, 0.2, 0.3],
      [0.5, 0.8, 0.2],
    ];
    assertClose(run(new M.R2Score({ classAggregation: null }), yt, sk), [0.37, -1.295, 0.565], tol);
    assertClose(
      run(new M.R2Score({ classAggregation: null, numRegressors: 1 }), yt, sk),
      [-0.26, -3.59, 0.13],
      tol,
    );
    assertClose(run(new M.R2Score(), yt, sk), -0.12, tol);
    assertClose(
      run(new M.R2Score({ classAggregation: "variance_weighted_average" }), yt, sk),
      -0.12,
      tol,
    );
    const tfa = [
      [0.4, 0.9, 1.6],
      [0.1, 1.2, 0.6],
      [1.5, 0.8, 0.6],
    ];
    const w = [0.8, 0.1, 0.4];
    const cases: [M.R2Aggregation, number, number | number[]][] = [
      [null, 0, [0.17305559, -8.836666, -0.521]],
      [null, 1, [-0.65388882, -18.673332, -2.042]],
      [null, 2, [0.17305559, -8.836666, -0.521]],
      ["uniform_average", 1, -7.123073577880859],
      ["variance_weighted_average", 0, -1.3710224628448486],
      ["variance_weighted_average", 1, -3.742044448852539],
    ];
    for (const [classAggregation, numRegressors, want] of cases) {
      assertClose(run(new M.R2Score({ classAggregation, numRegressors }), yt, tfa, w), want, tol);
    }
  });
  it("matches a float64 loop over two batches", () => {
    const t = randn([10, 2], 41);
    const p = randn([10, 2], 42);
    const m = new M.R2Score({ dtype: "float64" });
    m.updateState(st.ops.slice(t, [0, 0], [6, 2]), st.ops.slice(p, [0, 0], [6, 2]));
    m.updateState(st.ops.slice(t, [6, 0], [4, 2]), st.ops.slice(p, [6, 0], [4, 2]));
    const ts = t.toArray() as number[][];
    const ps = p.toArray() as number[][];
    let r2 = 0;
    for (let j = 0; j < 2; j++) {
      const mu = ts.reduce((a, r) => a + r[j]!, 0) / 10;
      const ssTot = ts.reduce((a, r) => a + (r[j]! - mu) ** 2, 0);
      const ssRes = ts.reduce((a, r, i) => a + (r[j]! - ps[i]![j]!) ** 2, 0);
      r2 += (1 - ssRes / ssTot) / 2;
    }
    assertClose(m.result(), r2, { rtol: 1e-10 });
  });
  it("refuses Keras's bad arguments", () => {
    assert.throws(() => new M.R2Score({ classAggregation: "wrong" as never }), /class_aggregation/);
    assert.throws(() => new M.R2Score({ numRegressors: -1 }), /num_regressors/);
    assert.throws(() => new M.R2Score().updateState([0, 1], [0, 1]), /expects 2D inputs/);
  });
});

describe("IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU", () => {
  it("gives Keras's docstring values", () => {
    assertClose(
      run(new M.IoU({ numClasses: 2, targetClassIds: [0] }), [0, 0, 1, 1], [0, 1, 0, 1]),
      0.33333334,
      tol,
    );
    assertClose(run(new M.MeanIoU({ numClasses: 2 }), [0, 0, 1, 1], [0, 1, 0, 1]), 0.33333334, tol);
    assertClose(
      run(
        new M.MeanIoU({ numClasses: 2, dtype: "float32" }),
        [0, 0, 1, 1],
        [0, 1, 0, 1],
        [0.3, 0.3, 0.3, 0.1],
      ),
      0.23809525,
      tol,
    );
    const b = new M.BinaryIoU({ targetClassIds: [0, 1], threshold: 0.3, dtype: "float32" });
    assertClose(run(b, [0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7]), 0.33333334, tol);
    b.resetState();
    assertClose(run(b, [0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], [0.2, 0.3, 0.4, 0.1]), 0.17361112, tol);
    const oy = [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
    ];
    const op = [
      [0.2, 0.3, 0.5],
      [0.1, 0.2, 0.7],
      [0.5, 0.3, 0.1],
      [0.1, 0.4, 0.5],
    ];
    const w = [0.1, 0.2, 0.3, 0.4];
    assertClose(
      run(new M.OneHotIoU({ numClasses: 3, targetClassIds: [0, 2], dtype: "float32" }), oy, op, w),
      (0 + 0.1 / 0.7) / 2,
      tol,
    );
    assertClose(
      run(new M.OneHotMeanIoU({ numClasses: 3, dtype: "float32" }), oy, op, w),
      0.1 / 0.7 / 3,
      tol,
    );
  });
  it("leaves out ignoreClass and out-of-range labels (Keras's unit tests)", () => {
    const three = (1 / (1 + 1 - 1) + 1 / (2 + 1 - 1) + 0) / 3;
    assertClose(
      run(new M.MeanIoU({ numClasses: 3, ignoreClass: 255 }), [0, 1, 2, 255], [0, 1, 1, 1]),
      three,
      tol,
    );
    assertClose(
      run(new M.MeanIoU({ numClasses: 3, ignoreClass: -1 }), [0, 1, 2, -1], [0, 1, 1, 1]),
      three,
      tol,
    );
    assertClose(
      run(
        new M.MeanIoU({ numClasses: 2, ignoreClass: -1, dtype: "float32" }),
        [0, 0, 1, -1],
        [0, 1, 0, 1],
        [0.2, 0.3, 0.4, 0.1],
      ),
      (0.2 / (0.6 + 0.5 - 0.2) + 0) / 2,
      tol,
    );
    assertClose(
      run(
        new M.MeanIoU({ numClasses: 2, dtype: "float32" }),
        [
          [0, 0],
          [1, 1],
        ],
        [
          [0, 1],
          [0, 1],
        ],
        [
          [0.2, 0.3],
          [0.4, 0.1],
        ],
      ),
      (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2,
      tol,
    );
  });
  it("defaults to Keras's integer dtype: fractional sample weights truncate, as Keras casts them", () => {
    const m = new M.MeanIoU({ numClasses: 2 });
    assert.equal(m.getConfig().dtype, "int32");
    // weights [1.7, 2.2, 0.4, 1] count as [1, 2, 0, 1]: cm = [[1, 2], [0, 1]].
    assertClose(run(m, [0, 0, 1, 1], [0, 1, 0, 1], [1.7, 2.2, 0.4, 1]), (1 / 3 + 1 / 3) / 2, tol);
    assert.equal(m.result().dtype, "float32");
    assert.equal(new M.BinaryIoU().getConfig().dtype, "int32");
  });
  it("takes dense inputs with sparseYTrue / sparseYPred false along `axis`", () => {
    const t = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]; // [batch, classes, pixels]: axis 1
    const p = [
      [
        [0.9, 0.2],
        [0.1, 0.8],
      ],
      [
        [0.3, 0.6],
        [0.7, 0.4],
      ],
    ];
    const m = new M.MeanIoU({ numClasses: 2, sparseYTrue: false, sparseYPred: false, axis: 1 });
    // true ids [[0,1],[1,0]], predicted [[0,1],[1,0]] (0.3 < 0.7, 0.6 > 0.4): all right.
    assertClose(run(m, t, p), 1, tol);
  });
  it("round-trips Keras's config keys", () => {
    const cases: M.Metric[] = [
      new M.IoU({ numClasses: 3, targetClassIds: [1, 2], ignoreClass: 0, name: "iou" }),
      new M.MeanIoU({ numClasses: 4, sparseYPred: false }),
      new M.BinaryIoU({ targetClassIds: [1, 0], threshold: 0.1, name: "iou_class_1_0" }),
      new M.OneHotIoU({ numClasses: 3, targetClassIds: [1] }),
      new M.OneHotMeanIoU({ numClasses: 3 }),
    ];
    for (const m of cases) {
      const back = M.deserialize(JSON.parse(JSON.stringify(m.serialize())));
      assert.equal(back.constructor, m.constructor);
      assert.deepEqual(back.getConfig(), m.getConfig());
    }
    assert.deepEqual(Object.keys(cases[4]!.getConfig()).sort(), [
      "axis",
      "dtype",
      "ignore_class",
      "name",
      "num_classes",
      "sparse_y_pred",
    ]);
    assert.deepEqual(cases[2]!.getConfig(), {
      target_class_ids: [1, 0],
      threshold: 0.1,
      name: "iou_class_1_0",
      dtype: "int32",
    });
    assert.throws(
      () => new M.IoU({ numClasses: 2, targetClassIds: [2] }),
      /Target class id 2 is out of range/,
    );
  });
});

describe("PearsonCorrelation and ConcordanceCorrelation", () => {
  const yt = [
    [0, 1, 0.5],
    [1, 1, 0.2],
  ];
  const yp = [
    [0.1, 0.9, 0.5],
    [1, 0.9, 0.2],
  ];
  it("gives Keras's docstring values", () => {
    assertClose(M.pearsonCorrelation(yt, yp), [1, 0.99339927], tol);
    assertClose(M.concordanceCorrelation(yt, yp), [0.97560976, 0.98765432], tol);
    assertClose(run(new M.PearsonCorrelation(), yt, yp), 0.9966996338993913, tol);
    assertClose(run(new M.ConcordanceCorrelation(), yt, yp), 0.9816320385426076, tol);
  });
  it("matches float64 loops along axis 0", () => {
    const t = randn([6, 2], 51);
    const p = randn([6, 2], 52);
    const ts = t.toArray() as number[][];
    const ps = p.toArray() as number[][];
    const col = (a: number[][], j: number): number[] => a.map((r) => r[j]!);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const vr = (v: number[]): number => mean(v.map((x) => (x - mean(v)) ** 2));
    const pearson = [0, 1].map((j) => {
      const a = col(ts, j),
        b = col(ps, j);
      return mean(
        a.map(
          (x, i) => ((x - mean(a)) / Math.sqrt(vr(a))) * ((b[i]! - mean(b)) / Math.sqrt(vr(b))),
        ),
      );
    });
    const ccc = [0, 1].map((j) => {
      const a = col(ts, j),
        b = col(ps, j);
      const norm = vr(a) + vr(b) + (mean(a) - mean(b)) ** 2;
      return mean(a.map((x, i) => (2 * (x - mean(b)) * (b[i]! - mean(b))) / (norm + 1e-7)));
    });
    assertClose(M.pearsonCorrelation(t, p, 0), pearson, { rtol: 1e-10 });
    assertClose(M.concordanceCorrelation(t, p, 0), ccc, { rtol: 1e-10 });
    assert.deepEqual(new M.PearsonCorrelation({ axis: 0 }).getConfig(), {
      name: "pearson_correlation",
      dtype: "float32",
      axis: 0,
    });
  });
});

describe("SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision", () => {
  const a = [0, 0, 0, 1, 1];
  const b = [0, 0.3, 0.8, 0.3, 0.8];
  it("gives Keras's docstring values", () => {
    assertClose(run(new M.SensitivityAtSpecificity({ specificity: 0.5 }), a, b), 0.5, tol);
    assertClose(
      run(new M.SensitivityAtSpecificity({ specificity: 0.5 }), a, b, [1, 1, 2, 2, 1]),
      0.333333,
      tol,
    );
    assertClose(run(new M.SpecificityAtSensitivity({ sensitivity: 0.5 }), a, b), 0.66666667, tol);
    assertClose(
      run(new M.SpecificityAtSensitivity({ sensitivity: 0.5 }), a, b, [1, 1, 2, 2, 2]),
      0.5,
      tol,
    );
    assertClose(run(new M.PrecisionAtRecall({ recall: 0.5 }), a, b), 0.5, tol);
    assertClose(
      run(new M.PrecisionAtRecall({ recall: 0.5 }), a, b, [2, 2, 2, 1, 1]),
      0.33333333,
      tol,
    );
    assertClose(
      run(new M.RecallAtPrecision({ precision: 0.8 }), [0, 0, 1, 1], [0, 0.5, 0.3, 0.9]),
      0.5,
      tol,
    );
    assertClose(
      run(
        new M.RecallAtPrecision({ precision: 0.8 }),
        [0, 0, 1, 1],
        [0, 0.5, 0.3, 0.9],
        [1, 0, 0, 1],
      ),
      1,
      tol,
    );
  });
  it("matches a float64 loop over Keras's thresholds, with classId", () => {
    const p = randu([40, 2], 61, 0, 1);
    const labels = (p.toArray() as number[][]).map((r, i) => [
      i % 3 === 0 ? 1 : 0,
      r[1]! + 0.3 * Math.sin(i) > 0.5 ? 1 : 0,
    ]);
    const m = new M.SensitivityAtSpecificity({
      specificity: 0.7,
      numThresholds: 11,
      classId: 1,
      dtype: "float64",
    });
    m.updateState(labels, p);
    const ps = (p.toArray() as number[][]).map((r) => r[1]!);
    const ys = labels.map((r) => r[1]!);
    let best = 0;
    for (let k = 0; k <= 10; k++) {
      const thr = k / 10;
      let tp = 0,
        fn = 0,
        tn = 0,
        fp = 0;
      ps.forEach((v, i) => {
        const pos = v > thr;
        if (ys[i]) {
          if (pos) tp++;
          else fn++;
        } else if (pos) fp++;
        else tn++;
      });
      const spec = tn + fp ? tn / (tn + fp) : 0;
      if (spec >= 0.7) best = Math.max(best, tp + fn ? tp / (tp + fn) : 0);
    }
    assertClose(m.result(), best, { rtol: 1e-12 });
  });
  it("refuses out-of-range targets and keeps Keras's config keys", () => {
    assert.throws(
      () => new M.PrecisionAtRecall({ recall: 1.5 }),
      /recall must be in the range \[0, 1\]/,
    );
    assert.throws(
      () => new M.RecallAtPrecision({ precision: 0.5, numThresholds: 0 }),
      /num_thresholds/,
    );
    const m = new M.RecallAtPrecision({ precision: 0.7, numThresholds: 50, classId: 2 });
    assert.deepEqual(m.getConfig(), {
      name: "recall_at_precision",
      dtype: "float32",
      class_id: 2,
      num_thresholds: 50,
      precision: 0.7,
    });
    const back = M.deserialize(JSON.parse(JSON.stringify(m.serialize())));
    assert.deepEqual(back.getConfig(), m.getConfig());
  });
});

describe("the new metrics and losses in compile / fit / evaluate", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-metrics-extra-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("trains with CategoricalFocalCrossentropy and F1Score / MeanIoU, and survives a .keras round trip", async () => {
    st.random.setSeed(5);
    const model = new st.Sequential([
      st.Input({ shape: [4] }),
      new st.layers.Dense(3, { activation: "softmax" }),
    ]);
    model.compile({
      optimizer: "adam",
      loss: new losses.CategoricalFocalCrossentropy({ gamma: 1.5, alpha: 0.5 }),
      metrics: [
        new M.F1Score({ average: "macro" }),
        new M.OneHotMeanIoU({ numClasses: 3 }),
        "r2_score",
      ],
    });
    const x = st.random.normal([12, 4], { seed: 9 });
    const y = st.ops.oneHot([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 3);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 6, verbose: 0 });
    assert.ok(Object.keys(history.history).includes("f1_score"));
    assert.ok(Object.keys(history.history).includes("one_hot_mean_io_u"));
    const logs = (await model.evaluate(x, y, { verbose: 0 })) as Record<string, number>;
    // The evaluated F1 and IoU equal fresh metrics over the same predictions.
    const pred = (await model.predict(x, { verbose: 0 })) as st.Tensor;
    assertClose(logs.f1_score!, run(new M.F1Score({ average: "macro" }), y, pred), { rtol: 1e-5 });
    assertClose(logs.one_hot_mean_io_u!, run(new M.OneHotMeanIoU({ numClasses: 3 }), y, pred), {
      rtol: 1e-5,
    });
    assertClose(
      logs.loss!,
      new losses.CategoricalFocalCrossentropy({ gamma: 1.5, alpha: 0.5 }).apply(y, pred),
      { rtol: 1e-5 },
    );
    const path = join(dir, "m.keras");
    await st.saving.saveModel(model, path);
    const loaded = await st.saving.loadModel(path);
    const again = (await loaded.evaluate(x, y, { verbose: 0 })) as Record<string, number>;
    for (const k of ["loss", "f1_score", "one_hot_mean_io_u", "r2_score"])
      assertClose(again[k]!, logs[k]!, { rtol: 1e-5 });
    const config = loaded.getCompileConfig() as {
      loss: { class_name: string; config: Record<string, unknown> };
    };
    assert.equal(config.loss.class_name, "CategoricalFocalCrossentropy");
    assert.equal(config.loss.config.gamma, 1.5);
  });
});

describe("the new metrics' string identifiers", () => {
  it("resolves Keras's snake_case names and class names; those needing arguments say so", () => {
    const byName: [string, new (o: never) => M.Metric][] = [
      ["f1_score", M.F1Score],
      ["f_beta_score", M.FBetaScore], // Keras's to_snake_case("FBetaScore")
      ["r2_score", M.R2Score],
      ["pearson_correlation", M.PearsonCorrelation],
      ["concordance_correlation", M.ConcordanceCorrelation],
      ["F1Score", M.F1Score],
      ["R2Score", M.R2Score],
    ];
    for (const [s, cls] of byName) assert.ok(M.getMetric(s) instanceof cls, s);
    assert.throws(() => M.getMetric("mean_io_u"), /num_classes/);
    assert.throws(() => M.getMetric("PrecisionAtRecall"), /recall must be in the range/);
  });
});
