// Deep Learning with Python, ch. 7: writing the training loop yourself — valueAndGrad for the
// gradients, the optimizer to apply them, metrics updated and reset by hand.
import * as st from "../src/index.js";
import { Input, Sequential, layers, metrics, ops, optimizers } from "../src/index.js";
import { dataOptions, head, quick, run, seed } from "./common.js";

await run("custom training loop (MNIST) test accuracy", async () => {
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

  const model = new Sequential([
    Input({ shape: [28 * 28] }),
    new layers.Dense(512, { activation: "relu" }),
    new layers.Dropout(0.5),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  const lossFn = new st.losses.SparseCategoricalCrossentropy();
  const optimizer = new optimizers.RMSprop();
  const accuracy = new metrics.SparseCategoricalAccuracy();
  const lossTracker = new metrics.Mean({ name: "loss" });

  const trainStep = (inputs: st.Tensor, targets: st.Tensor) => {
    let predictions = inputs;
    const { value, grads } = st.valueAndGrad(() => {
      predictions = model.apply(inputs, { training: true });
      return lossFn.apply(targets, predictions);
    }, model.trainableWeights);
    optimizer.apply(grads, model.trainableWeights);
    accuracy.updateState(targets, predictions);
    lossTracker.updateState(value);
  };

  const batchSize = 128;
  for (let epoch = 0; epoch < (quick ? 1 : 3); epoch++) {
    accuracy.resetState();
    lossTracker.resetState();
    for (let start = 0; start < x.shape[0]!; start += batchSize) {
      const size = Math.min(batchSize, x.shape[0]! - start);
      trainStep(ops.slice(x, [start, 0], [size, 784]), ops.slice(y, [start], [size]));
    }
    console.log(
      `epoch ${epoch + 1}: loss ${Number(lossTracker.result().item()).toFixed(4)}, accuracy ${Number(accuracy.result().item()).toFixed(4)}`,
    );
  }

  accuracy.resetState();
  const xTest = head(prepare(testImages), 256);
  accuracy.updateState(head(testLabels, 256), model.apply(xTest, { training: false }));
  return Number(accuracy.result().item()).toFixed(4);
});
