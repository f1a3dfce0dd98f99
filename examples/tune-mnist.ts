// Deep Learning with Python, ch. 13: tuning the MNIST MLP's units, dropout and learning rate with
// KerasTuner's API (`--tuner random | bayesian | hyperband`, default bayesian), then ensembling
// the best three models and comparing the ensemble with its best member on the test set.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Sequential, layers } from "../src/index.js";
import {
  BayesianOptimization,
  Hyperband,
  type HyperParameters,
  RandomSearch,
  averagePredictions,
} from "../src/tools/tuner/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

const kind = (() => {
  const at = process.argv.indexOf("--tuner");
  const value = at >= 0 ? process.argv[at + 1] : "bayesian";
  if (value !== "random" && value !== "bayesian" && value !== "hyperband")
    throw new Error(`--tuner expects random, bayesian or hyperband; received ${value}`);
  return value;
})();

function buildModel(hp: HyperParameters) {
  const model = new Sequential([
    st.Input({ shape: [28 * 28] }),
    new layers.Dense(hp.Int("units", 32, 512, { step: 32 }), { activation: "relu" }),
    new layers.Dropout(hp.Float("dropout", 0, 0.5, { step: 0.1 })),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: new st.optimizers.RMSprop({
      learningRate: hp.Float("learning_rate", 1e-4, 1e-2, { sampling: "log" }),
    }),
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

await run(`MNIST MLP tuned (${kind}), best validation accuracy`, async () => {
  st.random.setSeed(seed);
  const [[trainImages, trainLabels], [testImages, testLabels]] =
    await st.datasets.mnist.loadData(dataOptions);
  const prepare = (images: st.Tensor) =>
    images
      .reshape([images.shape[0]!, 28 * 28])
      .cast("float32")
      .div(255);
  // 10,000 images to train each trial and 5,000 to validate (a few hundred in quick mode).
  const slice = (t: st.Tensor, from: number, n: number) =>
    st.ops.slice(t, [from, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1)]);
  const [nTrain, nVal] = quick ? [256, 128] : [10_000, 5_000];
  const images = prepare(trainImages);
  const [x, y] = [slice(images, 0, nTrain), slice(trainLabels, 0, nTrain)];
  const [xVal, yVal] = [slice(images, nTrain, nVal), slice(trainLabels, nTrain, nVal)];

  const directory = mkdtempSync(join(tmpdir(), "strata-tune-mnist-"));
  const common = { objective: "val_accuracy", seed: seed + 1, directory, projectName: kind };
  const maxTrials = quick ? 2 : 8;
  const tuner =
    kind === "hyperband"
      ? new Hyperband(buildModel, { ...common, maxEpochs: quick ? 2 : 6, factor: 3 })
      : kind === "random"
        ? new RandomSearch(buildModel, { ...common, maxTrials })
        : new BayesianOptimization(buildModel, { ...common, maxTrials, numInitialPoints: 4 });
  tuner.searchSpaceSummary();
  const start = performance.now();
  await tuner.search(x, y, {
    epochs: quick ? 1 : 4,
    batchSize: 128,
    validationData: [xVal, yVal],
    verbose: quick ? 0 : 1,
  });
  const searchSeconds = (performance.now() - start) / 1000;
  tuner.resultsSummary(3);

  // The book's ensemble: the best three models' predictions averaged, against the best alone.
  const [xTest, yTest] = [head(prepare(testImages), 256), head(testLabels, 256)];
  const best = await tuner.getBestModels(Math.min(3, tuner.oracle.trials.size));
  const accuracy = (probs: st.Tensor) => {
    const predicted = st.ops.argmax(probs, -1).dataSync();
    const labels = yTest.dataSync();
    let right = 0;
    for (let i = 0; i < labels.length; i++) if (Number(predicted[i]) === Number(labels[i])) right++;
    return right / labels.length;
  };
  const bestAlone = accuracy((await best[0]!.predict(xTest, { verbose: 0 })) as st.Tensor);
  const ensemble = accuracy(await averagePredictions(best, xTest));
  console.log(
    `${tuner.oracle.trials.size} trials in ${searchSeconds.toFixed(1)} s; test accuracy: best model ` +
      `${bestAlone.toFixed(4)}, ensemble of the best ${best.length} ${ensemble.toFixed(4)}`,
  );
  rmSync(directory, { recursive: true, force: true });
  const bestTrial = tuner.oracle.getBestTrials(1)[0]!;
  return bestTrial.score!.toFixed(4);
});
