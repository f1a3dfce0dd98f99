import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as metrics from "../../src/train/metrics/index.js";
import { assertClose, randu } from "../helpers.js";

/** Weighted confusion counts at each threshold, by the definition: predicted positive when p > t. */
function counts(labels: number[], preds: number[], weights: number[], thresholds: number[]) {
  return thresholds.map((t) => {
    const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
    preds.forEach((p, i) => {
      const w = weights[i]!;
      const pos = p > t;
      if (labels[i]) {
        if (pos) c.tp += w;
        else c.fn += w;
      } else if (pos) c.fp += w;
      else c.tn += w;
    });
    return c;
  });
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Keras's AUC thresholds: −ε, (i+1)/(n−1) for i < n−2, 1+ε. */
function aucThresholds(n: number): number[] {
  return [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7];
}

/** Trapezoidal ROC AUC from the counts (Keras's "interpolation" summation). */
function rocAuc(labels: number[], preds: number[], weights: number[], n: number): number {
  const c = counts(labels, preds, weights, aucThresholds(n));
  const tpr = c.map((k) => ratio(k.tp, k.tp + k.fn));
  const fpr = c.map((k) => ratio(k.fp, k.fp + k.tn));
  let area = 0;
  for (let i = 0; i < n - 1; i++) area += (fpr[i]! - fpr[i + 1]!) * ((tpr[i]! + tpr[i + 1]!) / 2);
  return area;
}

const labels = Array.from(randu([40], 21, 0, 1).dataSync(), (v) => (v > 0.55 ? 1 : 0));
const preds = Array.from(randu([40], 22, 0, 1).dataSync(), (p, i) =>
  Math.min(1, Math.max(0, p * 0.7 + labels[i]! * 0.3)),
);
const weights = Array.from(randu([40], 23, 0, 2).dataSync());

describe("Precision and Recall", () => {
  it("match the definition at several thresholds over several weighted batches", () => {
    for (const thresholds of [
      [0.3, 0.5, 0.8],
      [0, 0.5, 1],
      [0, 0.25, 0.5, 0.75, 1],
    ]) {
      const p = new metrics.Precision({ thresholds });
      const r = new metrics.Recall({ thresholds });
      for (const [a, b] of [
        [0, 15],
        [15, 40],
      ] as const) {
        p.updateState(labels.slice(a, b), preds.slice(a, b), weights.slice(a, b));
        r.updateState(labels.slice(a, b), preds.slice(a, b), weights.slice(a, b));
      }
      const c = counts(labels, preds, weights, thresholds);
      assertClose(
        p.result(),
        c.map((k) => ratio(k.tp, k.tp + k.fp)),
        { rtol: 1e-5 },
      );
      assertClose(
        r.result(),
        c.map((k) => ratio(k.tp, k.tp + k.fn)),
        { rtol: 1e-5 },
      );
    }
  });

  it("use threshold 0.5 by default and give a scalar (Keras docs examples)", () => {
    const p = new metrics.Precision();
    p.updateState([0, 1, 1, 1], [1, 0, 1, 1]);
    assert.deepEqual(p.result().shape, []);
    assertClose(p.result(), 2 / 3);
    p.resetState();
    p.updateState([0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]);
    assertClose(p.result(), 1);
    const r = new metrics.Recall();
    r.updateState([0, 1, 1, 1], [1, 0, 1, 1]);
    r.updateState([[1], [0]], [[0.2], [0.9]]);
    assertClose(r.result(), 2 / 4);
    assert.equal(new metrics.Recall().result().item(), 0);
  });

  it("support top_k and class_id", () => {
    const yt = [
      [0, 0, 1, 1],
      [1, 0, 0, 1],
    ];
    const yp = [
      [0.9, 0.2, 0.8, 0.1],
      [0.3, 0.4, 0.6, 0.5],
    ];
    // top 2 per row: row 0 → classes 0, 2 (1 right); row 1 → classes 2, 3 (1 right).
    const p = new metrics.Precision({ topK: 2 });
    p.updateState(yt, yp);
    assertClose(p.result(), 2 / 4);
    const r = new metrics.Recall({ topK: 2 });
    r.updateState(yt, yp);
    assertClose(r.result(), 2 / 4);
    // class 3 only: predicted positive (> 0.5) in neither row; actual positive in both.
    const c = new metrics.Recall({ classId: 3 });
    c.updateState(yt, yp);
    assertClose(c.result(), 0);
    const c2 = new metrics.Precision({ classId: 2, thresholds: 0.55 });
    c2.updateState(yt, yp, [1, 3]);
    assertClose(c2.result(), 1 / 4);
  });

  it("TruePositives … FalseNegatives count weighted cells", () => {
    const cells = counts(labels, preds, weights, [0.5])[0]!;
    const made = {
      tp: new metrics.TruePositives(),
      fp: new metrics.FalsePositives(),
      tn: new metrics.TrueNegatives(),
      fn: new metrics.FalseNegatives(),
    };
    for (const [k, m] of Object.entries(made)) {
      m.updateState(labels, preds, weights);
      assertClose(m.result(), cells[k as keyof typeof cells], { rtol: 1e-5 });
    }
  });

  it("name themselves like Keras and reject bad arguments", () => {
    assert.match(new metrics.Precision().name, /^precision(_\d+)?$/);
    assert.throws(() => new metrics.Precision({ thresholds: [0.5, 1.2] }), {
      name: "ValueError",
      message: /threshold values must be in \[0, 1\]; received thresholds=\[0.5,1.2\]/,
    });
    assert.throws(
      () => new metrics.Recall({ name: "r" }).updateState([[0, 1]], [[0.2, 0.3, 0.5]]),
      {
        name: "ShapeError",
        message:
          "r: y_true and y_pred must have the same shape; received y_true.shape=[1,2], y_pred.shape=[1,3]",
      },
    );
    assert.throws(
      () => new metrics.Precision({ classId: 4, name: "p" }).updateState([[0, 1]], [[0.2, 0.3]]),
      {
        message: "p: class_id must be in [0, 2); received class_id=4",
      },
    );
  });
});

describe("AUC", () => {
  it("reproduces the hand-computed case of Keras's docstring", () => {
    // Thresholds [−ε, 0.5, 1+ε]: tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2];
    // tpr = [1, 0.5, 0], fpr = [1, 0, 0]; area = (1 − 0)·(1 + 0.5)/2 + 0 = 0.75.
    const m = new metrics.AUC({ numThresholds: 3 });
    m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    assertClose(m.result(), 0.75);
    m.resetState();
    m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1]);
    assertClose(m.result(), 1);
  });

  it("integrates the PR curve with Davis & Goadrich interpolation (hand-computed)", () => {
    // P = tp + fp = [4, 1, 0]. Interval 0: slope = dTP/dP = 1/3, intercept = 1 − 1/3 = 2/3,
    // area = slope·(dTP + intercept·ln(4/1)) / (tp₁ + fn₁) = (1/3)(1 + (2/3)ln 4)/2.
    // Interval 1: slope = 1, intercept = 0, P₂ = 0 so the log term drops: area = 1·1/2.
    const m = new metrics.AUC({ numThresholds: 3, curve: "PR" });
    m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    assertClose(m.result(), ((1 / 3) * (1 + (2 / 3) * Math.log(4))) / 2 + 0.5, { rtol: 1e-6 });
    // Minoring / majoring on PR: precision = [0.5, 1, 0], recall = [1, 0.5, 0].
    const lo = new metrics.AUC({ numThresholds: 3, curve: "PR", summationMethod: "minoring" });
    lo.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    assertClose(lo.result(), 0.5 * 0.5 + 0.5 * 0);
    const hi = new metrics.AUC({ numThresholds: 3, curve: "PR", summationMethod: "majoring" });
    hi.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    assertClose(hi.result(), 0.5 * 1 + 0.5 * 1);
  });

  it("matches the trapezoid reference with 200 thresholds and approaches the exact AUC", () => {
    const m = new metrics.AUC({ dtype: "float64" });
    m.updateState(labels.slice(0, 25), preds.slice(0, 25), weights.slice(0, 25));
    m.updateState(labels.slice(25), preds.slice(25), weights.slice(25));
    const expected = rocAuc(labels, preds, weights, 200);
    assertClose(m.result(), expected, { rtol: 1e-9 });
    // Exact weighted ROC AUC: P(score of a positive > score of a negative), ties counting ½.
    let num = 0;
    let den = 0;
    labels.forEach((a, i) =>
      labels.forEach((b, j) => {
        if (a !== 1 || b !== 0) return;
        const w = weights[i]! * weights[j]!;
        den += w;
        num += w * (preds[i]! > preds[j]! ? 1 : preds[i] === preds[j] ? 0.5 : 0);
      }),
    );
    assert.ok(Math.abs(Number(m.result().item()) - num / den) < 0.01);
  });

  it("supports explicit thresholds, logits, and several labels", () => {
    const t = new metrics.AUC({ thresholds: [0.5] });
    assert.deepEqual(t.thresholds, [-1e-7, 0.5, 1 + 1e-7]);
    t.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    assertClose(t.result(), 0.75);
    const logits = preds.map((p) => Math.log(p + 1e-3) - Math.log(1 - p + 1e-3));
    const fromLogits = new metrics.AUC({ fromLogits: true, numThresholds: 50, dtype: "float64" });
    fromLogits.updateState(labels, logits);
    const sig = logits.map((x) => 1 / (1 + Math.exp(-x)));
    assertClose(
      fromLogits.result(),
      rocAuc(
        labels,
        sig,
        labels.map(() => 1),
        50,
      ),
      { rtol: 1e-9 },
    );
    // Two labels: the mean (or label-weighted mean) of each label's AUC.
    const a = labels.slice(0, 20);
    const b = labels.slice(20);
    const pa = preds.slice(0, 20);
    const pb = preds.slice(20);
    const ones = a.map(() => 1);
    const yt = a.map((v, i) => [v, b[i]!]);
    const yp = pa.map((v, i) => [v, pb[i]!]);
    const multi = new metrics.AUC({ multiLabel: true, numThresholds: 20, dtype: "float64" });
    multi.updateState(yt, yp);
    const [aucA, aucB] = [rocAuc(a, pa, ones, 20), rocAuc(b, pb, ones, 20)];
    assertClose(multi.result(), (aucA + aucB) / 2, { rtol: 1e-9 });
    const weighted = new metrics.AUC({
      multiLabel: true,
      numLabels: 2,
      labelWeights: [1, 3],
      numThresholds: 20,
    });
    weighted.updateState(yt, yp);
    assertClose(weighted.result(), (aucA + 3 * aucB) / 4, { rtol: 1e-5 });
    // Without multi_label the labels are flattened into one curve.
    const flat = new metrics.AUC({ numThresholds: 20, dtype: "float64" });
    flat.updateState(yt, yp);
    assertClose(
      flat.result(),
      rocAuc(
        yt.flat(),
        yp.flat(),
        yt.flat().map(() => 1),
        20,
      ),
      { rtol: 1e-9 },
    );
  });

  it("writes Keras's config and rejects bad options", () => {
    const cfg = new metrics.AUC({ name: "auc" }).getConfig();
    assert.deepEqual(cfg, {
      name: "auc",
      dtype: "float32",
      num_thresholds: 200,
      curve: "ROC",
      summation_method: "interpolation",
      multi_label: false,
      num_labels: null,
      label_weights: null,
      from_logits: false,
    });
    assert.equal(new metrics.AUC({ curve: "pr" }).curve, "PR");
    assert.throws(() => new metrics.AUC({ curve: "ROCK" as never }), {
      message: /invalid curve value "ROCK"/,
    });
    assert.throws(() => new metrics.AUC({ numThresholds: 1 }), {
      message: "AUC: num_thresholds must be an integer > 1; received num_thresholds=1",
    });
    assert.throws(() => new metrics.AUC({ numLabels: 3 }), {
      message: /num_labels is needed only when multi_label/,
    });
    assert.throws(() => new metrics.AUC({ multiLabel: true }).updateState([0, 1], [0.2, 0.4]), {
      message: /must have rank 2 when multi_label/,
    });
    assert.equal(st.ops.sum(new metrics.AUC().result()).item(), 0);
  });
});
