/**
 * Keras's "customizing what happens in fit" guide, as people port it: a trainStep that computes
 * `computeLoss`, then updates every entry of `model.metrics` (the loss tracker with the loss, the
 * rest with `(y, yPred)`) and returns their results. The compiled metrics are in `model.metrics`
 * from compile on (Keras's `compile_metrics` entry until the first batch builds them).
 * References are hand-computed with a zero learning rate, so the weights stay as initialized.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { layers, metrics } = st;

/** y = x · [1, 1]: predictions [3, 7] for x = [[1, 2], [3, 4]]. */
function guideModel(): st.Model {
  class CustomModel extends st.Model {
    dense = new layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" });
    override call(x: st.Tensor | st.Tensor[]): st.Tensor {
      return this.dense.apply(x as st.Tensor);
    }
    override trainStep(data: st.StepData): Record<string, st.Tensor> {
      const [x, y] = data as [st.Tensor, st.Tensor];
      let yPred: st.Tensor | null = null;
      const { value: loss, grads } = st.valueAndGrad(() => {
        yPred = this.apply(x, { training: true });
        return this.computeLoss({ x, y, yPred });
      }, this.trainableWeights);
      this.optimizer!.apply(grads, this.trainableWeights);
      for (const metric of this.metrics) {
        if (metric.name === "loss") metric.updateState(loss);
        else metric.updateState(y, yPred!);
      }
      return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
    }
  }
  return new CustomModel();
}

const x = st.tensor([
  [1, 2],
  [3, 4],
]);
const y = st.tensor([[1], [2]]);

describe("the compiled metrics in model.metrics", () => {
  it("from compile on: the loss tracker, then compile_metrics until the first batch", () => {
    const model = guideModel();
    assert.equal(model.metrics.length, 0);
    model.compile({ optimizer: new st.optimizers.SGD(0), loss: "mse", metrics: ["mae"] });
    assert.deepEqual(
      model.metrics.map((m) => m.name),
      ["loss", "compile_metrics"],
    );
    // without compiled metrics only the loss tracker, as Keras
    const plain = guideModel();
    plain.compile({ optimizer: "sgd", loss: "mse" });
    assert.deepEqual(
      plain.metrics.map((m) => m.name),
      ["loss"],
    );
  });

  it("a custom trainStep updating model.metrics reports every compiled metric", async () => {
    const model = guideModel();
    model.compile({ optimizer: new st.optimizers.SGD(0), loss: "mse", metrics: ["mae"] });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    // predictions [3, 7] against [1, 2]: mse (4 + 25) / 2, mae (2 + 5) / 2
    assert.deepEqual(Object.keys(h.history).sort(), ["loss", "mae"]);
    for (const v of h.history.loss!) assert.ok(Math.abs(v - 14.5) < 1e-5, String(v));
    for (const v of h.history.mae!) assert.ok(Math.abs(v - 3.5) < 1e-5, String(v));
    assert.deepEqual(
      model.metrics.map((m) => m.name),
      ["loss", "mae"],
    );
  });

  it("compile_metrics.updateState takes (y, yPred, sampleWeight)", () => {
    const model = guideModel();
    model.compile({ optimizer: "sgd", loss: "mse", weightedMetrics: ["mae"] });
    const entry = model.metrics[1]!;
    assert.equal(entry.name, "compile_metrics");
    entry.updateState(y, st.tensor([[3], [7]]), st.tensor([1, 0]));
    const mae = model.metrics.find((m) => m.name === "mae")!;
    assert.ok(mae instanceof metrics.Metric);
    // only the first sample counts: |3 - 1|
    assert.ok(Math.abs(Number(mae.result().item()) - 2) < 1e-6);
  });
});
