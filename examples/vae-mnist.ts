// Deep Learning with Python, ch. 12 (and keras.io's "Variational AutoEncoder" guide): a VAE on
// MNIST with a two-dimensional latent space. The encoder maps a digit to the mean and log-variance
// of a normal distribution, a Sampling layer draws z from it, the decoder maps z back to a digit;
// a Model subclass's own trainStep minimises reconstruction + KL divergence. Writes the decoded
// 2-D latent grid as a PNG (`--out DIR`, default a folder under the system's temp dir).
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Input, Model, layers, metrics, ops, optimizers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

/** Draws z = zMean + exp(zLogVar / 2) · ε with ε ~ N(0, 1): the reparameterization trick. */
class Sampling extends layers.Layer {
  private readonly seedGenerator = new st.random.SeedGenerator(1337);

  override call(inputs: st.Tensor[]): st.Tensor {
    const [zMean, zLogVar] = inputs as [st.Tensor, st.Tensor];
    const [batch, dim] = zMean.shape as [number, number];
    const epsilon = st.random.normal([batch, dim], { seed: this.seedGenerator });
    return ops.add(zMean, ops.multiply(ops.exp(ops.multiply(0.5, zLogVar)), epsilon));
  }
}

/** The VAE: an encoder and a decoder trained together by a custom trainStep. */
class VAE extends Model {
  readonly totalLossTracker = new metrics.Mean({ name: "total_loss" });
  readonly reconstructionLossTracker = new metrics.Mean({ name: "reconstruction_loss" });
  readonly klLossTracker = new metrics.Mean({ name: "kl_loss" });

  constructor(
    readonly encoder: Model,
    readonly decoder: Model,
  ) {
    super();
  }

  // As Keras's guide: listing the trackers here lets fit reset them at each epoch.
  override get metrics(): st.metrics.Metric[] {
    return [this.totalLossTracker, this.reconstructionLossTracker, this.klLossTracker];
  }

  override trainStep(data: st.StepData): st.StepLogs {
    // fit(x) without targets: data is the batch of images itself.
    const images = data as st.Tensor;
    let reconstructionLoss = st.tensor(0);
    let klLoss = st.tensor(0);
    const { value: totalLoss, grads } = st.valueAndGrad(() => {
      const [zMean, zLogVar, z] = this.encoder.applyAll(images, { training: true });
      const reconstruction = this.decoder.apply(z!, { training: true }) as st.Tensor;
      reconstructionLoss = ops.mean(
        ops.sum(st.losses.binaryCrossentropy(images, reconstruction), [1, 2]),
      );
      // −½ (1 + log σ² − μ² − σ²), summed over the latent dimensions.
      const kl = ops.multiply(
        -0.5,
        ops.subtract(ops.subtract(ops.add(1, zLogVar!), ops.square(zMean!)), ops.exp(zLogVar!)),
      );
      klLoss = ops.mean(ops.sum(kl, 1));
      return ops.add(reconstructionLoss, klLoss);
    }, this.trainableWeights);
    this.optimizer!.apply(grads, this.trainableWeights);
    this.totalLossTracker.updateState(totalLoss);
    this.reconstructionLossTracker.updateState(reconstructionLoss);
    this.klLossTracker.updateState(klLoss);
    return {
      loss: this.totalLossTracker.result(),
      reconstruction_loss: this.reconstructionLossTracker.result(),
      kl_loss: this.klLossTracker.result(),
    };
  }
}

/** The decoder's digits for an n × n grid of latent points in [−scale, scale]², as one image. */
function latentGrid(decoder: Model, n: number, scale = 1): st.Tensor {
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    const y = scale - (2 * scale * i) / (n - 1); // top row: largest z₁, as the guide plots it
    for (let j = 0; j < n; j++) points.push([-scale + (2 * scale * j) / (n - 1), y]);
  }
  const digits = decoder.predictOnBatch(st.tensor(points)) as st.Tensor; // [n², 28, 28, 1]
  const rows = ops.transpose(ops.reshape(digits, [n, n, 28, 28]), [0, 2, 1, 3]);
  return ops.reshape(rows, [n * 28, n * 28, 1]);
}

/** Matplotlib's "tab10" colours, one per digit class. */
const TAB10 = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/**
 * The guide's `plot_label_clusters`: each digit's z_mean as a point coloured by its class, on a
 * size × size image spanning the points' range. Returns the image and z_mean's spread per axis.
 */
async function labelClusters(encoder: Model, images: st.Tensor, labels: st.Tensor, size = 512) {
  const [zMean] = (await encoder.predict(images, { batchSize: 512, verbose: 0 })) as st.Tensor[];
  const z = zMean!.dataSync();
  const cls = labels.dataSync();
  const n = cls.length;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  const mean = [0, 0];
  for (let i = 0; i < n; i++) {
    for (const a of [0, 1]) {
      const v = z[2 * i + a]!;
      lo[a] = Math.min(lo[a]!, v);
      hi[a] = Math.max(hi[a]!, v);
      mean[a]! += v / n;
    }
  }
  const spread = [0, 1].map((a) => {
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (z[2 * i + a]! - mean[a]!) ** 2;
    return Math.sqrt(sq / n);
  });
  const pixels = new Float32Array(size * size * 3).fill(255);
  const at = (v: number, a: number) =>
    Math.min(size - 2, Math.floor(((v - lo[a]!) / (hi[a]! - lo[a]! || 1)) * (size - 2)));
  for (let i = 0; i < n; i++) {
    const col = at(z[2 * i]!, 0);
    const row = size - 2 - at(z[2 * i + 1]!, 1); // z₁ grows upwards, as in the plot
    for (const [dr, dc] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ])
      pixels.set(TAB10[cls[i]! % 10]!, ((row + dr!) * size + col + dc!) * 3);
  }
  return { image: st.tensor(pixels, [size, size, 3]), spread };
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

await run("VAE (MNIST) final loss terms", async () => {
  st.random.setSeed(seed);
  const latentDim = 2;

  const encoderInputs = Input({ shape: [28, 28, 1] });
  let x = new layers.Conv2D(32, 3, { activation: "relu", strides: 2, padding: "same" }).apply(
    encoderInputs,
  );
  x = new layers.Conv2D(64, 3, { activation: "relu", strides: 2, padding: "same" }).apply(x);
  x = new layers.Flatten().apply(x);
  x = new layers.Dense(16, { activation: "relu" }).apply(x);
  const zMean = new layers.Dense(latentDim, { name: "z_mean" }).apply(x);
  const zLogVar = new layers.Dense(latentDim, { name: "z_log_var" }).apply(x);
  const z = new Sampling().apply([zMean, zLogVar]);
  const encoder = new Model(encoderInputs, [zMean, zLogVar, z], { name: "encoder" });
  encoder.summary();

  const latentInputs = Input({ shape: [latentDim] });
  let y = new layers.Dense(7 * 7 * 64, { activation: "relu" }).apply(latentInputs);
  y = new layers.Reshape([7, 7, 64]).apply(y);
  y = new layers.Conv2DTranspose(64, 3, { activation: "relu", strides: 2, padding: "same" }).apply(
    y,
  );
  y = new layers.Conv2DTranspose(32, 3, { activation: "relu", strides: 2, padding: "same" }).apply(
    y,
  );
  const decoderOutputs = new layers.Conv2DTranspose(1, 3, {
    activation: "sigmoid",
    padding: "same",
  }).apply(y);
  const decoder = new Model(latentInputs, decoderOutputs, { name: "decoder" });
  decoder.summary();

  // All 70,000 digits, train and test together, scaled to [0, 1].
  const [[trainImages, trainLabels], [testImages]] = await st.datasets.mnist.loadData(dataOptions);
  const mnistDigits = head(ops.concatenate([trainImages, testImages], 0), 256)
    .reshape([-1, 28, 28, 1])
    .cast("float32")
    .div(255);

  const epochsArg = argValue("--epochs");
  const epochs = quick ? 1 : epochsArg !== undefined ? Number(epochsArg) : 30;
  const vae = new VAE(encoder, decoder);
  vae.compile({ optimizer: new optimizers.Adam() });
  const history = await vae.fit(mnistDigits, { epochs, batchSize: 128, verbose: quick ? 0 : 1 });

  const outDir = argValue("--out") ?? join(tmpdir(), "strata-vae-mnist");
  await mkdir(outDir, { recursive: true });
  const gridPath = join(outDir, "latent-grid.png");
  await st.utils.saveImg(gridPath, ops.multiply(latentGrid(decoder, quick ? 10 : 30), 255), {
    scale: false,
  });
  console.log(`latent grid written to ${gridPath}`);

  // The training digits' z_mean, coloured by class.
  const xTrain = head(trainImages, 256).reshape([-1, 28, 28, 1]).cast("float32").div(255);
  const { image, spread } = await labelClusters(encoder, xTrain, head(trainLabels, 256));
  const clustersPath = join(outDir, "label-clusters.png");
  await st.utils.saveImg(clustersPath, image, { scale: false });
  console.log(
    `label clusters written to ${clustersPath} (z_mean standard deviation ${spread.map((s) => s.toFixed(2)).join(", ")})`,
  );

  const last = (name: string) => history.history[name]!.at(-1)!.toFixed(2);
  return `reconstruction ${last("reconstruction_loss")}, KL ${last("kl_loss")}, total ${last("loss")} after ${epochs} epoch(s)`;
});
