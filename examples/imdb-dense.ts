// Deep Learning with Python, ch. 4: classifying movie reviews with Dense layers on multi-hot vectors.
import * as st from "../src/index.js";
import { Sequential, layers } from "../src/index.js";
import { dataOptions, head, quick, run, seed, vectorizeSequences } from "./common.js";

await run("IMDB Dense test accuracy", async () => {
  st.random.setSeed(seed);
  const [[trainData, trainLabels], [testData, testLabels]] = await st.datasets.imdb.loadData({
    ...dataOptions,
    numWords: 10000,
  });
  const n = quick ? 400 : trainData.length;
  const xTrain = vectorizeSequences(trainData.slice(0, n));
  const yTrain = head(trainLabels.cast("float32"), n);
  const xTest = vectorizeSequences(testData.slice(0, quick ? 200 : testData.length));
  const yTest = head(testLabels.cast("float32"), quick ? 200 : testData.length);

  const model = new Sequential([
    new layers.Dense(16, { activation: "relu" }),
    new layers.Dense(16, { activation: "relu" }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  await model.fit(xTrain, yTrain, {
    epochs: quick ? 1 : 4,
    batchSize: 512,
    verbose: quick ? 0 : 1,
  });
  const { accuracy } = await model.evaluate(xTest, yTest);
  return accuracy!.toFixed(4);
});
