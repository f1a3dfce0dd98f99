/**
 * Is the input pipeline ever the bottleneck? `fit` over MNIST from tensors against `fit` over the
 * same data as a `st.data.Dataset` pipeline (fromTensorSlices → shuffle → map → batch →
 * prefetch, as keras.io's tutorials write it), with the same model, seed and batch size, in
 * alternating rounds in one process. Issue 11 asks for the pipeline within 10% of tensors.
 *
 *   STRATA_DATASETS_DIR=../shared/datasets node --import tsx bench/dataset-fit.ts \
 *     [--epochs 2] [--rounds 2] [--out bench/dataset-fit.json]
 *
 * The map step does real per-element work: the uint8 image becomes float32 in [0, 1]. Two
 * pipelines are timed: the per-element one as keras.io's tutorials write it
 * (shuffle → map → batch), and the vectorized one tf.data's performance guide recommends
 * (shuffle → batch → map: the function runs once per batch instead of once per element).
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

const toFloat = ([x, y]: [st.Tensor, st.Tensor]): [st.Tensor, st.Tensor] => [
  x.cast("float32").div(255),
  y,
];

async function fromDataset(vectorized: boolean): Promise<number> {
  const m = model();
  const shuffled = st.data.Dataset.fromTensorSlices([images, yTrain]).shuffle(10_000, { seed: 0 });
  const ds = (
    vectorized ? shuffled.batch(batchSize).map(toFloat) : shuffled.map(toFloat).batch(batchSize)
  ).prefetch(st.data.AUTOTUNE);
  const start = performance.now();
  await m.fit(ds, { epochs, verbose: 0 });
  return (performance.now() - start) / 1000;
}

const times = { tensors: [] as number[], perElement: [] as number[], vectorized: [] as number[] };
for (let r = 0; r < rounds; r++) {
  times.tensors.push(await fromTensors());
  times.perElement.push(await fromDataset(false));
  times.vectorized.push(await fromDataset(true));
  console.log(
    `round ${r + 1}: tensors ${times.tensors.at(-1)!.toFixed(2)} s, ` +
      `per-element pipeline ${times.perElement.at(-1)!.toFixed(2)} s, ` +
      `vectorized pipeline ${times.vectorized.at(-1)!.toFixed(2)} s (${epochs} epochs)`,
  );
}
const best = {
  tensors: Math.min(...times.tensors),
  perElement: Math.min(...times.perElement),
  vectorized: Math.min(...times.vectorized),
};
const ratios = {
  perElement: best.perElement / best.tensors,
  vectorized: best.vectorized / best.tensors,
};
console.log(
  `best of ${rounds}: tensors ${best.tensors.toFixed(2)} s; ` +
    `per-element pipeline ${best.perElement.toFixed(2)} s (× ${ratios.perElement.toFixed(3)}); ` +
    `vectorized pipeline ${best.vectorized.toFixed(2)} s (× ${ratios.vectorized.toFixed(3)}); target ≤ 1.10`,
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
        ratios,
      },
      null,
      2,
    ) + "\n",
  );
}
