// `npm run example`: the book's MNIST convnet (Deep Learning with Python, ch. 8) trained on the
// 7,000 real MNIST digits shipped in examples/data/ (no download), then tested on digits it has
// never seen. About half a minute on two cores with the native backend.
import { fileURLToPath } from "node:url";
import * as st from "../src/index.js";
import { Input, Model, layers } from "../src/index.js";
import { quick, run, seed } from "./common.js";

await run("MNIST convnet test accuracy", async () => {
  st.random.setSeed(seed);
  // Keras's mnist.npz layout, cut to the first 6,000 training and 1,000 test digits.
  const [[trainImages, trainLabels], [testImages, testLabels]] = await st.datasets.mnist.loadData({
    cacheDir: fileURLToPath(new URL("data/", import.meta.url)),
    path: "mnist-7k.npz",
    checkHash: false,
  });
  const prepare = (images: st.Tensor) =>
    images.reshape([images.shape[0]!, 28, 28, 1]).cast("float32").div(255);
  const n = quick ? 512 : trainImages.shape[0]!;
  const x = prepare(trainImages).slice([0, 0, 0, 0], [n, 28, 28, 1]);
  const y = trainLabels.slice([0], [n]);
  console.log(
    `${n} training digits, ${testImages.shape[0]} test digits, on the ${st.getBackend()} backend`,
  );

  const inputs = Input({ shape: [28, 28, 1] });
  let h = new layers.Conv2D(32, 3, { activation: "relu" }).apply(inputs);
  h = new layers.MaxPooling2D(2).apply(h);
  h = new layers.Conv2D(64, 3, { activation: "relu" }).apply(h);
  h = new layers.MaxPooling2D(2).apply(h);
  h = new layers.Conv2D(128, 3, { activation: "relu" }).apply(h);
  h = new layers.Flatten().apply(h);
  const outputs = new layers.Dense(10, { activation: "softmax" }).apply(h);
  const model = new Model({ inputs, outputs });
  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(x, y, { epochs: quick ? 1 : 5, batchSize: 64, verbose: quick ? 0 : 1 });

  const { accuracy } = await model.evaluate(prepare(testImages), testLabels, { verbose: 0 });
  return accuracy!.toFixed(4);
});
