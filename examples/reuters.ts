// Deep Learning with Python, ch. 4: classifying newswires into 46 topics.
import * as st from "../src/index.js";
import { Sequential, layers } from "../src/index.js";
import { dataOptions, quick, run, seed, vectorizeSequences } from "./common.js";

await run("Reuters test accuracy", async () => {
  st.random.setSeed(seed);
  const [[trainData, trainLabels], [testData, testLabels]] = await st.datasets.reuters.loadData({
    ...dataOptions,
    numWords: 10000,
  });
  const n = quick ? Math.min(400, trainData.length) : trainData.length;
  const m = quick ? Math.min(200, testData.length) : testData.length;
  const xTrain = vectorizeSequences(trainData.slice(0, n));
  const xTest = vectorizeSequences(testData.slice(0, m));
  const yTrain = st.utils.toCategorical(st.ops.slice(trainLabels, [0], [n]), 46);
  const yTest = st.utils.toCategorical(st.ops.slice(testLabels, [0], [m]), 46);

  const model = new Sequential([
    new layers.Dense(64, { activation: "relu" }),
    new layers.Dense(64, { activation: "relu" }),
    new layers.Dense(46, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: "rmsprop", loss: "categorical_crossentropy", metrics: ["accuracy"] });
  await model.fit(xTrain, yTrain, {
    epochs: quick ? 1 : 9,
    batchSize: 512,
    verbose: quick ? 0 : 1,
  });
  const { accuracy } = await model.evaluate(xTest, yTest);
  return accuracy!.toFixed(4);
});
