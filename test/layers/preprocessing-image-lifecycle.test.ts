// The image layers through the shared layer lifecycle (runLayerTest: eager and symbolic shapes,
// config round trip, float64 gradients) and inside a model: augmentation runs under fit and is
// the identity under predict.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import {
  CenterCrop,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
  Resizing,
} from "../../src/layers/preprocessing/image/index.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

describe("image layers: runLayerTest", () => {
  it("Resizing (bicubic, antialias)", () =>
    runLayerTest(
      (dtype) => new Resizing(3, 4, { interpolation: "bicubic", antialias: true, dtype }),
      { inputShape: [2, 5, 6, 3], expectedOutputShape: [2, 3, 4, 3] },
    ));
  it("CenterCrop", () =>
    runLayerTest((dtype) => new CenterCrop(3, 3, { dtype }), {
      inputShape: [2, 5, 6, 2],
      expectedOutputShape: [2, 3, 3, 2],
    }));
  it("CenterCrop resizing a smaller image", () =>
    runLayerTest((dtype) => new CenterCrop(6, 4, { dtype }), {
      inputShape: [1, 4, 5, 2],
      expectedOutputShape: [1, 6, 4, 2],
    }));
  it("RandomCrop (inference: centred window resized)", () =>
    runLayerTest((dtype) => new RandomCrop(3, 3, { seed: 1, dtype }), {
      inputShape: [2, 5, 6, 1],
      expectedOutputShape: [2, 3, 3, 1],
    }));
  for (const [name, make] of [
    ["RandomFlip", (dtype: st.DType) => new RandomFlip({ seed: 1, dtype })],
    ["RandomRotation", (dtype: st.DType) => new RandomRotation(0.2, { seed: 1, dtype })],
    ["RandomZoom", (dtype: st.DType) => new RandomZoom(0.2, { seed: 1, dtype })],
    ["RandomTranslation", (dtype: st.DType) => new RandomTranslation(0.2, 0.1, { seed: 1, dtype })],
    ["RandomShear", (dtype: st.DType) => new RandomShear({ xFactor: 0.2, seed: 1, dtype })],
  ] as const) {
    it(`${name} (inference)`, () =>
      runLayerTest(make, { inputShape: [2, 5, 5, 2], expectedOutputShape: [2, 5, 5, 2] }));
  }
});

describe("image layers in a model", () => {
  it("augmentations run under fit and are the identity under predict", async () => {
    st.random.setSeed(3);
    const dense = new st.layers.Dense(1);
    const model = new st.Sequential([
      st.layers.Input({ shape: [8, 8, 1] }),
      new RandomFlip({ seed: 1 }),
      new RandomRotation(0.1, { seed: 2 }),
      new RandomZoom(0.1, { seed: 3 }),
      new st.layers.Flatten(),
      dense,
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.random.uniform([16, 8, 8, 1], { seed: 4 });
    const y = st.random.uniform([16, 1], { seed: 5 });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    assert.ok(Number.isFinite(history.history.loss!.at(-1)));
    const predicted = (await model.predict(x, { verbose: 0 })) as st.Tensor;
    const plain = dense.apply(st.ops.reshape(x, [16, 64]));
    assertClose(predicted, plain, { rtol: 1e-5, atol: 1e-6 });
  });
});
