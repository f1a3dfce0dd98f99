/**
 * Keras's constrained metrics take their target positionally (`PrecisionAtRecall(0.5)`,
 * `num_thresholds=` after it); Strata takes it the same way, or in one object as configs give it.
 * Hand reference: labels [0, 1, 1], scores [0.2, 0.9, 0.4], numThresholds 3 (Keras's thresholds
 * -ε, 0.5, 1 + ε): at -ε recall 1 and precision 2/3, at 0.5 recall 1/2 and precision 1.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { metrics } = st;
const yTrue = st.tensor([0, 1, 1]);
const yPred = st.tensor([0.2, 0.9, 0.4]);

function value(m: st.metrics.Metric): number {
  m.updateState(yTrue, yPred);
  return Number(m.result().item());
}

describe("positional targets of the constrained metrics", () => {
  it("give the same values as the object form", () => {
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
    close(value(new metrics.PrecisionAtRecall(0.5, { numThresholds: 3 })), 1);
    close(value(new metrics.PrecisionAtRecall({ recall: 0.5, numThresholds: 3 })), 1);
    close(value(new metrics.RecallAtPrecision(0.6, { numThresholds: 3 })), 1);
    close(value(new metrics.RecallAtPrecision(0.9, { numThresholds: 3 })), 0.5);
    // specificity: negatives below the threshold; at 0.5 the one negative (0.2) is below: 1
    close(value(new metrics.SensitivityAtSpecificity(1, { numThresholds: 3 })), 0.5);
    close(value(new metrics.SpecificityAtSensitivity(1, { numThresholds: 3 })), 0);
  });

  it("the target given twice is an error", () => {
    const make = metrics.PrecisionAtRecall as unknown as new (a: unknown, b: unknown) => unknown;
    assert.throws(() => new make(0.5, { recall: 0.4 }), /recall given twice/);
  });
});
