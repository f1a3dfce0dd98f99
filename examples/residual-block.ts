// Deep Learning with Python, ch. 9: residual connections — blocks whose input is added back to
// their output (a 1×1 convolution projects the residual when the filter count changes).
import * as st from "../src/index.js";
import { Input, Model, layers } from "../src/index.js";
import type { SymbolicTensor } from "../src/layers/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

/** Two 3×3 convolutions plus the block's input, projected when the filter count changes. */
function residualBlock(x: SymbolicTensor, filters: number, pooling: boolean): SymbolicTensor {
  let residual = x;
  x = new layers.Conv2D(filters, 3, { activation: "relu", padding: "same" }).apply(x);
  x = new layers.Conv2D(filters, 3, { activation: "relu", padding: "same" }).apply(x);
  if (pooling) {
    x = new layers.MaxPooling2D(2, { padding: "same" }).apply(x);
    residual = new layers.Conv2D(filters, 1, { strides: 2 }).apply(residual);
  } else if (residual.shape.at(-1) !== filters) {
    residual = new layers.Conv2D(filters, 1).apply(residual);
  }
  return layers.add([x, residual]);
}

await run("residual convnet (MNIST) test accuracy", async () => {
  st.random.setSeed(seed);
  const [[trainImages, trainLabels], [testImages, testLabels]] =
    await st.datasets.mnist.loadData(dataOptions);
  const prepare = (images: st.Tensor) =>
    images.reshape([images.shape[0]!, 28, 28, 1]).cast("float32").div(255);

  const inputs = Input({ shape: [28, 28, 1] });
  let x = new layers.Conv2D(16, 3, { activation: "relu" }).apply(inputs);
  x = residualBlock(x, 16, true);
  x = residualBlock(x, 32, true);
  x = residualBlock(x, 64, false);
  x = new layers.GlobalAveragePooling2D().apply(x);
  const outputs = new layers.Dense(10, { activation: "softmax" }).apply(x);
  const model = new Model({ inputs, outputs });
  model.summary();

  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(head(prepare(trainImages), 256), head(trainLabels, 256), {
    epochs: quick ? 1 : 2,
    batchSize: 64,
    verbose: quick ? 0 : 1,
  });
  const { accuracy } = await model.evaluate(head(prepare(testImages), 128), head(testLabels, 128));
  return accuracy!.toFixed(4);
});
