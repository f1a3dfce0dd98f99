import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as st from "../../../src/index.js";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";
import { TensorBoard } from "../../../src/tools/tensorboard/tensorboard-callback.js";
import { accumulate, skipWithoutTensorBoard } from "./tensorboard-python.js";

const dir = mkdtempSync(join(tmpdir(), "strata-tb-py-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test(
  "TensorBoard's EventAccumulator reads the writer's scalars, histograms, text, model and graph",
  { skip: skipWithoutTensorBoard },
  () => {
    const run = join(dir, "run");
    const w = EventFileWriter.create(run);
    w.addScalar("epoch_loss", 0.75, 0);
    w.addScalar("epoch_loss", 0.5, 1);
    w.addHistogram("dense/kernel/histogram", [0, 1, 2, 3], 1, { buckets: 3 });
    w.addText("notes", "hello", 0);
    w.addKerasModel('{"class_name": "Sequential", "config": {"name": "m"}}');
    w.addGraph({
      node: [
        { name: "x", op: "Placeholder" },
        { name: "y", op: "Relu", input: ["x"] },
      ],
    });
    w.close();

    const acc = accumulate(run);
    assert.equal(acc.tensorflow_imported, false);
    assert.deepEqual(Object.keys(acc.tensors).sort(), [
      "dense/kernel/histogram",
      "epoch_loss",
      "keras",
      "notes",
    ]);
    assert.deepEqual(
      acc.tensors.epoch_loss!.map((r) => [r.step, r.plugin, r.dtype, r.shape, r.values]),
      [
        [0, "scalars", "float32", [], [0.75]],
        [1, "scalars", "float32", [], [0.5]],
      ],
    );
    const [h] = acc.tensors["dense/kernel/histogram"]!;
    assert.deepEqual(
      [h!.step, h!.plugin, h!.dtype, h!.shape],
      [1, "histograms", "float64", [3, 3]],
    );
    assert.deepEqual(h!.values, [0, 1, 1, 1, 2, 1, 2, 3, 2]);
    assert.deepEqual(acc.tensors.notes![0]!.values, ["hello"]);
    const [k] = acc.tensors.keras!;
    assert.deepEqual([k!.step, k!.plugin, k!.content], [0, "graph_keras_model", "1"]);
    assert.deepEqual(JSON.parse((k!.values as string[])[0]!), {
      class_name: "Sequential",
      config: { name: "m" },
    });
    assert.deepEqual(acc.graph, [
      { name: "x", op: "Placeholder" },
      { name: "y", op: "Relu" },
    ]);
  },
);

test(
  "TensorBoard's EventAccumulator reads what the TensorBoard callback wrote during fit",
  { skip: skipWithoutTensorBoard },
  async () => {
    const logDir = join(dir, "fit");
    st.random.setSeed(5);
    const model = new st.Sequential(
      [
        st.Input({ shape: [3] }),
        new st.layers.Dense(4, { activation: "relu", name: "hidden" }),
        new st.layers.Dense(2, { activation: "softmax", name: "out" }),
      ],
      { name: "seq" },
    );
    model.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const x = st.random.normal([20, 3], { seed: 6 });
    const y = st.tensor(Array.from({ length: 20 }, (_, i) => i % 2));
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 5,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [new TensorBoard({ logDir, histogramFreq: 1, writeImages: true })],
    });
    const train = accumulate(join(logDir, "train"));
    const val = accumulate(join(logDir, "validation"));
    const f32 = (v: number[]) => v.map((n) => Math.fround(n));
    const series = (acc: typeof train, tag: string) =>
      acc.tensors[tag]!.map((r) => [r.step, r.plugin, (r.values as number[])[0]]);
    assert.deepEqual(series(train, "epoch_loss"), [
      [0, "scalars", f32(history.history.loss!)[0]],
      [1, "scalars", f32(history.history.loss!)[1]],
    ]);
    assert.deepEqual(series(val, "epoch_accuracy"), [
      [0, "scalars", f32(history.history.val_accuracy!)[0]],
      [1, "scalars", f32(history.history.val_accuracy!)[1]],
    ]);
    assert.deepEqual(
      series(train, "epoch_learning_rate").map((r) => r[2]),
      [Math.fround(0.001), Math.fround(0.001)],
    );
    const kernel = train.tensors["seq/hidden/kernel/histogram"]!;
    assert.deepEqual(
      kernel.map((r) => [r.step, r.plugin, r.shape]),
      [
        [0, "histograms", [30, 3]],
        [1, "histograms", [30, 3]],
      ],
    );
    const counts = (kernel[1]!.values as number[]).filter((_, i) => i % 3 === 2);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      12,
    );
    const image = train.tensors["seq/hidden/kernel/image"]![1]!;
    assert.deepEqual(
      [image.plugin, image.values],
      ["images", ["4", "3", "89504e470d0a1a0a"]], // width 4, height 3, a PNG
    );
    const keras = train.tensors.keras![0]!;
    assert.deepEqual([keras.step, keras.plugin, keras.content], [0, "graph_keras_model", "1"]);
    assert.deepEqual(JSON.parse((keras.values as string[])[0]!), JSON.parse(model.toJson()));
    assert.deepEqual(Object.keys(val.tensors).sort(), [
      "epoch_accuracy",
      "epoch_loss",
      "evaluation_accuracy_vs_iterations",
      "evaluation_loss_vs_iterations",
    ]);
  },
);
