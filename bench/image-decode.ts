/**
 * Images decoded per second through `imageDatasetFromDirectory` (read, decode, resize, batch),
 * one file at a time (`numParallelCalls: 1`) against several in flight (AUTOTUNE), in alternating
 * rounds in one process. The PNG files are written first into class folders of a temporary
 * folder: Fashion-MNIST's real images when `STRATA_DATASETS_DIR` holds it, random ones otherwise.
 *
 *   STRATA_DATASETS_DIR=../shared/datasets node --import tsx bench/image-decode.ts \
 *     [--images 2000] [--size 28] [--resize 64] [--rounds 2] [--fit-epochs 2]
 *
 * With `--fit-epochs N` it then trains the same small convnet N epochs from the folder (decoded
 * at full size, AUTOTUNE) and from the same images held as tensors, and prints the ratio: how much
 * decoding during training costs.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const count = Number(args.images ?? 2000);
const rounds = Number(args.rounds ?? 2);
const resize = Number(args.resize ?? 64);
const dir = mkdtempSync(join(tmpdir(), "strata-image-decode-"));

/** The images written, as [count, size, size, 1] uint8 and their labels (for the fit timing). */
let written: { images: st.Tensor; labels: st.Tensor } | null = null;

/** Writes `count` PNGs into ten class folders; returns what they hold. */
async function writeImages(): Promise<string> {
  for (let c = 0; c < 10; c++) mkdirSync(join(dir, `class_${c}`));
  let source = "random";
  let images: st.Tensor | null = null;
  let labels: Int32Array | null = null;
  if (process.env["STRATA_DATASETS_DIR"]) {
    const [[x, y]] = await st.datasets.fashionMnist.loadData();
    images = x;
    labels = Int32Array.from(y.dataSync());
    source = "Fashion-MNIST";
  }
  const size = images ? 28 : Number(args.size ?? 28);
  const px = images ? images.dataSync() : null;
  const writes: Promise<void>[] = [];
  const all = new Uint8Array(count * size * size);
  const allLabels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const values = px
      ? Array.from(px.subarray(i * size * size, (i + 1) * size * size))
      : Array.from({ length: size * size }, () => Math.floor(Math.random() * 256));
    all.set(values, i * size * size);
    const img = st.tensor(values, [size, size, 1]);
    const label = labels ? labels[i]! : i % 10;
    allLabels[i] = label;
    writes.push(st.utils.saveImg(join(dir, `class_${label}`, `${i}.png`), img, { scale: false }));
    if (writes.length === 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  written = {
    images: st.tensor(all, [count, size, size, 1]),
    labels: st.tensor(allLabels, [count]),
  };
  return `${count} ${source} PNGs of ${size}x${size}`;
}

function convnet(size: number): st.Model {
  st.random.setSeed(0);
  const inputs = st.Input({ shape: [size, size, 1] });
  let x = new st.layers.Rescaling(1 / 255).apply(inputs);
  x = new st.layers.Conv2D(16, 3, { activation: "relu" }).apply(x);
  x = new st.layers.MaxPooling2D(2).apply(x);
  x = new st.layers.Flatten().apply(x);
  const model = new st.Model({
    inputs,
    outputs: new st.layers.Dense(10, { activation: "softmax" }).apply(x),
  });
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
  return model;
}

/** Seconds for `epochs` of fit from the folder and from the same images as tensors. */
async function fitTimes(epochs: number): Promise<{ folder: number; tensors: number }> {
  const size = written!.images.shape[1]!;
  const ds = await st.utils.imageDatasetFromDirectory(dir, {
    imageSize: [size, size],
    colorMode: "grayscale",
    batchSize: 32,
    seed: 1,
    verbose: false,
  });
  let model = convnet(size);
  let t = performance.now();
  await model.fit(ds, { epochs, verbose: 0 });
  const folder = (performance.now() - t) / 1000;
  model = convnet(size);
  t = performance.now();
  await model.fit(written!.images, written!.labels, { epochs, batchSize: 32, verbose: 0 });
  return { folder, tensors: (performance.now() - t) / 1000 };
}

async function rate(parallel: number): Promise<number> {
  const ds = await st.utils.imageDatasetFromDirectory(dir, {
    imageSize: [resize, resize],
    colorMode: "grayscale",
    batchSize: 32,
    seed: 1,
    verbose: false,
    numParallelCalls: parallel,
  });
  const t = performance.now();
  let n = 0;
  for await (const [x] of ds) n += x.shape[0]!;
  return n / ((performance.now() - t) / 1000);
}

try {
  const what = await writeImages();
  console.log(
    `${what}, resized to ${resize}x${resize}, batches of 32, ${availableParallelism()} cores`,
  );
  const best: Record<string, number> = { "1": 0, AUTOTUNE: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [name, p] of [
      ["1", 1],
      ["AUTOTUNE", st.data.AUTOTUNE],
    ] as const) {
      const v = await rate(p);
      best[name] = Math.max(best[name]!, v);
      console.log(`round ${r + 1} numParallelCalls ${name}: ${v.toFixed(0)} images/s`);
    }
  }
  console.log(
    `best: numParallelCalls 1 ${best["1"]!.toFixed(0)} images/s, AUTOTUNE ${best["AUTOTUNE"]!.toFixed(0)} images/s`,
  );
  const fitEpochs = Number(args["fit-epochs"] ?? 0);
  if (fitEpochs > 0) {
    const { folder, tensors } = await fitTimes(fitEpochs);
    console.log(
      `fit ${fitEpochs} epochs: from the folder ${folder.toFixed(2)} s, from tensors ` +
        `${tensors.toFixed(2)} s (folder / tensors = ${(folder / tensors).toFixed(2)})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
