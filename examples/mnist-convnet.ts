// Deep Learning with Python, ch. 8: the small convnet for MNIST (104,202 parameters).
import * as st from "../src/index.js";
import { Input, Model, layers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

await run("MNIST convnet test accuracy", async () => {
  st.random.setSeed(seed);
  const [[trainImages, trainLabels], [testImages, testLabels]] =
    await st.datasets.mnist.loadData(dataOptions);
  const prepare = (images: st.Tensor) =>
    images.reshape([images.shape[0]!, 28, 28, 1]).cast("float32").div(255);

  const inputs = Input({ shape: [28, 28, 1] });
  let x = new layers.Conv2D(32, 3, { activation: "relu" }).apply(inputs);
  x = new layers.MaxPooling2D(2).apply(x);
  x = new layers.Conv2D(64, 3, { activation: "relu" }).apply(x);
  x = new layers.MaxPooling2D(2).apply(x);
  x = new layers.Conv2D(128, 3, { activation: "relu" }).apply(x);
  x = new layers.Flatten().apply(x);
  const outputs = new layers.Dense(10, { activation: "softmax" }).apply(x);
  const model = new Model({ inputs, outputs });
  model.summary();

  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(head(prepare(trainImages), 256), head(trainLabels, 256), {
    epochs: quick ? 1 : 5,
    batchSize: 64,
    verbose: quick ? 0 : 1,
  });
  const { accuracy } = await model.evaluate(head(prepare(testImages), 128), head(testLabels, 128));
  return accuracy!.toFixed(4);
});
