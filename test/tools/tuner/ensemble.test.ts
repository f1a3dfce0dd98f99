// averagePredictions against predictions combined by hand from models with known weights.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as st from "../../../src/index.js";
import { averagePredictions } from "../../../src/tools/tuner/index.js";

/** y = k·x + b, one Dense unit with its weights set. */
function affine(k: number, b: number): st.Model {
  const model = new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(1)]);
  model.setWeights([st.tensor([[k]]), st.tensor([b])]);
  return model;
}

const x = st.tensor([[0], [1], [2]]);

test("equal weights by default: the mean of the predictions", async () => {
  const out = await averagePredictions([affine(1, 0), affine(3, 1)], x);
  // (x + 3x + 1) / 2 = 2x + 0.5
  assert.deepEqual(out.toArray(), [[0.5], [2.5], [4.5]]);
});

test("weights are normalized to sum to 1 (the book's weighted average)", async () => {
  const out = await averagePredictions([affine(1, 0), affine(3, 1), affine(0, 8)], x, {
    weights: [2, 1, 1],
  });
  // 0.5·x + 0.25·(3x + 1) + 0.25·8 = 1.25x + 2.25
  const values = Array.from(out.dataSync());
  [2.25, 3.5, 4.75].forEach((v, i) => assert.ok(Math.abs(values[i]! - v) < 1e-6));
});

test("bad input names what was received", async () => {
  await assert.rejects(averagePredictions([], x), /non-empty list of models/);
  await assert.rejects(
    averagePredictions([affine(1, 0)], x, { weights: [1, 2] }),
    /one weight per model \(1\); received 2 weights/,
  );
  await assert.rejects(
    averagePredictions([affine(1, 0), affine(1, 0)], x, { weights: [1, -1] }),
    /weights must be finite numbers >= 0; received \[1, -1\]/,
  );
  const wide = new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(2)]);
  await assert.rejects(
    averagePredictions([affine(1, 0), wide], x),
    /model 1 \(".*"\) predicts shape \[3,2\]; model 0 predicts \[3,1\]/,
  );
});
