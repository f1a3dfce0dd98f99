// Deep Learning with Python, ch. 2: the first neural network — a two-layer MLP on MNIST.
import * as st from "../src/index.js";
import { Sequential, layers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

await run("MNIST MLP test accuracy", async () => {
  st.random.setSeed(seed);
  const [[trainImages, trainLabels], [testImages, testLabels]] =
    await st.datasets.mnist.loadData(dataOptions);
  const prepare = (images: st.Tensor) =>
    images
      .reshape([images.shape[0]!, 28 * 28])
      .cast("float32")
      .div(255);
  const x = head(prepare(trainImages), 512);
  const y = head(trainLabels, 512);

  // No input shape: the model builds on its first batch, as in the book.
  const model = new Sequential([
    new layers.Dense(512, { activation: "relu" }),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(x, y, { epochs: quick ? 1 : 5, batchSize: 128, verbose: quick ? 0 : 1 });

  const { accuracy } = await model.evaluate(head(prepare(testImages), 256), head(testLabels, 256));
  return accuracy!.toFixed(4);
});
