// Deep Learning with Python, ch. 13: tuning the MNIST MLP's units, dropout and learning rate with
// KerasTuner's API (`--tuner random | bayesian | hyperband`, default bayesian), then ensembling
// the best three models and comparing the ensemble with its best member on the test set.
// `--workers N` runs the trials in N worker processes, each importing this file for
// `createTuner` and `searchArgs` (the main part runs only when this file is the script run).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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

const workers = (() => {
  const at = process.argv.indexOf("--workers");
  const value = at >= 0 ? Number(process.argv[at + 1]) : 0;
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--workers expects a whole number; received ${process.argv[at + 1]}`);
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

const directory = join(tmpdir(), `strata-tune-mnist-${kind}`);

/** The tuner: the same in the driver and in every worker process (which never clear its folder). */
export function createTuner() {
  const common = {
    objective: "val_accuracy",
    seed: seed + 1,
    directory,
    projectName: kind,
    overwrite: true,
  };
  const maxTrials = quick ? 2 : 8;
  return kind === "hyperband"
    ? new Hyperband(buildModel, { ...common, maxEpochs: quick ? 2 : 6, factor: 3 })
    : kind === "random"
      ? new RandomSearch(buildModel, { ...common, maxTrials })
      : new BayesianOptimization(buildModel, { ...common, maxTrials, numInitialPoints: 4 });
}

const prepare = (images: st.Tensor) =>
  images
    .reshape([images.shape[0]!, 28 * 28])
    .cast("float32")
    .div(255);
const slice = (t: st.Tensor, from: number, n: number) =>
  st.ops.slice(t, [from, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1)]);

/** What `search` is given: 10,000 images to train each trial, the next 5,000 to validate. */
export async function searchArgs() {
  const [[trainImages, trainLabels]] = await st.datasets.mnist.loadData(dataOptions);
  const [nTrain, nVal] = quick ? [256, 128] : [10_000, 5_000];
  const images = prepare(trainImages);
  return [
    slice(images, 0, nTrain),
    slice(trainLabels, 0, nTrain),
    {
      epochs: quick ? 1 : 4,
      batchSize: 128,
      validationData: [slice(images, nTrain, nVal), slice(trainLabels, nTrain, nVal)],
      verbose: quick || workers > 0 ? 0 : 1,
    },
  ] as const;
}

async function main(): Promise<string> {
  st.random.setSeed(seed);
  const tuner = createTuner();
  tuner.searchSpaceSummary();
  const start = performance.now();
  if (workers > 0)
    await tuner.searchInWorkers(fileURLToPath(import.meta.url), { maxWorkers: workers });
  else await tuner.search(...(await searchArgs()));
  const searchSeconds = (performance.now() - start) / 1000;
  tuner.resultsSummary(3);

  // The book's ensemble: the best three models' predictions averaged, against the best alone.
  const [, [testImages, testLabels]] = await st.datasets.mnist.loadData(dataOptions);
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
  return tuner.oracle.getBestTrials(1)[0]!.score!.toFixed(4);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const label = workers > 0 ? `, ${workers} worker${workers > 1 ? "s" : ""}` : "";
  await run(`MNIST MLP tuned (${kind}${label}), best validation accuracy`, main);
}
