// Deep Learning with Python, ch. 4: predicting house prices, validated with K-fold.
import * as st from "../src/index.js";
import { Sequential, layers, ops } from "../src/index.js";
import { dataOptions, quick, run, seed } from "./common.js";

await run("Boston housing K-fold validation MAE", async () => {
  st.random.setSeed(seed);
  const [[trainData, trainTargets]] = await st.datasets.bostonHousing.loadData(dataOptions);
  // Normalize each feature with the training data's mean and standard deviation.
  const mean = ops.mean(trainData, 0);
  const std = ops.std(trainData, 0);
  const x = ops.divide(ops.subtract(trainData, mean), std);
  const y = trainTargets;

  const buildModel = () => {
    const model = new Sequential([
      new layers.Dense(64, { activation: "relu" }),
      new layers.Dense(64, { activation: "relu" }),
      new layers.Dense(1),
    ]);
    model.compile({ optimizer: "rmsprop", loss: "mse", metrics: ["mae"] });
    return model;
  };

  const k = 4;
  const numEpochs = quick ? 1 : 100;
  const foldSize = Math.floor(x.shape[0]! / k);
  const scores: number[] = [];
  for (const [i, fold] of st.utils.kFold(x.shape[0]!, k).entries()) {
    const model = buildModel();
    const take = (t: st.Tensor, idx: Int32Array) => ops.take(t, st.tensor(idx), 0);
    await model.fit(take(x, fold.train), take(y, fold.train), {
      epochs: numEpochs,
      batchSize: 16,
      verbose: 0,
    });
    const { mae } = await model.evaluate(take(x, fold.validation), take(y, fold.validation), {
      verbose: 0,
    });
    console.log(`fold ${i}: validation MAE ${mae!.toFixed(3)} (${foldSize} samples)`);
    scores.push(mae!);
  }
  return (scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(3);
});
