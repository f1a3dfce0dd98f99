// Deep Learning with Python, ch. 12 (and keras.io's "DCGAN to generate face images"), on MNIST's
// 28 × 28 digits: a generator turns 128 random numbers into a digit, a discriminator tells real
// digits from generated ones, and a Model subclass's own trainStep trains them against each other
// with two optimizers. A callback writes a grid of generated digits as a PNG after every epoch
// (`--out DIR`, default a folder under the system's temp dir).
//
// The generator and discriminator are keras.io's, scaled to 28 × 28 and to this project's CPU:
// two upsamplings (7 → 14 → 28) of 64 and 32 filters where the guide has three of 128–512 for
// 64 × 64 faces. `--epochs N` (default 10) and `--samples N` (default all 70,000 digits) set the
// length of the run.
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Input, Model, Sequential, layers, metrics, ops, optimizers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

type CompileOptions = NonNullable<Parameters<Model["compile"]>[0]>;

/** Keras's GAN.compile(d_optimizer, g_optimizer, loss_fn), as options beside compile's own. */
interface GANCompileOptions extends CompileOptions {
  dOptimizer: optimizers.Optimizer;
  gOptimizer: optimizers.Optimizer;
  lossFn: st.losses.Loss;
}

/** The GAN: one step trains the discriminator on real and fake digits, then the generator. */
class GAN extends Model {
  private readonly seedGenerator = new st.random.SeedGenerator(1337);
  private dOptimizer: optimizers.Optimizer | null = null;
  private gOptimizer: optimizers.Optimizer | null = null;
  private lossFn: st.losses.Loss | null = null;
  readonly dLossMetric = new metrics.Mean({ name: "d_loss" });
  readonly gLossMetric = new metrics.Mean({ name: "g_loss" });

  constructor(
    readonly discriminator: Model,
    readonly generator: Model,
    readonly latentDim: number,
  ) {
    super();
  }

  // No compiled loss: two optimizers and the loss function the trainStep uses.
  override compile({ dOptimizer, gOptimizer, lossFn, ...rest }: GANCompileOptions): void {
    super.compile(rest);
    this.dOptimizer = dOptimizer;
    this.gOptimizer = gOptimizer;
    this.lossFn = lossFn;
  }

  override get metrics(): st.metrics.Metric[] {
    return [this.dLossMetric, this.gLossMetric];
  }

  override trainStep(realImages: st.StepData): st.StepLogs {
    const real = realImages as st.Tensor; // fit(x) without targets: the batch itself
    const batchSize = real.shape[0]!;
    const lossFn = this.lossFn!;

    // Decode random points to fake images and train the discriminator on fakes (label 1) and
    // real images (label 0), with a little noise on the labels (an important trick).
    let randomLatentVectors = st.random.normal([batchSize, this.latentDim], {
      seed: this.seedGenerator,
    });
    const generatedImages = this.generator.apply(randomLatentVectors, { training: true });
    const combinedImages = ops.concatenate([generatedImages, real], 0);
    let labels = ops.concatenate([ops.ones([batchSize, 1]), ops.zeros([batchSize, 1])], 0);
    labels = ops.add(
      labels,
      ops.multiply(0.05, st.random.uniform(labels.shape, { seed: this.seedGenerator })),
    );
    const dWeights = this.discriminator.trainableWeights;
    const d = st.valueAndGrad(() => {
      const predictions = this.discriminator.apply(combinedImages, { training: true });
      return lossFn.apply(labels, predictions);
    }, dWeights);
    this.dOptimizer!.apply(d.grads, dWeights);

    // Train the generator (the discriminator's weights untouched) to make the discriminator
    // call its images real.
    randomLatentVectors = st.random.normal([batchSize, this.latentDim], {
      seed: this.seedGenerator,
    });
    const misleadingLabels = ops.zeros([batchSize, 1]);
    const gWeights = this.generator.trainableWeights;
    const g = st.valueAndGrad(() => {
      const fakes = this.generator.apply(randomLatentVectors, { training: true });
      const predictions = this.discriminator.apply(fakes, { training: true });
      return lossFn.apply(misleadingLabels, predictions);
    }, gWeights);
    this.gOptimizer!.apply(g.grads, gWeights);

    this.dLossMetric.updateState(d.value);
    this.gLossMetric.updateState(g.value);
    return { d_loss: this.dLossMetric.result(), g_loss: this.gLossMetric.result() };
  }
}

/** Writes a side × side grid of generated digits after every epoch (keras.io's GANMonitor). */
class GANMonitor extends st.callbacks.Callback {
  private readonly seedGenerator = new st.random.SeedGenerator(42);

  constructor(
    readonly outDir: string,
    readonly side = 4,
    readonly latentDim = 128,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    if (!(this.model instanceof GAN)) throw new Error("GANMonitor: the model is not a GAN");
    const n = this.side;
    const randomLatentVectors = st.random.normal([n * n, this.latentDim], {
      seed: this.seedGenerator,
    });
    const images = this.model.generator.predictOnBatch(randomLatentVectors) as st.Tensor;
    const grid = ops.reshape(ops.transpose(ops.reshape(images, [n, n, 28, 28]), [0, 2, 1, 3]), [
      n * 28,
      n * 28,
      1,
    ]);
    const path = join(this.outDir, `generated_${String(epoch).padStart(3, "0")}.png`);
    await st.utils.saveImg(path, ops.multiply(grid, 255), { scale: false });
    console.log(`samples of epoch ${epoch + 1} written to ${path}`);
  }
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

await run("DCGAN (MNIST) final losses", async () => {
  st.random.setSeed(seed);
  const latentDim = 128;

  const discriminator = new Sequential(
    [
      Input({ shape: [28, 28, 1] }),
      new layers.Conv2D(32, 4, { strides: 2, padding: "same" }),
      new layers.LeakyReLU({ negativeSlope: 0.2 }),
      new layers.Conv2D(64, 4, { strides: 2, padding: "same" }),
      new layers.LeakyReLU({ negativeSlope: 0.2 }),
      new layers.Conv2D(64, 4, { strides: 2, padding: "same" }),
      new layers.LeakyReLU({ negativeSlope: 0.2 }),
      new layers.Flatten(),
      new layers.Dropout(0.2),
      new layers.Dense(1, { activation: "sigmoid" }),
    ],
    { name: "discriminator" },
  );
  discriminator.summary();

  const generator = new Sequential(
    [
      Input({ shape: [latentDim] }),
      new layers.Dense(7 * 7 * 64),
      new layers.Reshape([7, 7, 64]),
      new layers.Conv2DTranspose(64, 4, { strides: 2, padding: "same" }),
      new layers.LeakyReLU({ negativeSlope: 0.2 }),
      new layers.Conv2DTranspose(32, 4, { strides: 2, padding: "same" }),
      new layers.LeakyReLU({ negativeSlope: 0.2 }),
      new layers.Conv2D(1, 5, { padding: "same", activation: "sigmoid" }),
    ],
    { name: "generator" },
  );
  generator.summary();

  // All 70,000 digits (train and test; a GAN needs no labels), scaled to [0, 1].
  const [[trainImages], [testImages]] = await st.datasets.mnist.loadData(dataOptions);
  let digits = head(ops.concatenate([trainImages, testImages], 0), 128);
  const samples = argValue("--samples");
  if (samples !== undefined) digits = ops.slice(digits, [0, 0, 0], [Number(samples), 28, 28]);
  const images = digits.reshape([-1, 28, 28, 1]).cast("float32").div(255);
  const batchSize = quick ? 32 : 64;
  // A dataset of image batches without labels, as the guide's image_dataset_from_directory.
  const dataset = st.data.Dataset.fromTensorSlices(images).shuffle(1024).batch(batchSize);

  const epochsArg = argValue("--epochs");
  const epochs = quick ? 1 : epochsArg !== undefined ? Number(epochsArg) : 10;
  const outDir = argValue("--out") ?? join(tmpdir(), "strata-dcgan");
  await mkdir(outDir, { recursive: true });

  const gan = new GAN(discriminator, generator, latentDim);
  gan.compile({
    dOptimizer: new optimizers.Adam(0.0001),
    gOptimizer: new optimizers.Adam(0.0001),
    lossFn: new st.losses.BinaryCrossentropy(),
  });
  const history = await gan.fit(dataset, {
    epochs,
    verbose: quick ? 0 : 1,
    callbacks: [new GANMonitor(outDir, 4, latentDim)],
  });

  const last = (name: string) => history.history[name]!.at(-1)!.toFixed(4);
  return `d_loss ${last("d_loss")}, g_loss ${last("g_loss")} after ${epochs} epoch(s) on ${images.shape[0]} digits`;
});
