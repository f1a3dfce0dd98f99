// Deep Learning with Python, ch. 8: a convnet trained from a folder of image files, with data
// augmentation and `Rescaling` inside the model (the book's small-data cats-vs-dogs recipe).
//
// Fashion-MNIST's real images stand in for the book's photos: the example writes a balanced subset
// as PNG files into one folder per class (train/ and test/), then trains from the folders with
// `imageDatasetFromDirectory` (decoded lazily, in parallel with training) and, for comparison, the
// same model on the same images held as tensors.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { Model, Sequential, layers } from "../src/index.js";
import { dataOptions, quick, run, seed } from "./common.js";

const CLASSES = [
  "t-shirt",
  "trouser",
  "pullover",
  "dress",
  "coat",
  "sandal",
  "shirt",
  "sneaker",
  "bag",
  "ankle-boot",
];
const perClassTrain = quick ? 20 : 1000;
const perClassTest = quick ? 10 : 200;
const epochs = quick ? 1 : 20;

/** Up to `perClass` images of each class, in file order: their row indices by class. */
function pick(y: st.Tensor, perClass: number): number[][] {
  const labels = y.dataSync();
  const byClass = CLASSES.map((): number[] => []);
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass[labels[i]!]!;
    if (rows.length < perClass) rows.push(i);
  }
  return byClass;
}

/** The rows of the classes in `keep`: [images uint8 [n,28,28,1], labels int32 [n]]. */
function rows(
  x: st.Tensor,
  y: st.Tensor,
  byClass: number[][],
  keep: number[],
): [st.Tensor, st.Tensor] {
  const picked = keep.flatMap((c) => byClass[c]!).sort((a, b) => a - b);
  const idx = st.tensor(Int32Array.from(picked), [picked.length]);
  const images = st.ops.take(x, idx, 0).reshape([picked.length, 28, 28, 1]);
  return [images, st.ops.take(y, idx, 0).cast("int32")];
}

/** Writes each image as `<dir>/<class>/<i>.png`. */
async function writeFolder(dir: string, images: st.Tensor, labels: st.Tensor): Promise<void> {
  const y = labels.dataSync();
  for (const c of new Set(y)) await mkdir(join(dir, CLASSES[c]!), { recursive: true });
  const n = images.shape[0]!;
  for (let i = 0; i < n; i++) {
    const image = st.ops.slice(images, [i, 0, 0, 0], [1, 28, 28, 1]).reshape([28, 28, 1]);
    await st.utils.saveImg(join(dir, CLASSES[y[i]!]!, `${i}.png`), image, { scale: false });
  }
}

function convnet(): Model {
  const dataAugmentation = new Sequential([
    new layers.RandomFlip("horizontal"),
    new layers.RandomRotation(0.1),
    new layers.RandomZoom(0.2),
  ]);
  const inputs = st.Input({ shape: [28, 28, 1] });
  let x = dataAugmentation.apply(inputs);
  x = new layers.Rescaling(1 / 255).apply(x);
  x = new layers.Conv2D(32, 3, { activation: "relu" }).apply(x);
  x = new layers.MaxPooling2D(2).apply(x);
  x = new layers.Conv2D(64, 3, { activation: "relu" }).apply(x);
  x = new layers.MaxPooling2D(2).apply(x);
  x = new layers.Conv2D(128, 3, { activation: "relu" }).apply(x);
  x = new layers.Flatten().apply(x);
  x = new layers.Dropout(0.5).apply(x);
  const outputs = new layers.Dense(CLASSES.length, { activation: "softmax" }).apply(x);
  const model = new Model({ inputs, outputs });
  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

await run("Fashion-MNIST from image folders, test accuracy", async () => {
  const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] =
    await st.datasets.fashionMnist.loadData(dataOptions);
  // Every class has thousands of images; the small test fixtures may lack some classes.
  const trainRows = pick(yTrainAll, perClassTrain);
  const testRows = pick(yTestAll, perClassTest);
  const keep = CLASSES.map((_, c) => c).filter(
    (c) => trainRows[c]!.length > 0 && testRows[c]!.length > 0,
  );
  const [xTrain, yTrain] = rows(xTrainAll, yTrainAll, trainRows, keep);
  const [xTest, yTest] = rows(xTestAll, yTestAll, testRows, keep);

  const root = await mkdtemp(join(tmpdir(), "strata-image-folder-"));
  try {
    let start = performance.now();
    await writeFolder(join(root, "train"), xTrain, yTrain);
    await writeFolder(join(root, "test"), xTest, yTest);
    const files = xTrain.shape[0]! + xTest.shape[0]!;
    console.log(`wrote ${files} PNG files in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    const folder = { imageSize: [28, 28] as [number, number], colorMode: "grayscale" as const };
    const [trainDataset, validationDataset] = (await st.utils.imageDatasetFromDirectory(
      join(root, "train"),
      { ...folder, batchSize: 32, validationSplit: 0.2, subset: "both", seed },
    )) as [st.data.Dataset, st.data.Dataset];
    const testDataset = (await st.utils.imageDatasetFromDirectory(join(root, "test"), {
      ...folder,
      batchSize: 32,
      shuffle: false,
    })) as st.data.Dataset;

    st.random.setSeed(seed);
    const fromFolder = convnet();
    start = performance.now();
    await fromFolder.fit(trainDataset, {
      epochs,
      validationData: validationDataset,
      verbose: quick ? 0 : 2,
    });
    const folderSeconds = (performance.now() - start) / 1000;
    const folderAccuracy = (await fromFolder.evaluate(testDataset, { verbose: 0 })).accuracy!;

    // The same model and images, as tensors (the folder's labels are its sorted class names).
    const names = keep.map((c) => CLASSES[c]!).sort();
    const relabel = (y: st.Tensor): st.Tensor =>
      st.tensor(
        Int32Array.from(y.dataSync(), (c) => names.indexOf(CLASSES[c]!)),
        y.shape,
      );
    st.random.setSeed(seed);
    const fromTensors = convnet();
    start = performance.now();
    await fromTensors.fit(xTrain, relabel(yTrain), {
      epochs,
      batchSize: 32,
      validationSplit: 0.2,
      shuffle: true,
      verbose: quick ? 0 : 2,
    });
    const tensorSeconds = (performance.now() - start) / 1000;
    const tensorAccuracy = (await fromTensors.evaluate(xTest, relabel(yTest), { verbose: 0 }))
      .accuracy!;
    console.log(
      `from the folder: test accuracy ${folderAccuracy.toFixed(4)}, fit ${folderSeconds.toFixed(1)} s; ` +
        `from tensors: test accuracy ${tensorAccuracy.toFixed(4)}, fit ${tensorSeconds.toFixed(1)} s`,
    );
    return `${folderAccuracy.toFixed(4)} (from tensors ${tensorAccuracy.toFixed(4)})`;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
