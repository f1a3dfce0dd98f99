/**
 * Is the input pipeline ever the bottleneck? `fit` over MNIST from tensors against `fit` over the
 * same data as a `st.data.Dataset` pipeline (fromTensorSlices → shuffle → map → batch →
 * prefetch, as keras.io's tutorials write it), with the same model, seed and batch size, in
 * alternating rounds in one process. Issue 11 asks for the pipeline within 10% of tensors.
 *
 *   STRATA_DATASETS_DIR=../shared/datasets node --import tsx bench/dataset-fit.ts \
 *     [--epochs 2] [--rounds 2] [--out bench/dataset-fit.json]
 *
 * The map step does real per-element work: the uint8 image becomes float32 in [0, 1].
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as st from "../src/index.js";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const epochs = Number(args.epochs ?? 2);
const rounds = Number(args.rounds ?? 2);
const batchSize = 128;

const [[xRaw, yTrain]] = await st.datasets.mnist.loadData();
const images = st.ops.reshape(xRaw, [xRaw.shape[0]!, 784]);
const xTrain = images.cast("float32").div(255);

function model(): st.Model {
  st.random.setSeed(0);
  const m = new st.Sequential([
    st.Input({ shape: [784] }),
    new st.layers.Dense(512, { activation: "relu" }),
    new st.layers.Dense(10, { activation: "softmax" }),
  ]);
  m.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  return m;
}

async function fromTensors(): Promise<number> {
  const m = model();
  const start = performance.now();
  await m.fit(xTrain, yTrain, { epochs, batchSize, shuffle: true, verbose: 0 });
  return (performance.now() - start) / 1000;
}

async function fromDataset(): Promise<number> {
  const m = model();
  const ds = st.data.Dataset.fromTensorSlices([images, yTrain])
    .shuffle(10_000, { seed: 0 })
    .map(([x, y]) => [x.cast("float32").div(255), y] as const)
    .batch(batchSize)
    .prefetch(st.data.AUTOTUNE);
  const start = performance.now();
  await m.fit(ds, { epochs, verbose: 0 });
  return (performance.now() - start) / 1000;
}

const times = { tensors: [] as number[], dataset: [] as number[] };
for (let r = 0; r < rounds; r++) {
  times.tensors.push(await fromTensors());
  times.dataset.push(await fromDataset());
  console.log(
    `round ${r + 1}: tensors ${times.tensors.at(-1)!.toFixed(2)} s, ` +
      `dataset ${times.dataset.at(-1)!.toFixed(2)} s (${epochs} epochs)`,
  );
}
const best = { tensors: Math.min(...times.tensors), dataset: Math.min(...times.dataset) };
const ratio = best.dataset / best.tensors;
console.log(
  `best of ${rounds}: tensors ${best.tensors.toFixed(2)} s, dataset ${best.dataset.toFixed(2)} s, ` +
    `dataset / tensors = ${ratio.toFixed(3)} (target ≤ 1.10)`,
);
if (args.out) {
  writeFileSync(
    args.out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model,
        backend: st.getBackend(),
        epochs,
        batchSize,
        seconds: times,
        ratio,
      },
      null,
      2,
    ) + "\n",
  );
}
