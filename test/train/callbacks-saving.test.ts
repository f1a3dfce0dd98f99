import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { loadWeightsFile, saveWeightsFile } from "../../src/io/weights-json.js";
import {
  BackupAndRestore,
  Callback,
  CallbackList,
  type CallbackModel,
  LambdaCallback,
  type Logs,
  ModelCheckpoint,
} from "../../src/train/callbacks/index.js";

let root = "";
let n = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "strata-ckpt-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});
/** A fresh directory per test. */
async function freshDir(): Promise<string> {
  const d = join(root, `t${n++}`);
  await mkdir(d);
  return d;
}

function tinyModel(seed = 1, optimizer: string | st.optimizers.Optimizer = "sgd") {
  st.random.setSeed(seed);
  const model = new Sequential([
    new layers.Dense(4, { inputShape: [3], activation: "tanh" }),
    new layers.Dense(1),
  ]);
  model.compile({ optimizer, loss: "mse" });
  const x = st.random.normal([12, 3], { seed: 100 });
  const y = st.random.normal([12, 1], { seed: 101 });
  return { model, x, y };
}

const flat = (ws: (st.Tensor | { data: ArrayLike<number> })[]) =>
  ws.flatMap((w) => Array.from(w instanceof st.Tensor ? w.dataSync() : w.data));

/** Replaces logs[key] by a script and snapshots the weights at each epoch end (runs first). */
function scripted(model: Sequential, key: string, values: number[], snapshots: number[][]) {
  return new LambdaCallback({
    onEpochEnd: (epoch, logs: Logs = {}) => {
      logs[key] = values[epoch]!;
      snapshots.push(flat(model.getWeights()));
    },
  });
}

describe("Model.saveWeights / loadWeights", () => {
  it("round-trips the weights and the optimizer state into a fresh model", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(
      1,
      new st.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }),
    );
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const path = join(dir, "m.weights.json");
    await model.saveWeights(path);
    const other = tinyModel(2, new st.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 })).model;
    assert.notDeepEqual(flat(other.getWeights()), flat(model.getWeights()));
    await other.loadWeights(path);
    assert.deepEqual(flat(other.getWeights()), flat(model.getWeights()));
    assert.equal(other.optimizer!.iterations, 6);
    assert.deepEqual(
      other.optimizer!.variables.map((v) => Array.from(v.value.dataSync())),
      model.optimizer!.variables.map((v) => Array.from(v.value.dataSync())),
    );
    // Same state, same data, same next step.
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    await other.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    assert.deepEqual(flat(other.getWeights()), flat(model.getWeights()));
  });

  it("rejects a file from another architecture before changing anything", async () => {
    const dir = await freshDir();
    const { model } = tinyModel(3);
    const path = join(dir, "m.weights.json");
    await model.saveWeights(path);
    st.random.setSeed(4);
    const wide = new Sequential([new layers.Dense(5, { inputShape: [3] }), new layers.Dense(1)], {
      name: "wide",
    });
    const before = flat(wide.getWeights());
    await assert.rejects(wide.loadWeights(path), {
      message:
        /into model "wide": weight 0 "dense_\d+\/kernel" has shape \[3,5\], the file's "dense_\d+\/kernel" has shape \[3,4\]/,
    });
    assert.deepEqual(flat(wide.getWeights()), before);
    const single = new Sequential([new layers.Dense(4, { inputShape: [3] })], { name: "single" });
    await assert.rejects(single.loadWeights(path), {
      message: /the file has 4 weights, the model has 2/,
    });
    await assert.rejects(single.loadWeights(join(dir, "missing.weights.json")), {
      message: /loadWeights: no file found at/,
    });
  });
});

describe("ModelCheckpoint", () => {
  it("saves every epoch to a path filled from the epoch and the logs", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(5);
    const snapshots: number[][] = [];
    const snap = new LambdaCallback({
      onEpochEnd: () => void snapshots.push(flat(model.getWeights())),
    });
    const ckpt = new ModelCheckpoint(join(dir, "w-{epoch:02d}-{val_loss:.2f}.weights.json"));
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [snap, ckpt],
    });
    const expected = history.history.val_loss!.map(
      (v, i) => `w-0${i + 1}-${v.toFixed(2)}.weights.json`,
    );
    assert.deepEqual((await readdir(dir)).sort(), expected.sort());
    for (let i = 0; i < 3; i++) {
      const file = await loadWeightsFile(join(dir, expected[i]!));
      assert.deepEqual(flat(file.weights), snapshots[i]);
      assert.ok(file.optimizer, "the optimizer state is saved with the weights");
    }
  });

  it("saves only on improvement with saveBestOnly (and beats initialValueThreshold first)", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(6);
    const snaps: number[][] = [];
    const values = [1, 2, 0.5, 0.7];
    const byEpoch = new ModelCheckpoint(join(dir, "e{epoch}.weights.json"), { saveBestOnly: true });
    const best = new ModelCheckpoint(join(dir, "best.weights.json"), { saveBestOnly: true });
    const threshold = new ModelCheckpoint(join(dir, "t{epoch}.weights.json"), {
      saveBestOnly: true,
      initialValueThreshold: 0.8,
    });
    await model.fit(x, y, {
      epochs: 4,
      batchSize: 4,
      verbose: 0,
      callbacks: [scripted(model, "val_loss", values, snaps), byEpoch, best, threshold],
    });
    assert.deepEqual((await readdir(dir)).sort(), [
      "best.weights.json",
      "e1.weights.json",
      "e3.weights.json",
      "t3.weights.json",
    ]);
    assert.deepEqual(
      flat((await loadWeightsFile(join(dir, "best.weights.json"))).weights),
      snaps[2],
    );
    assert.equal(byEpoch.best, 0.5);
  });

  it("maximizes accuracy in auto mode", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(7);
    const ckpt = new ModelCheckpoint(join(dir, "a{epoch}.weights.json"), {
      monitor: "val_accuracy",
      saveBestOnly: true,
    });
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [scripted(model, "val_accuracy", [0.5, 0.4, 0.9], []), ckpt],
    });
    assert.deepEqual((await readdir(dir)).sort(), ["a1.weights.json", "a3.weights.json"]);
  });

  it("saves every saveFreq batches, counting across epochs", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(8);
    const ckpt = new ModelCheckpoint(join(dir, "sub", "{epoch}-{batch}.weights.json"), {
      saveFreq: 2,
      saveWeightsOnly: true,
    });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [ckpt] });
    assert.deepEqual((await readdir(join(dir, "sub"))).sort(), [
      "1-2.weights.json",
      "2-1.weights.json",
      "2-3.weights.json",
    ]);
  });

  it("saves .weights.h5 (HDF5) with saveWeightsOnly and the whole model to .keras, as Keras does", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(9);
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 12,
      verbose: 0,
      callbacks: [
        new ModelCheckpoint(join(dir, "w.weights.h5"), { saveWeightsOnly: true }),
        new ModelCheckpoint(join(dir, "m-{epoch}.keras")),
      ],
    });
    // .weights.h5 is now Keras's HDF5 layout, not JSON: loadWeights reads it back.
    const h5 = await readFile(join(dir, "w.weights.h5"));
    assert.deepEqual([...h5.subarray(0, 4)], [0x89, 0x48, 0x44, 0x46]);
    await assert.rejects(loadWeightsFile(join(dir, "w.weights.h5")));
    const copy = tinyModel(10).model;
    await copy.loadWeights(join(dir, "w.weights.h5"));
    assert.deepEqual(flat(copy.getWeights()), flat(model.getWeights()));
    // The .keras checkpoint is a whole model: config, compile settings, weights.
    const loaded = await st.models.loadModel(join(dir, "m-1.keras"));
    assert.deepEqual(flat(loaded.getWeights()), flat(model.getWeights()));
    assert.ok(loaded.compiled);
    assert.deepEqual(
      (loaded.predictOnBatch(x) as st.Tensor).toArray(),
      (model.predictOnBatch(x) as st.Tensor).toArray(),
    );
  });

  it("refuses an extension that does not go with the mode, as Keras does", async () => {
    const dir = await freshDir();
    assert.throws(() => new ModelCheckpoint(join(dir, "model.h5")), {
      name: "ValueError",
      message:
        /the filepath provided must end in "\.keras" \(Keras model format\).*Received: filepath=.*model\.h5/,
    });
    assert.throws(() => new ModelCheckpoint(join(dir, "w.weights.h5")), {
      message: /must end in "\.keras".*saveWeightsOnly: true with a "\.weights\.h5" filepath/,
    });
    assert.throws(() => new ModelCheckpoint(join(dir, "model.keras"), { saveWeightsOnly: true }), {
      name: "ValueError",
      message:
        /when using saveWeightsOnly: true, the filepath provided must end in "\.weights\.h5".*Received: filepath=.*model\.keras/,
    });
    // Strata's interim JSON stays accepted in both modes (weights only).
    assert.doesNotThrow(() => new ModelCheckpoint("x.weights.json"));
    assert.doesNotThrow(() => new ModelCheckpoint("x.weights.json", { saveWeightsOnly: true }));
    assert.throws(() => new ModelCheckpoint("x.weights.json", { saveFreq: "batch" as never }), {
      message: /unrecognized saveFreq: batch/,
    });
  });

  it("names a placeholder missing from the logs", async () => {
    const dir = await freshDir();
    const { model, x, y } = tinyModel(10);
    const ckpt = new ModelCheckpoint(join(dir, "{epoch}-{val_acc:.2f}.weights.json"));
    await assert.rejects(
      model.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0, callbacks: [ckpt] }),
      { message: /no value for \{val_acc\}/ },
    );
  });

  it("never leaves a partial file: a failed save keeps the previous checkpoint whole", async () => {
    const dir = await freshDir();
    const path = join(dir, "ckpt.weights.json");
    let fail = false;
    // A model whose second save hands the writer an entry that cannot be encoded.
    const model: CallbackModel = {
      stopTraining: false,
      name: "flaky",
      optimizer: null,
      getWeights: () => [],
      setWeights: () => undefined,
      saveWeights: (p) =>
        saveWeightsFile(p, [
          {
            name: "k",
            shape: [2],
            dtype: "float32",
            data: new Float32Array(fail ? 3 : 2).fill(fail ? 9 : 1),
          },
        ]),
    };
    const ckpt = new ModelCheckpoint(path);
    const list = new CallbackList([ckpt]);
    list.configure(model, { epochs: 2, steps: 1, verbose: 0 });
    await list.call("onEpochEnd", 0, { val_loss: 1 });
    const good = await readFile(path, "utf8");
    fail = true;
    await assert.rejects(list.call("onEpochEnd", 1, { val_loss: 0.5 }), {
      message: /has shape \[2\] \(2 elements\) but 3 values/,
    });
    assert.equal(await readFile(path, "utf8"), good);
    assert.deepEqual(await readdir(dir), ["ckpt.weights.json"]);
    // A directory in the way is named clearly.
    await mkdir(join(dir, "2.weights.json"));
    const clash = new ModelCheckpoint(join(dir, "{epoch}.weights.json"));
    clash.setModel(model);
    await assert.rejects(Promise.resolve(clash.onEpochEnd(1, {})), {
      message: /non-directory filepath for ModelCheckpoint/,
    });
  });
});

/** Throws at the start of `epoch`: a crash in the middle of fit. */
class Interrupt extends Callback {
  constructor(private readonly epoch: number) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    if (epoch === this.epoch) throw new Error("Interrupting!");
  }
}

describe("BackupAndRestore", () => {
  it("resumes an interrupted fit at the saved epoch with the saved weights and optimizer", async () => {
    const backupDir = join(await freshDir(), "backup");
    const first = tinyModel(11, new st.optimizers.SGD({ learningRate: 0.05, momentum: 0.5 }));
    const snaps: number[][] = [];
    const snap = new LambdaCallback({
      onEpochEnd: () => void snaps.push(flat(first.model.getWeights())),
    });
    await assert.rejects(
      first.model.fit(first.x, first.y, {
        epochs: 6,
        batchSize: 4,
        verbose: 0,
        callbacks: [snap, new BackupAndRestore(backupDir), new Interrupt(4)],
      }),
      { message: /Interrupting!/ },
    );
    const metadata = JSON.parse(await readFile(join(backupDir, "training_metadata.json"), "utf8"));
    assert.deepEqual(
      { ...metadata, random: undefined },
      { epoch: 4, batch: 0, iteration: 12, weights: "backup-4.weights.json", random: undefined },
    );
    // The generators' states: the global one's four words (plus a kept normal, if any).
    assert.ok([4, 5].includes(metadata.random.global.length));
    assert.deepEqual(metadata.random.layers, {});
    // Without doubleCheckpoint only the newest backup is kept.
    assert.deepEqual((await readdir(backupDir)).sort(), [
      "backup-4.weights.json",
      "training_metadata.json",
    ]);

    // A new process: a fresh model of the same architecture, the same fit call.
    const second = tinyModel(12, new st.optimizers.SGD({ learningRate: 0.05, momentum: 0.5 }));
    let atStart: { weights: number[]; iterations: number } | null = null;
    const probe = new LambdaCallback({
      onTrainBegin: () =>
        void (atStart = {
          weights: flat(second.model.getWeights()),
          iterations: second.model.optimizer!.iterations,
        }),
    });
    const history = await second.model.fit(second.x, second.y, {
      epochs: 6,
      batchSize: 4,
      verbose: 0,
      callbacks: [new BackupAndRestore(backupDir), probe],
    });
    assert.deepEqual(history.epoch, [4, 5]);
    assert.deepEqual(atStart, { weights: snaps[3], iterations: 12 });
    assert.equal(second.model.optimizer!.iterations, 18);
    // A completed fit deletes the backup.
    await assert.rejects(stat(backupDir));
  });

  it("keeps the backup with deleteCheckpoint: false, and starts from scratch without one", async () => {
    const backupDir = join(await freshDir(), "keep");
    const { model, x, y } = tinyModel(13);
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 6,
      verbose: 0,
      callbacks: [new BackupAndRestore(backupDir, { deleteCheckpoint: false })],
    });
    assert.deepEqual(history.epoch, [0, 1]);
    assert.deepEqual(
      JSON.parse(await readFile(join(backupDir, "training_metadata.json"), "utf8")).epoch,
      2,
    );
    // All epochs were done: a second fit with the same epochs has nothing left to run.
    const again = await model.fit(x, y, {
      epochs: 2,
      batchSize: 6,
      verbose: 0,
      callbacks: [new BackupAndRestore(backupDir)],
    });
    assert.deepEqual(again.epoch, []);
  });

  it("backs up every saveFreq batches, restarting the unfinished epoch", async () => {
    const backupDir = join(await freshDir(), "batches");
    const { model, x, y } = tinyModel(14);
    const crash = new LambdaCallback({
      onTrainBatchEnd: () => {
        if (model.optimizer!.iterations === 5) throw new Error("crash at step 5");
      },
    });
    await assert.rejects(
      model.fit(x, y, {
        epochs: 3,
        batchSize: 4,
        verbose: 0,
        callbacks: [new BackupAndRestore(backupDir, { saveFreq: 2 }), crash],
      }),
    );
    // Saved after steps 2 and 4: step 4 is batch 0 of epoch 1.
    const { epoch, batch, iteration, weights } = JSON.parse(
      await readFile(join(backupDir, "training_metadata.json"), "utf8"),
    );
    assert.deepEqual(
      { epoch, batch, iteration, weights },
      { epoch: 1, batch: 0, iteration: 4, weights: "backup-2.weights.json" },
    );
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [new BackupAndRestore(backupDir, { saveFreq: 2 })],
    });
    assert.deepEqual(history.epoch, [1, 2]);
  });

  it("falls back on the previous backup when the latest is unreadable", async () => {
    const backupDir = join(await freshDir(), "corrupt");
    const { model, x, y } = tinyModel(15);
    await assert.rejects(
      model.fit(x, y, {
        epochs: 5,
        batchSize: 6,
        verbose: 0,
        callbacks: [new BackupAndRestore(backupDir, { doubleCheckpoint: true }), new Interrupt(3)],
      }),
    );
    assert.deepEqual((await readdir(backupDir)).sort(), [
      "backup-2.weights.json",
      "backup-3.weights.json",
      "training_metadata.json",
      "training_metadata.json.bkp",
    ]);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(backupDir, "backup-3.weights.json"), "{truncated");
    const history = await model.fit(x, y, {
      epochs: 5,
      batchSize: 6,
      verbose: 0,
      callbacks: [new BackupAndRestore(backupDir)],
    });
    assert.deepEqual(history.epoch, [2, 3, 4]);
  });

  it("without doubleCheckpoint, an unreadable backup is an error naming the file", async () => {
    const backupDir = join(await freshDir(), "single");
    const { model, x, y } = tinyModel(16);
    const fitOnce = (callbacks: Callback[]) =>
      model.fit(x, y, { epochs: 5, batchSize: 6, verbose: 0, callbacks });
    await assert.rejects(fitOnce([new BackupAndRestore(backupDir), new Interrupt(3)]));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(backupDir, "training_metadata.json"), "{trunc");
    await assert.rejects(fitOnce([new BackupAndRestore(backupDir)]), {
      message: /training_metadata\.json" is unreadable/,
    });
  });

  it("needs a built model and a directory", async () => {
    assert.throws(() => new BackupAndRestore(""), { message: /empty `backupDir`/ });
    assert.throws(() => new BackupAndRestore("d", { saveFreq: 0 }), {
      message: /Received: saveFreq=0/,
    });
    const lazy = new Sequential([new layers.Dense(1)]);
    lazy.compile({ optimizer: "sgd", loss: "mse" });
    await assert.rejects(
      lazy.fit(st.ones([4, 2]), st.ones([4, 1]), {
        verbose: 0,
        callbacks: [new BackupAndRestore(join(root, "never"))],
      }),
      { message: /your model must be built before you call fit\(\)/ },
    );
  });
});

describe("BackupAndRestore's random state", () => {
  it("covers the Dropout generators of a functional model's graph and of nested layers", async () => {
    const { captureRandomState, restoreRandomState } =
      await import("../../src/train/callbacks/random-state.js");
    const input = st.Input({ shape: [6] });
    const inner = new Sequential([new layers.Dropout(0.5)]);
    const hidden = new layers.Dropout(0.5).apply(new layers.Dense(6).apply(input));
    const model = new st.Model(input, inner.apply(hidden));
    const state = captureRandomState(model);
    assert.equal(Object.keys(state.layers).length, 2, Object.keys(state.layers).join(", "));
    const x = st.ones([4, 6]);
    const draw = () => Array.from(model.apply(x, { training: true }).dataSync() as Float32Array);
    const first = draw();
    restoreRandomState(model, state, "test");
    assert.deepEqual(draw(), first);
    assert.notDeepEqual(draw(), first);
  });
});
