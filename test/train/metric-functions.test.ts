import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";

it("keras.metrics' function forms are the loss functions, per sample as Keras computes them", () => {
  const names = [
    "binaryCrossentropy",
    "binaryFocalCrossentropy",
    "categoricalCrossentropy",
    "sparseCategoricalCrossentropy",
    "klDivergence",
    "poisson",
    "hinge",
    "squaredHinge",
    "categoricalHinge",
    "meanSquaredError",
    "meanAbsoluteError",
    "meanAbsolutePercentageError",
    "meanSquaredLogarithmicError",
    "huber",
    "logCosh",
  ] as const;
  for (const name of names) assert.equal(st.metrics[name], st.losses[name], name);
  // Keras's docstring example for keras.metrics.mean_squared_error: one value per sample.
  const yTrue = st.tensor([
    [0, 1],
    [0, 0],
  ]);
  const yPred = st.tensor([
    [1, 1],
    [1, 0],
  ]);
  assert.deepEqual(Array.from(st.metrics.meanSquaredError(yTrue, yPred).dataSync()), [0.5, 0.5]);
});
