import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, mock } from "node:test";
import sharp from "sharp";
import * as st from "../../../src/index.js";
import { ValueError } from "../../../src/errors.js";
import { TensorBoard } from "../../../src/tools/tensorboard/tensorboard-callback.js";
import { readEvents, listEventFiles } from "../../../src/tools/tensorboard/event-reader.js";
import { floats, parseEvent, splitRecords, type PlainEvent } from "./independent-decoder.js";

const dir = mkdtempSync(join(tmpdir(), "strata-tb-cb-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every summary value of the run's event files (one file expected), by the independent decoder. */
function valuesOf(runDir: string): { tag: string; step: number; event: PlainEvent }[] {
  const files = readdirSync(runDir).filter((n) => n.includes("tfevents"));
  assert.equal(files.length, 1, `one event file in ${runDir}: ${files.join(", ")}`);
  const events = splitRecords(readFileSync(join(runDir, files[0]!))).map(parseEvent);
  assert.equal(events[0]!.fileVersion, "brain.Event:2");
  return events.flatMap((event) =>
    event.values.map((v) => ({ tag: v.tag, step: event.step, event })),
  );
}

/** The [step, value] pairs of a scalar tag (float32 values), in file order. */
function scalars(runDir: string, tag: string): [number, number][] {
  return valuesOf(runDir)
    .filter((v) => v.tag === tag)
    .map(({ step, event }) => {
      const value = event.values.find((v) => v.tag === tag)!;
      assert.equal(value.plugin, "scalars");
      return [step, floats(value.tensor!.content, 4)[0]!];
    });
}

const f32 = (values: number[]) => values.map((v) => Math.fround(v));

describe("TensorBoard callback", () => {
  const logDir = join(dir, "fit");
  let model: st.Sequential;
  let history: st.callbacks.History;
  let finalWeights: Map<string, { values: number[]; shape: number[] }>;

  before(async () => {
    st.random.setSeed(3);
    model = new st.Sequential(
      [
        st.Input({ shape: [3] }),
        new st.layers.Dense(4, { activation: "relu", name: "hidden" }),
        new st.layers.Dense(2, { activation: "softmax", name: "out" }),
      ],
      { name: "seq" },
    );
    model.compile({
      optimizer: new st.optimizers.SGD({ learningRate: 0.05 }),
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const x = st.random.normal([32, 3], { seed: 4 });
    const y = st.tensor(Array.from({ length: 32 }, (_, i) => i % 2));
    const tb = new TensorBoard({
      logDir,
      histogramFreq: 2,
      writeImages: true,
      updateFreq: 2,
    });
    // 24 training samples in batches of 8: 3 batches per epoch, 9 in all.
    history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      validationSplit: 0.25,
      shuffle: false,
      verbose: 0,
      callbacks: [tb],
    });
    finalWeights = new Map(
      model.layers.flatMap((l) =>
        l.weights.map((w) => [
          w.name,
          { values: Array.from(w.value.dataSync()), shape: [...w.shape] },
        ]),
      ),
    );
  });

  it("writes train/ and validation/ event files", () => {
    assert.deepEqual(readdirSync(logDir).sort(), ["train", "validation"]);
    assert.equal(listEventFiles(join(logDir, "train")).length, 1);
    assert.equal(listEventFiles(join(logDir, "validation")).length, 1);
  });

  it("logs epoch metrics and the learning rate equal to the history, at step = epoch", () => {
    const train = join(logDir, "train");
    const val = join(logDir, "validation");
    const h = history.history;
    assert.deepEqual(
      scalars(train, "epoch_loss"),
      [0, 1, 2].map((e, i) => [e, f32(h.loss!)[i]]),
    );
    assert.deepEqual(
      scalars(train, "epoch_accuracy"),
      [0, 1, 2].map((e, i) => [e, f32(h.accuracy!)[i]]),
    );
    assert.deepEqual(scalars(train, "epoch_learning_rate"), [
      [0, Math.fround(0.05)],
      [1, Math.fround(0.05)],
      [2, Math.fround(0.05)],
    ]);
    assert.deepEqual(
      scalars(val, "epoch_loss"),
      [0, 1, 2].map((e, i) => [e, f32(h.val_loss!)[i]]),
    );
    assert.deepEqual(
      scalars(val, "epoch_accuracy"),
      [0, 1, 2].map((e, i) => [e, f32(h.val_accuracy!)[i]]),
    );
    // No val_ prefix anywhere: validation/ holds the same names as train/.
    assert.ok(valuesOf(val).every((v) => !v.tag.includes("val_")));
  });

  it("logs batch metrics every updateFreq batches at the global batch step", () => {
    const train = join(logDir, "train");
    assert.deepEqual(
      scalars(train, "batch_loss").map(([step]) => step),
      [2, 4, 6, 8],
    );
    assert.deepEqual(
      scalars(train, "batch_accuracy").map(([step]) => step),
      [2, 4, 6, 8],
    );
    // Batch logs are the epoch's running means: global batch 6 ends epoch 1, so it logs its loss.
    const atStep6 = scalars(train, "batch_loss").find(([step]) => step === 6)!;
    assert.equal(atStep6[1], Math.fround(history.history.loss![1]!));
  });

  it("logs evaluation_<metric>_vs_iterations after each validation, at the optimizer's iterations", () => {
    const val = join(logDir, "validation");
    const h = history.history;
    assert.deepEqual(
      scalars(val, "evaluation_loss_vs_iterations"),
      [3, 6, 9].map((s, i) => [s, f32(h.val_loss!)[i]]),
    );
    assert.deepEqual(
      scalars(val, "evaluation_accuracy_vs_iterations").map(([s]) => s),
      [3, 6, 9],
    );
  });

  it("writes the Keras model config at step 0 (plugin graph_keras_model)", () => {
    const keras = valuesOf(join(logDir, "train")).filter((v) => v.tag === "keras");
    assert.equal(keras.length, 1);
    const value = keras[0]!.event.values[0]!;
    assert.deepEqual(
      [keras[0]!.step, value.plugin, value.pluginContent],
      [0, "graph_keras_model", "1"],
    );
    assert.deepEqual(
      JSON.parse(new TextDecoder().decode(value.tensor!.strings[0]!)),
      JSON.parse(model.toJson()),
    );
  });

  it("logs weight histograms every histogramFreq epochs, tagged by Keras's weight paths", async () => {
    const train = join(logDir, "train");
    const tags = valuesOf(train)
      .filter((v) => v.tag.endsWith("/histogram"))
      .map((v) => `${v.step} ${v.tag}`);
    assert.deepEqual(tags, [
      "0 seq/hidden/kernel/histogram",
      "0 seq/hidden/bias/histogram",
      "0 seq/out/kernel/histogram",
      "0 seq/out/bias/histogram",
      "2 seq/hidden/kernel/histogram",
      "2 seq/hidden/bias/histogram",
      "2 seq/out/kernel/histogram",
      "2 seq/out/bias/histogram",
    ]);
    // Epoch 2 is the last: its histograms describe the final weights.
    const { events } = await readEvents(listEventFiles(train)[0]!);
    for (const [name, w] of finalWeights) {
      const h = events.find(
        (e) => e.kind === "histogram" && e.step === 2 && e.tag === `seq/${name}/histogram`,
      );
      assert.ok(h && h.kind === "histogram");
      assert.equal(h.buckets.length, 30);
      assert.equal(
        h.buckets.reduce((a, b) => a + b.count, 0),
        w.values.length,
      );
      assert.equal(h.buckets[0]!.left, Math.min(...w.values));
      assert.equal(h.buckets.at(-1)!.right, Math.max(...w.values));
    }
  });

  it("writes kernels as images laid out as Keras does, values scaled as tf.summary.image", async () => {
    const train = join(logDir, "train");
    const { events } = await readEvents(listEventFiles(train)[0]!);
    const images = events.filter((e) => e.kind === "image" && e.step === 2);
    assert.deepEqual(
      images.map((e) => e.kind === "image" && [e.tag, e.height, e.width, e.images.length]),
      [
        ["seq/hidden/kernel/image", 3, 4, 1], // [3, 4]: more columns than rows, kept
        ["seq/hidden/bias/image", 4, 1, 1], // a vector: a 4×1 column
        ["seq/out/kernel/image", 2, 4, 1], // [4, 2]: transposed to 2×4
        ["seq/out/bias/image", 2, 1, 1],
      ],
    );
    const byte = (x: number) => Math.trunc(Math.min(255, Math.max(0, x * 255.5)));
    const expected: Record<string, number[]> = {
      "seq/hidden/kernel/image": finalWeights.get("hidden/kernel")!.values.map(byte),
      "seq/out/kernel/image": (() => {
        const w = finalWeights.get("out/kernel")!.values; // [4, 2] row-major
        return [0, 1].flatMap((j) => [0, 1, 2, 3].map((i) => byte(w[i * 2 + j]!)));
      })(),
    };
    for (const e of images) {
      if (e.kind !== "image" || !expected[e.tag]) continue;
      const { data, info } = await sharp(e.images[0]!).raw().toBuffer({ resolveWithObject: true });
      const grey = Array.from(
        { length: info.width * info.height },
        (_, i) => data[i * info.channels]!,
      );
      assert.deepEqual(grey, expected[e.tag], e.tag);
    }
  });
});

describe("TensorBoard callback options", () => {
  it("rejects unknown options and bad values, naming them", () => {
    assert.throws(
      () => new TensorBoard({ logdir: "x" } as never),
      /unknown option logdir; did you mean logDir\?/,
    );
    assert.throws(() => new TensorBoard({ updateFreq: "often" as never }), ValueError);
    assert.throws(() => new TensorBoard({ updateFreq: 0 }), /updateFreq/);
    assert.throws(() => new TensorBoard({ histogramFreq: -1 }), /histogramFreq/);
    assert.throws(() => new TensorBoard({ profileBatch: [5, 2] }), /profileBatch/);
    assert.throws(() => new TensorBoard({ profileBatch: -1 }), /profileBatch/);
    const tb = new TensorBoard("here", { updateFreq: "batch" });
    assert.deepEqual(
      [tb.logDir, tb.updateFreq, tb.histogramFreq, tb.writeGraph],
      ["here", 1, 0, true],
    );
    assert.deepEqual(new TensorBoard({ profileBatch: "0" }).profileBatch, [0, 0]);
  });

  it("warns once that profiling is not supported", () => {
    const warn = mock.method(console, "warn", () => {});
    try {
      new TensorBoard({ profileBatch: 5 });
      new TensorBoard({ profileBatch: "2,4" });
      new TensorBoard({ profileBatch: 0 });
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /profiling is not supported/);
    } finally {
      warn.mock.restore();
    }
  });

  it("writes steps per second, no validation/ without validation, and nothing per batch by default", async () => {
    const logDir = join(dir, "sps");
    st.random.setSeed(1);
    const model = new st.Sequential([st.Input({ shape: [2] }), new st.layers.Dense(1)]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.random.normal([8, 2], { seed: 2 });
    const y = st.random.normal([8, 1], { seed: 3 });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      callbacks: [new TensorBoard({ logDir, writeStepsPerSecond: true, writeGraph: false })],
    });
    assert.deepEqual(readdirSync(logDir), ["train"]);
    const tags = new Set(valuesOf(join(logDir, "train")).map((v) => v.tag));
    assert.deepEqual([...tags].sort(), [
      "epoch_learning_rate",
      "epoch_loss",
      "epoch_steps_per_second",
    ]);
    for (const [, v] of scalars(join(logDir, "train"), "epoch_steps_per_second")) assert.ok(v > 0);
  });

  it("writes the projector config and embedding checkpoints (embeddingsFreq)", async () => {
    const logDir = join(dir, "emb");
    st.random.setSeed(1);
    const model = new st.Sequential([
      st.Input({ shape: [2] }),
      new st.layers.Embedding(5, 3, { name: "words" }),
      new st.layers.Flatten(),
      new st.layers.Dense(1),
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = st.tensor([[0.5], [1]]);
    const fit = (embeddingsMetadata: Record<string, string>) =>
      model.fit(x, y, {
        epochs: 2,
        verbose: 0,
        callbacks: [new TensorBoard({ logDir, embeddingsFreq: 1, embeddingsMetadata })],
      });
    await assert.rejects(fit({ nope: "m.tsv" }), /Unrecognized `Embedding` layer names.*nope/);
    await fit({ words: "é.tsv" });
    assert.equal(
      readFileSync(join(logDir, "projector_config.pbtxt"), "utf8"),
      'embeddings {\n  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n' +
        '  metadata_path: "\\303\\251.tsv"\n}\n',
    );
    assert.ok(existsSync(join(logDir, "train", "keras_embedding.ckpt-0.weights.h5")));
    assert.ok(existsSync(join(logDir, "train", "keras_embedding.ckpt-1.weights.h5")));
  });
});

describe("TensorBoard callback in evaluate", () => {
  it("logs evaluation_<metric>_vs_iterations to a new validation file and closes it", async () => {
    const logDir = join(dir, "evaluate");
    st.random.setSeed(2);
    const model = new st.Sequential([st.Input({ shape: [2] }), new st.layers.Dense(1)], {
      name: "m",
    });
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.random.normal([8, 2], { seed: 2 });
    const y = st.random.normal([8, 1], { seed: 3 });
    const tb = new TensorBoard({ logDir });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [tb] });
    const { loss } = await model.evaluate(x, y, { batchSize: 4, verbose: 0, callbacks: [tb] });
    assert.deepEqual(scalars(join(logDir, "validation"), "evaluation_loss_vs_iterations"), [
      [2, Math.fround(loss!)],
    ]);
    // As in Keras, set_model in evaluate writes the model config into a new train/ file.
    assert.equal(listEventFiles(join(logDir, "train")).length, 2);
  });
});

describe("TensorBoard callback with a MultiOptimizer", () => {
  it("logs each inner optimizer's learning rate as learning_rate_<name>, as Keras 3.16", async () => {
    const logDir = join(dir, "multi");
    const fast = new st.optimizers.SGD(0.1, { name: "fast" });
    const slow = new st.optimizers.SGD(0.01, { name: "slow" });
    const model = new st.Sequential([
      new st.layers.Dense(2, { inputShape: [1], name: "dense_1" }),
      new st.layers.Dense(1, { name: "dense_2" }),
    ]);
    model.compile({
      optimizer: new st.optimizers.MultiOptimizer(
        new st.optimizers.OptimizerMap(slow, { "dense_1/.*": fast }),
      ),
      loss: "mse",
    });
    await model.fit(st.ones([4, 1]), st.zeros([4, 1]), {
      epochs: 2,
      verbose: 0,
      callbacks: [new TensorBoard({ logDir })],
    });
    const train = join(logDir, "train");
    assert.deepEqual(scalars(train, "epoch_learning_rate_fast"), [
      [0, Math.fround(0.1)],
      [1, Math.fround(0.1)],
    ]);
    assert.deepEqual(scalars(train, "epoch_learning_rate_slow"), [
      [0, Math.fround(0.01)],
      [1, Math.fround(0.01)],
    ]);
    assert.deepEqual(scalars(train, "epoch_learning_rate"), []);
  });
});
