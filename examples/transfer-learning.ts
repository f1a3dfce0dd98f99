// Deep Learning with Python, ch. 8 ("Leveraging a pretrained model") and keras.io's "Transfer
// learning & fine-tuning": a pretrained convnet reused on a small image folder, three ways:
//  (a) feature extraction: the convolutional base's features computed once with predictOnBatch,
//      a Dense head trained on them;
//  (b) the base frozen (`trainable = false`) under a new head, with data augmentation, trained
//      end to end on the images;
//  (c) fine-tuning: the base's top block unfrozen (`model.layers` sliced at block_16), recompiled
//      with a small learning rate (`new optimizers.RMSprop(1e-5)`), the base called with
//      `training: false` so its BatchNormalization layers stay in inference mode (their moving
//      statistics are checked unchanged after the fit).
// The base is MobileNetV2 rather than the book's VGG16: ~30× fewer operations at a given size on
// this 2-core CPU, and it has the BatchNormalization layers that (c) is about (VGG16 has none).
// With the Keras file mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5 in
// ~/.keras/models or ~/.strata/models it loads ImageNet's weights; otherwise `weights: null` (an
// untrained base, said at the start: the numbers then show the pipeline, not transfer). Quick mode
// runs at 32×32 (no published weights there), always on `weights: null`.
// The image folder: Fashion-MNIST images written as PNG class folders (as image-folder.ts does),
// read by imageDatasetFromDirectory as RGB, resized to the base's input size.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Input, Model, Sequential, layers, ops, optimizers } from "../src/index.js";
import { cachedImagenetWeights, dataOptions, quick, run, seed } from "./common.js";
import { CLASSES } from "./fashion-convnet.js";

const SIZE = quick ? 32 : 96;
const PER_CLASS_TRAIN = quick ? 8 : 200;
const PER_CLASS_TEST = quick ? 4 : 50;
const EPOCHS = { features: quick ? 1 : 10, frozen: quick ? 1 : 5, fineTune: quick ? 1 : 5 };

/** Writes the first `perClass` images of each class as `<dir>/<class>/<i>.png`. */
async function writeFolder(dir: string, x: st.Tensor, y: st.Tensor, perClass: number) {
  const labels = y.dataSync();
  const written = CLASSES.map(() => 0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (written[c]! >= perClass) continue;
    if (written[c] === 0) await mkdir(join(dir, CLASSES[c]!), { recursive: true });
    written[c]!++;
    const image = ops.slice(x, [i, 0, 0], [1, 28, 28]).reshape([28, 28, 1]);
    await st.utils.saveImg(join(dir, CLASSES[c]!, `${i}.png`), image, { scale: false });
  }
}

/** The base's features and the labels of every batch of a dataset, computed once. */
async function extractFeatures(
  base: Model,
  dataset: st.data.Dataset,
): Promise<[st.Tensor, st.Tensor]> {
  const features: st.Tensor[] = [];
  const labels: st.Tensor[] = [];
  for await (const batch of dataset as AsyncIterable<[st.Tensor, st.Tensor]>) {
    const [images, y] = batch;
    features.push(
      base.predictOnBatch(st.applications.mobilenetV2.preprocessInput(images)) as st.Tensor,
    );
    labels.push(y);
  }
  return [ops.concatenate(features, 0), ops.concatenate(labels, 0)];
}

/** The book's head: Flatten → Dense(256) → Dropout(0.5) → Dense(classes, softmax). */
function head(x: ReturnType<typeof Input>): ReturnType<typeof Input> {
  let h = new layers.Flatten().apply(x);
  h = new layers.Dense(256, { activation: "relu" }).apply(h);
  h = new layers.Dropout(0.5).apply(h);
  return new layers.Dense(CLASSES.length, { activation: "softmax" }).apply(h);
}

function movingMean(base: Model, layerName: string): Float32Array {
  const v = base.getLayer(layerName).weights.find((w) => w.name.includes("moving_mean"))!;
  return Float32Array.from(v.value.dataSync());
}

await run("transfer learning on a Fashion-MNIST image folder, test accuracy", async () => {
  const weightsFile = quick
    ? null
    : cachedImagenetWeights(
        `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_${SIZE}_no_top.h5`,
      );
  console.log(
    `base: MobileNetV2 at ${SIZE}×${SIZE}, ` +
      (weightsFile === null
        ? "weights: null (no ImageNet file in ~/.keras/models or ~/.strata/models, or quick mode): an untrained base"
        : `ImageNet weights from ${weightsFile}`),
  );
  const [[xTrain, yTrain], [xTest, yTest]] = await st.datasets.fashionMnist.loadData(dataOptions);
  const root = await mkdtemp(join(tmpdir(), "strata-transfer-"));
  try {
    await writeFolder(join(root, "train"), xTrain, yTrain, PER_CLASS_TRAIN);
    await writeFolder(join(root, "test"), xTest, yTest, PER_CLASS_TEST);
    const folder = { imageSize: [SIZE, SIZE] as [number, number], colorMode: "rgb" as const };
    const [trainDs, validationDs] = (await st.utils.imageDatasetFromDirectory(join(root, "train"), {
      ...folder,
      batchSize: 32,
      validationSplit: 0.2,
      subset: "both",
      seed,
    })) as [st.data.Dataset, st.data.Dataset];
    const testDs = (await st.utils.imageDatasetFromDirectory(join(root, "test"), {
      ...folder,
      batchSize: 32,
      shuffle: false,
    })) as st.data.Dataset;

    st.random.setSeed(seed);
    const convBase = await st.applications.MobileNetV2({
      weights: weightsFile,
      includeTop: false,
      inputShape: [SIZE, SIZE, 3],
    });

    // (a) Feature extraction: the base runs once over every image; the head trains on its output.
    let start = performance.now();
    const [trainFeatures, trainLabels] = await extractFeatures(convBase, trainDs);
    const validation = await extractFeatures(convBase, validationDs);
    const [testFeatures, testLabels] = await extractFeatures(convBase, testDs);
    // An untrained base's features can collapse (ReLU6 after identity BatchNormalization): say so.
    const spread = ops.std(trainFeatures).item() as number;
    console.log(
      `features: standard deviation ${spread.toExponential(3)} over ${trainFeatures.shape[0]} images`,
    );
    const featureInput = Input({ shape: trainFeatures.shape.slice(1) as number[] });
    const featureModel = new Model({ inputs: featureInput, outputs: head(featureInput) });
    featureModel.compile({
      optimizer: "rmsprop",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    await featureModel.fit(trainFeatures, trainLabels, {
      epochs: EPOCHS.features,
      batchSize: 32,
      validationData: validation,
      verbose: quick ? 0 : 2,
    });
    const featuresAccuracy = (await featureModel.evaluate(testFeatures, testLabels, { verbose: 0 }))
      .accuracy!;
    console.log(
      `(a) feature extraction (features ${trainFeatures.shape.slice(1).join("×")}): test accuracy ` +
        `${featuresAccuracy.toFixed(4)} (${((performance.now() - start) / 1000).toFixed(1)} s)`,
    );

    // (b) The frozen base under a new head, with augmentation, on the images end to end.
    start = performance.now();
    const before = convBase.trainableWeights.length;
    convBase.trainable = false;
    console.log(
      `trainable weights of the base: ${before} before freezing, ${convBase.trainableWeights.length} after`,
    );
    const dataAugmentation = new Sequential([
      new layers.RandomFlip("horizontal"),
      new layers.RandomRotation(0.1),
      new layers.RandomZoom(0.2),
    ]);
    const inputs = Input({ shape: [SIZE, SIZE, 3] });
    let x = dataAugmentation.apply(inputs);
    x = new layers.Rescaling(1 / 127.5, { offset: -1 }).apply(x); // mobilenet_v2.preprocess_input
    x = convBase.apply(x, { training: false }); // BatchNormalization in inference mode, always
    const model = new Model({ inputs, outputs: head(x) });
    model.compile({
      optimizer: "rmsprop",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    await model.fit(trainDs, {
      epochs: EPOCHS.frozen,
      validationData: validationDs,
      verbose: quick ? 0 : 2,
    });
    const frozenAccuracy = (await model.evaluate(testDs, { verbose: 0 })).accuracy!;
    console.log(
      `(b) frozen base + augmentation: test accuracy ${frozenAccuracy.toFixed(4)} ` +
        `(${((performance.now() - start) / 1000).toFixed(1)} s)`,
    );

    // (c) Fine-tuning: everything below block_16 stays frozen; a small learning rate.
    start = performance.now();
    convBase.trainable = true;
    const top = convBase.layers.findIndex((l) => l.name.startsWith("block_16_"));
    for (const layer of convBase.layers.slice(0, top)) layer.trainable = false;
    const unfrozen = convBase.layers.slice(top).map((l) => l.name);
    console.log(`unfrozen: ${unfrozen.length} layers (${unfrozen[0]} … ${unfrozen.at(-1)})`);
    model.compile({
      optimizer: new optimizers.RMSprop(1e-5),
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const statsBefore = movingMean(convBase, "Conv_1_bn");
    await model.fit(trainDs, {
      epochs: EPOCHS.fineTune,
      validationData: validationDs,
      verbose: quick ? 0 : 2,
    });
    const statsAfter = movingMean(convBase, "Conv_1_bn");
    const unchanged = statsBefore.every((v, i) => v === statsAfter[i]);
    const fineTunedAccuracy = (await model.evaluate(testDs, { verbose: 0 })).accuracy!;
    console.log(
      `(c) fine-tuned top block: test accuracy ${fineTunedAccuracy.toFixed(4)} ` +
        `(${((performance.now() - start) / 1000).toFixed(1)} s); Conv_1_bn's moving mean ` +
        `${unchanged ? "unchanged (inference mode)" : "CHANGED"}`,
    );
    if (!unchanged)
      throw new Error("BatchNormalization was updated although called with training: false");
    return (
      `(a) ${featuresAccuracy.toFixed(4)}, (b) ${frozenAccuracy.toFixed(4)}, (c) ${fineTunedAccuracy.toFixed(4)} ` +
      `(${weightsFile === null ? "untrained" : "ImageNet"} MobileNetV2)`
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
