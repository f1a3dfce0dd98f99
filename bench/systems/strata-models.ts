/** The three workloads as Strata models, shared by the bench runner and bench/profile.ts. */
import * as st from "../../src/index.js";
import type { WorkloadId } from "../lib/measure.mjs";

/**
 * The workload's model, compiled as Keras's book compiles it (RMSprop defaults, no metrics).
 * `jitCompile` is passed to compile as given: the bench's eager figures pass false explicitly
 * (Keras's default, "auto", may compile), its compiled figures true.
 */
export function buildModel(w: WorkloadId, jitCompile: boolean | "auto" = false): st.Model {
  const L = st.layers;
  let model: st.Sequential;
  if (w === "W1") {
    model = new st.Sequential([
      st.Input({ shape: [784] }),
      new L.Dense(512, { activation: "relu" }),
      new L.Dense(10, { activation: "softmax" }),
    ]);
  } else if (w === "W2") {
    model = new st.Sequential([
      st.Input({ shape: [28, 28, 1] }),
      new L.Conv2D(32, 3, { activation: "relu" }),
      new L.MaxPooling2D(2),
      new L.Conv2D(64, 3, { activation: "relu" }),
      new L.MaxPooling2D(2),
      new L.Conv2D(128, 3, { activation: "relu" }),
      new L.Flatten(),
      new L.Dense(10, { activation: "softmax" }),
    ]);
  } else {
    model = new st.Sequential([
      st.Input({ shape: [200], dtype: "int32" }),
      new L.Embedding(10000, 32),
      new L.LSTM(32),
      new L.Dense(1, { activation: "sigmoid" }),
    ]);
  }
  model.compile({
    optimizer: "rmsprop",
    loss: w === "W3" ? "binary_crossentropy" : "sparse_categorical_crossentropy",
    jitCompile,
  });
  return model;
}
