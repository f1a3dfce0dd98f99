/**
 * The models kill.test.ts's child process saves and trains, built the same way in every process,
 * and what a saved one holds.
 */
import * as st from "../../../src/index.js";

/** Big enough that a save takes a while (about 10 MB of weights), so kills land inside writes. */
export function savedModel(): st.Model {
  return new st.Sequential([
    st.layers.Input({ shape: [256] }),
    new st.layers.Dense(2048, { name: "wide" }),
    new st.layers.Dense(1024, { name: "narrow" }),
  ]);
}

/** The model `fit` trains: the same in every process, given the seed. */
export function trainedModel(): st.Model {
  st.utils.setRandomSeed(7);
  const model = new st.Sequential([
    st.layers.Input({ shape: [12] }),
    new st.layers.Dense(64, { activation: "relu" }),
    new st.layers.Dropout(0.3),
    new st.layers.Dense(1),
  ]);
  model.compile({
    optimizer: new st.optimizers.SGD({ learningRate: 0.01, momentum: 0.9 }),
    loss: "mse",
  });
  return model;
}

/** The distinct values of a saved model's weights (a save that landed whole holds exactly one). */
export async function savedValues(path: string, format: string): Promise<Set<number>> {
  let model: st.Model;
  if (format === "weights.h5") {
    model = savedModel();
    await model.loadWeights(path);
  } else {
    model = await st.models.loadModel(path, { compile: false });
  }
  const values = new Set<number>();
  for (const w of model.getWeights()) for (const v of w.dataSync() as Float32Array) values.add(v);
  return values;
}
