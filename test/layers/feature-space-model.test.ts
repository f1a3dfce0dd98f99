// keras.io's "Structured data classification with FeatureSpace", ported step by step on a small
// made-up heart-disease table: the tutorial's FeatureSpace, adapt on the dataset without labels,
// training on a Dataset mapped through the feature space, the inference model from getInputs()
// that takes raw values, and that model's .keras round trip.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { FeatureSpace } from "../../src/layers/preprocessing/feature-space/index.js";
import { assertClose, heartData } from "./feature-space-fixtures.js";

/** The tutorial's feature space. */
function tutorialFeatureSpace() {
  return new FeatureSpace(
    {
      // Categorical features encoded as integers
      sex: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      cp: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      fbs: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      restecg: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      exang: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      ca: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      // Categorical feature encoded as string
      thal: FeatureSpace.stringCategorical({ numOovIndices: 0 }),
      // Numerical features to discretize
      age: FeatureSpace.floatDiscretized(30),
      // Numerical features to normalize
      trestbps: FeatureSpace.floatNormalized(),
      chol: FeatureSpace.floatNormalized(),
      thalach: FeatureSpace.floatNormalized(),
      oldpeak: FeatureSpace.floatNormalized(),
      slope: FeatureSpace.floatNormalized(),
    },
    {
      // Specify feature cross with a custom crossing dim.
      crosses: [FeatureSpace.cross(["sex", "age"], 64), FeatureSpace.cross(["thal", "ca"], 16)],
      outputMode: "concat",
    },
  );
}

/** One patient's raw values as the inference model takes them: one (1, 1) column per feature. */
function sampleOf(x: ReturnType<typeof heartData>["x"], row: number) {
  return Object.fromEntries(
    Object.entries(x).map(([name, values]) => {
      const v = values[row]!;
      return [name, typeof v === "string" ? st.tensor([[v]]) : st.tensor([[v]])];
    }),
  );
}

describe("the FeatureSpace tutorial, end to end", () => {
  it("adapts, trains one epoch on the mapped dataset and predicts from raw values", async () => {
    st.random.setSeed(7);
    const { x, target } = heartData(40);
    const trainDs = st.data.Dataset.fromTensorSlices([x, target]).batch(32);
    const featureSpace = tutorialFeatureSpace();

    const trainDsWithNoLabels = trainDs.map(([features]) => features);
    await featureSpace.adapt(trainDsWithNoLabels);

    for await (const [features] of trainDs.take(1)) {
      const preprocessed = featureSpace.apply(features);
      // 2·2 + 4 + 2 + 3 + 2 + 4 + 3 one-hots, 30 bins, 5 normalized, crosses 64 + 16
      assert.deepEqual(preprocessed.shape, [32, 2 + 4 + 2 + 3 + 2 + 4 + 3 + 30 + 5 + 64 + 16]);
    }

    const preprocessedTrainDs = trainDs
      .map(([features, y]) => [featureSpace.apply(features), y] as const, {
        numParallelCalls: st.data.AUTOTUNE,
      })
      .prefetch(st.data.AUTOTUNE);

    const dictInputs = featureSpace.getInputs();
    const encodedFeatures = featureSpace.getEncodedFeatures();
    const dense = new st.layers.Dense(32, { activation: "relu" });
    const dropout = new st.layers.Dropout(0.5);
    const head = new st.layers.Dense(1, { activation: "sigmoid" });
    const predictions = head.apply(dropout.apply(dense.apply(encodedFeatures)));

    // Keras builds the training model with the encoded features as its inputs; Strata's
    // functional models start at Input(), so the same layers are applied to one of that width.
    const encodedInput = st.layers.Input({ shape: [encodedFeatures.shape[1]!] });
    const trainingModel = new st.Model({
      inputs: encodedInput,
      outputs: head.apply(dropout.apply(dense.apply(encodedInput))),
    });
    trainingModel.compile({
      optimizer: "adam",
      loss: "binary_crossentropy",
      metrics: ["accuracy"],
    });
    const inferenceModel = new st.Model({ inputs: dictInputs, outputs: predictions });

    const history = await trainingModel.fit(preprocessedTrainDs, { epochs: 1, verbose: 0 });
    const loss = history.history.loss![0]!;
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);

    // The inference model takes raw values and agrees with the training model on encoded ones.
    const sample = sampleOf(x, 3);
    const fromRaw = (await inferenceModel.predict(sample)) as st.Tensor;
    const fromEncoded = (await trainingModel.predict(
      featureSpace.apply(
        Object.fromEntries(Object.entries(x).map(([k, v]) => [k, [v[3]!]])) as Record<
          string,
          number[] | string[]
        >,
      ),
    )) as st.Tensor;
    assert.deepEqual(fromRaw.shape, [1, 1]);
    assertClose(Array.from(fromRaw.dataSync()), Array.from(fromEncoded.dataSync()), 1e-6);
  });

  it("the inference model saves to .keras and loads with the same predictions", async () => {
    st.random.setSeed(11);
    const { x } = heartData(40);
    const featureSpace = tutorialFeatureSpace();
    await featureSpace.adapt(st.data.Dataset.fromTensorSlices(x).batch(16));
    const predictions = new st.layers.Dense(1, { activation: "sigmoid" }).apply(
      new st.layers.Dense(8, { activation: "relu" }).apply(featureSpace.getEncodedFeatures()),
    );
    const model = new st.Model({ inputs: featureSpace.getInputs(), outputs: predictions });
    const columns = Object.fromEntries(
      Object.entries(x).map(([name, values]) => [
        name,
        st.tensor((values as (number | string)[]).map((v) => [v]) as number[][]),
      ]),
    );
    const before = (await model.predict(columns)) as st.Tensor;
    const dir = mkdtempSync(join(tmpdir(), "strata-feature-space-"));
    try {
      const path = join(dir, "inference.keras");
      await model.save(path);
      const loaded = await st.models.loadModel(path);
      const after = (await loaded.predict(columns)) as st.Tensor;
      assert.deepEqual(after.shape, [40, 1]);
      assertClose(Array.from(after.dataSync()), Array.from(before.dataSync()), 1e-6);
      const classes = new Set(loaded.layers.map((l) => l.constructor.name));
      for (const c of [
        "IntegerLookup",
        "StringLookup",
        "Discretization",
        "Normalization",
        "HashedCrossing",
        "CategoryEncoding",
        "TFDConcat",
      ]) {
        assert.ok(classes.has(c), `the loaded model holds a ${c}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
