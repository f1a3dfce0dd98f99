// Shared by grad-cam.ts and convnet-filters.ts (book ch. 9): the small Fashion-MNIST convnet whose
// insides they look at, trained here (quick mode: a few hundred images, one epoch), and the
// image helpers both use to write what they see as PNG files.
import * as st from "../src/index.js";
import { Model, layers, ops } from "../src/index.js";
import { dataOptions, head, quick, seed } from "./common.js";

export const CLASSES = [
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

/** The trained convnet, its test accuracy and the test images ([n, 28, 28, 1] floats in [0, 255]). */
export interface TrainedConvnet {
  model: Model;
  accuracy: number;
  xTest: st.Tensor;
  yTest: st.Tensor;
}

/**
 * The book's ch. 8 convnet with named convolutions (conv1, conv2, last_conv) and global average
 * pooling before the classifier (so Grad-CAM's last convolution keeps a 3 × 3 map), trained
 * with RMSprop on Fashion-MNIST (tested on all 10,000 test images; 200 in quick mode).
 */
export async function trainFashionConvnet(): Promise<TrainedConvnet> {
  const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] =
    await st.datasets.fashionMnist.loadData(dataOptions);
  const prepare = (x: st.Tensor): st.Tensor => x.reshape([x.shape[0]!, 28, 28, 1]).cast("float32");
  // A modest budget outside quick mode: the first 12,000 training images, 3 epochs (enough for a
  // convnet worth looking inside; ch. 8's full run is mnist-convnet.ts / image-folder.ts).
  const trainRows = quick ? 500 : 12000;
  const first = (t: st.Tensor): st.Tensor =>
    ops.slice(t, [0, ...t.shape.slice(1).map(() => 0)], [trainRows, ...t.shape.slice(1)]);
  const xTrain = prepare(first(xTrainAll));
  const yTrain = first(yTrainAll);
  const xTest = prepare(head(xTestAll, 200));
  const yTest = head(yTestAll, 200);

  st.random.setSeed(seed);
  const inputs = st.Input({ shape: [28, 28, 1] });
  let x = new layers.Rescaling(1 / 255).apply(inputs);
  x = new layers.Conv2D(32, 3, { activation: "relu", name: "conv1" }).apply(x);
  x = new layers.MaxPooling2D(2, { name: "pool1" }).apply(x);
  x = new layers.Conv2D(64, 3, { activation: "relu", name: "conv2" }).apply(x);
  x = new layers.MaxPooling2D(2, { name: "pool2" }).apply(x);
  x = new layers.Conv2D(128, 3, { activation: "relu", name: "last_conv" }).apply(x);
  x = new layers.GlobalAveragePooling2D({ name: "avg_pool" }).apply(x);
  const outputs = new layers.Dense(10, { activation: "softmax", name: "predictions" }).apply(x);
  const model = new Model({ inputs, outputs, name: "fashion_convnet" });
  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(xTrain, yTrain, {
    epochs: quick ? 1 : 3,
    batchSize: 64,
    validationSplit: 0.1,
    verbose: quick ? 0 : 2,
  });
  const accuracy = (await model.evaluate(xTest, yTest, { verbose: 0 })).accuracy!;
  console.log(
    `trained the convnet (${model.countParams()} parameters) on ${xTrain.shape[0]} Fashion-MNIST ` +
      `images: test accuracy ${accuracy.toFixed(4)} on ${xTest.shape[0]}`,
  );
  return { model, accuracy, xTest, yTest };
}

/** Row `i` of a batch, keeping the batch axis: [1, ...rest]. */
export function row(x: st.Tensor, i: number): st.Tensor {
  return ops.slice(x, [i, ...x.shape.slice(1).map(() => 0)], [1, ...x.shape.slice(1)]);
}

/** Scales a tensor's values linearly onto [0, 255] (a constant tensor becomes 0). */
export function toByteRange(x: st.Tensor): st.Tensor {
  const lo = ops.min(x);
  const span = ops.maximum(ops.subtract(ops.max(x), lo), 1e-8);
  return ops.multiply(ops.divide(ops.subtract(x, lo), span), 255);
}

/**
 * Tiles `images` ([n, h, w, c]) into a grid `cols` wide with a `margin`-pixel black border
 * between cells: one [rows·(h+margin)−margin, cols·(w+margin)−margin, c] image.
 */
export function grid(images: st.Tensor, cols: number, margin = 2): st.Tensor {
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const rows = Math.ceil(n / cols);
  const H = rows * (h + margin) - margin;
  const W = cols * (w + margin) - margin;
  const src = images.dataSync();
  const out = new Float32Array(H * W * c);
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (h + margin);
    const left = (k % cols) * (w + margin);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++)
          out[((top + y) * W + left + x) * c + ch] = src[((k * h + y) * w + x) * c + ch]!;
  }
  return st.tensor(out, [H, W, c]);
}
