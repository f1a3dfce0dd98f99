// Deep Learning with Python: an LSTM over word embeddings for IMDB reviews. The model is the 1st
// edition's (ch. 6); as in the 2nd edition's ch. 11, a ModelCheckpoint saves the epoch with the best
// validation loss as a .keras file, and the model loaded from it is the one tested.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Sequential, callbacks, layers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

const maxFeatures = 10000;
const maxlen = quick ? 50 : 500;

await run("IMDB Embedding + LSTM test accuracy (best epoch)", async () => {
  st.random.setSeed(seed);
  const [[trainData, trainLabels], [testData, testLabels]] = await st.datasets.imdb.loadData({
    ...dataOptions,
    numWords: maxFeatures,
  });
  const n = quick ? 256 : trainData.length;
  const m = quick ? 128 : testData.length;
  const xTrain = st.utils.padSequences(trainData.slice(0, n), { maxlen });
  const xTest = st.utils.padSequences(testData.slice(0, m), { maxlen });
  const yTest = head(testLabels.cast("float32"), m);

  const model = new Sequential([
    new layers.Embedding(maxFeatures, 32),
    new layers.LSTM(32),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  const dir = await mkdtemp(join(tmpdir(), "strata-imdb-lstm-"));
  const best = join(dir, "best.keras");
  try {
    await model.fit(xTrain, head(trainLabels.cast("float32"), n), {
      epochs: quick ? 1 : 10,
      batchSize: 128,
      validationSplit: 0.2,
      verbose: quick ? 0 : 1,
      callbacks: [new callbacks.ModelCheckpoint(best, { saveBestOnly: true })],
    });
    const last = await model.evaluate(xTest, yTest, { verbose: 0 });
    console.log(`last epoch's test accuracy: ${last.accuracy!.toFixed(4)}`);
    const bestModel = await st.models.loadModel(best);
    const { accuracy } = await bestModel.evaluate(xTest, yTest);
    return accuracy!.toFixed(4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
