import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, mock } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers, optimizers } from "../../src/index.js";
import {
  CSVLogger,
  type Callback,
  CallbackList,
  type CallbackModel,
  EarlyStopping,
  LambdaCallback,
  LearningRateScheduler,
  type Logs,
  ReduceLROnPlateau,
  TerminateOnNaN,
} from "../../src/train/callbacks/index.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-callbacks-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for a model: one "weight" (the epoch it was last set at) and a real optimizer. */
class FakeModel implements CallbackModel {
  stopTraining = false;
  readonly name = "fake";
  optimizer = new optimizers.SGD({ learningRate: 0.1 });
  weight = -1;
  compiled: CallbackModel["compiled"] = null;
  getWeights(): unknown[] {
    return [this.weight];
  }
  setWeights(values: readonly never[]): void {
    this.weight = values[0] as unknown as number;
  }
}

/**
 * Runs the epoch hooks the way fit does, with scripted logs (the model's weight is the epoch
 * number, so restored weights tell which epoch they came from). Returns the epochs that ran.
 */
async function drive(
  cb: Callback,
  model: CallbackModel & { weight?: number },
  logs: Logs[],
): Promise<number[]> {
  const list = new CallbackList([cb]);
  list.configure(model, { epochs: logs.length, steps: 1, verbose: 0 });
  model.stopTraining = false;
  await list.call("onTrainBegin", {});
  const ran: number[] = [];
  for (let epoch = 0; epoch < logs.length && !model.stopTraining; epoch++) {
    await list.call("onEpochBegin", epoch, {});
    model.weight = epoch;
    await list.call("onEpochEnd", epoch, { ...logs[epoch] });
    ran.push(epoch);
  }
  await list.call("onTrainEnd", {});
  return ran;
}

const losses = (...v: number[]): Logs[] => v.map((loss) => ({ loss }));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A tiny regression model and data. */
function tinyModel(seed = 1) {
  st.random.setSeed(seed);
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = st.random.normal([16, 3], { seed: seed + 1 });
  const y = st.random.normal([16, 1], { seed: seed + 2 });
  return { model, x, y };
}

describe("EarlyStopping", () => {
  it("stops once patience epochs pass without improvement", async () => {
    const m = new FakeModel();
    const es = new EarlyStopping({ monitor: "loss", patience: 2 });
    assert.deepEqual(await drive(es, m, losses(1, 0.9, 0.95, 0.92, 0.91, 0.5)), [0, 1, 2, 3]);
    assert.equal(es.stoppedEpoch, 3);
    // patience 0 (the default): the first epoch that does not improve stops training.
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "loss" }), m, losses(1, 0.9, 0.95, 0.8)),
      [0, 1, 2],
    );
  });

  it("counts only improvements larger than minDelta", async () => {
    const m = new FakeModel();
    const lossesList = losses(1, 0.95, 0.85, 0.8);
    assert.deepEqual(
      await drive(
        new EarlyStopping({ monitor: "loss", patience: 1, minDelta: 0.1 }),
        m,
        lossesList,
      ),
      [0, 1],
    );
    // A negative minDelta counts by its absolute value, as in Keras.
    assert.deepEqual(
      await drive(
        new EarlyStopping({ monitor: "loss", patience: 1, minDelta: -0.1 }),
        m,
        lossesList,
      ),
      [0, 1],
    );
    assert.deepEqual(
      await drive(
        new EarlyStopping({ monitor: "loss", patience: 1, minDelta: 0.01 }),
        m,
        lossesList,
      ),
      [0, 1, 2, 3],
    );
  });

  it("maximizes accuracy-like metrics in auto mode and honours an explicit mode", async () => {
    const m = new FakeModel();
    const acc = [0.5, 0.6, 0.6, 0.7].map((v) => ({ val_accuracy: v }));
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "val_accuracy", patience: 1 }), m, acc),
      [0, 1, 2],
    );
    const auc = [0.5, 0.6, 0.7].map((v) => ({ val_auc: v }));
    assert.deepEqual(await drive(new EarlyStopping({ monitor: "val_auc" }), m, auc), [0, 1, 2]);
    // mode "min" on the same rising values: epoch 1 is already worse.
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "val_auc", mode: "min" }), m, auc),
      [0, 1],
    );
    // A compiled metric's direction decides a name that says nothing by itself.
    m.compiled = { metrics: [{ name: "score", direction: "up" }] };
    const score = [1, 2, 3].map((v) => ({ score: v }));
    assert.deepEqual(await drive(new EarlyStopping({ monitor: "score" }), m, score), [0, 1, 2]);
    m.compiled = null;
    await assert.rejects(drive(new EarlyStopping({ monitor: "score" }), m, score), {
      message: /received monitor=score, but Strata isn't able to automatically determine/,
    });
  });

  it("stops unless the baseline is beaten, and waits startFromEpoch epochs", async () => {
    const m = new FakeModel();
    const values = losses(1, 1.2, 0.9, 1.1);
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "loss", patience: 2 }), m, values),
      [0, 1, 2, 3],
    );
    // Epoch 0 improves on nothing-yet but not on the baseline, so the wait keeps counting.
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "loss", patience: 2, baseline: 0.5 }), m, values),
      [0, 1],
    );
    const reached = losses(1, 1.2, 0.9, 1.1, 1.2, 1.3);
    const es = new EarlyStopping({ monitor: "loss", patience: 3, baseline: 0.95 });
    assert.deepEqual(await drive(es, m, reached), [0, 1, 2, 3, 4, 5]);
    assert.equal(es.stoppedEpoch, 5);
    const rising = losses(1, 2, 3, 4);
    assert.deepEqual(await drive(new EarlyStopping({ monitor: "loss" }), m, rising), [0, 1]);
    assert.deepEqual(
      await drive(new EarlyStopping({ monitor: "loss", startFromEpoch: 2 }), m, rising),
      [0, 1, 2, 3],
    );
  });

  it("restores the best epoch's weights, whether or not it stopped early", async () => {
    const m = new FakeModel();
    const es = new EarlyStopping({ monitor: "loss", patience: 2, restoreBestWeights: true });
    assert.deepEqual(await drive(es, m, losses(3, 1, 2, 2.5, 4)), [0, 1, 2, 3]);
    assert.equal(m.weight, 1);
    assert.equal(es.bestEpoch, 1);
    assert.deepEqual(await drive(es, m, losses(3, 1, 0.5, 2)), [0, 1, 2, 3]);
    assert.equal(m.weight, 2);
  });

  it("restores the best weights of a real model after fit", async () => {
    const { model, x, y } = tinyModel();
    const scripted = [3, 1, 2, 2.5, 4, 5];
    const snapshots: number[][] = [];
    // Runs before EarlyStopping: replaces the loss by a script and records each epoch's weights.
    const script = new LambdaCallback({
      onEpochEnd: (epoch, logs = {}) => {
        logs.loss = scripted[epoch]!;
        snapshots.push(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
      },
    });
    const es = new EarlyStopping({ monitor: "loss", patience: 2, restoreBestWeights: true });
    const history = await model.fit(x, y, {
      epochs: 6,
      batchSize: 4,
      verbose: 0,
      callbacks: [script, es],
    });
    assert.deepEqual(history.epoch, [0, 1, 2, 3]);
    assert.deepEqual(history.history.loss, [3, 1, 2, 2.5]);
    assert.deepEqual(
      model.getWeights().flatMap((w) => Array.from(w.dataSync())),
      snapshots[1],
    );
    assert.notDeepEqual(snapshots[1], snapshots[3]);
  });

  it("warns once when the monitored log is missing, and does not stop", async (t) => {
    const warn = t.mock.method(console, "warn", () => undefined);
    const ran = await drive(
      new EarlyStopping({ monitor: "val_loss" }),
      new FakeModel(),
      losses(1, 2, 3),
    );
    assert.deepEqual(ran, [0, 1, 2]);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(
      String(warn.mock.calls[0]!.arguments[0]),
      /conditioned on metric `val_loss` which is not available. Available metrics are: loss/,
    );
  });

  it("rejects bad options with Keras-style messages", () => {
    assert.throws(() => new EarlyStopping({ patience: -1 }), { message: /Received: patience=-1/ });
    assert.throws(() => new EarlyStopping({ startFromEpoch: 1.5 }), {
      message: /Received: startFromEpoch=1.5/,
    });
    const warn = mock.method(console, "warn", () => undefined);
    assert.equal(new EarlyStopping({ mode: "sideways" as never }).mode, "auto");
    assert.match(
      String(warn.mock.calls[0]!.arguments[0]),
      /mode sideways is unknown, fallback to auto mode/,
    );
    warn.mock.restore();
  });
});

describe("ReduceLROnPlateau", () => {
  it("reduces the rate after patience, then waits out the cooldown, never below minLr", async () => {
    const m = new FakeModel();
    const seen: number[] = [];
    const rp = new ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
      cooldown: 2,
      minLr: 0.02,
      minDelta: 0,
    });
    const list = new CallbackList([rp]);
    list.configure(m, { epochs: 8, steps: 1, verbose: 0 });
    await list.call("onTrainBegin", {});
    const after: number[] = [];
    for (let e = 0; e < 8; e++) {
      const logs: Logs = { loss: 1 };
      await list.call("onEpochEnd", e, logs);
      seen.push(logs.learning_rate!);
      after.push(m.optimizer.learningRate);
    }
    const f = Math.fround;
    // Epoch 1 reduces; the cooldown of 2 holds epoch 2; epoch 3 reduces; epoch 5 hits minLr.
    assert.deepEqual(after, [0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02].map(f));
    // learning_rate in the logs is the rate the epoch ran with.
    assert.deepEqual(seen, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02].map(f));
  });

  it("does not reduce while the metric improves by more than minDelta; maximizes acc", async () => {
    const m = new FakeModel();
    await drive(
      new ReduceLROnPlateau({ monitor: "loss", patience: 1 }),
      m,
      losses(1, 0.9, 0.8, 0.7),
    );
    assert.equal(m.optimizer.learningRate, Math.fround(0.1));
    await drive(
      new ReduceLROnPlateau({ monitor: "loss", patience: 1, minDelta: 0.2 }),
      m,
      losses(1, 0.9),
    );
    assert.equal(m.optimizer.learningRate, Math.fround(0.01));
    const acc = [0.1, 0.2, 0.3].map((v) => ({ val_acc: v }));
    await drive(new ReduceLROnPlateau({ monitor: "val_acc", patience: 1 }), m, acc);
    assert.equal(m.optimizer.learningRate, Math.fround(0.01));
  });

  it("logs learning_rate into History during fit", async () => {
    const { model, x, y } = tinyModel(3);
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      verbose: 0,
      callbacks: [new ReduceLROnPlateau({ monitor: "loss" })],
    });
    assert.deepEqual(history.history.learning_rate, [Math.fround(0.01), Math.fround(0.01)]);
  });

  it("rejects factor >= 1", () => {
    assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), {
      message: /ReduceLROnPlateau does not support a factor >= 1.0. Received: factor=1/,
    });
  });
});

describe("LearningRateScheduler", () => {
  it("sets the rate from schedule(epoch, lr) at each epoch start", async () => {
    const { model, x, y } = tinyModel(4);
    const calls: [number, number][] = [];
    const sched = new LearningRateScheduler((epoch, lr) => {
      calls.push([epoch, lr]);
      return epoch < 1 ? lr : lr * 0.5;
    });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      verbose: 0,
      callbacks: [sched],
    });
    const f = Math.fround;
    assert.deepEqual(calls, [
      [0, f(0.01)],
      [1, f(0.01)],
      [2, f(f(0.01) * 0.5)],
    ]);
    assert.deepEqual(history.history.learning_rate, [
      f(0.01),
      f(f(0.01) * 0.5),
      f(f(f(0.01) * 0.5) * 0.5),
    ]);
    assert.equal(model.optimizer!.learningRate, f(f(f(0.01) * 0.5) * 0.5));
  });

  it("rejects a schedule that returns no number", async () => {
    const bad = new LearningRateScheduler(() => "fast" as unknown as number);
    await assert.rejects(drive(bad, new FakeModel(), losses(1)), {
      message: /The output of the `schedule` function should be a float. Got: fast/,
    });
  });
});

describe("CSVLogger", () => {
  it("writes epoch then the sorted keys, Python-style, and appends without a second header", async () => {
    const file = join(dir, "log.csv");
    const rows: Logs[] = [
      { val_loss: 0.25, loss: 0.5, accuracy: 1 },
      { loss: 1e-5, accuracy: 0.75 },
    ];
    await drive(new CSVLogger(file), new FakeModel(), rows);
    assert.equal(
      await readFile(file, "utf8"),
      "epoch,accuracy,loss,val_loss\r\n0,1.0,0.5,0.25\r\n1,0.75,1e-05,NA\r\n",
    );
    await drive(new CSVLogger(file, { append: true }), new FakeModel(), [
      { loss: 2, accuracy: 0, val_loss: 3 },
    ]);
    assert.equal(
      await readFile(file, "utf8"),
      "epoch,accuracy,loss,val_loss\r\n0,1.0,0.5,0.25\r\n1,0.75,1e-05,NA\r\n0,0.0,2.0,3.0\r\n",
    );
    // Without append the file starts over.
    await drive(new CSVLogger(file, { separator: ";" }), new FakeModel(), [{ b: 1, a: 2 }]);
    assert.equal(await readFile(file, "utf8"), "epoch;a;b\r\n0;2.0;1.0\r\n");
  });

  it("writes a header into an empty file when appending, and logs a real fit", async () => {
    const file = join(dir, "fit.csv");
    await writeFile(file, "");
    const { model, x, y } = tinyModel(5);
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [new CSVLogger(file, { append: true })],
    });
    const lines = (await readFile(file, "utf8")).split("\r\n");
    assert.deepEqual(lines[0], "epoch,loss,val_loss");
    assert.equal(lines.length, 4);
    assert.equal(Number(lines[2]!.split(",")[2]), history.history.val_loss![1]);
  });

  it("rejects a multi-character separator", () => {
    assert.throws(() => new CSVLogger("x.csv", { separator: ", " }), {
      message: /1-character string/,
    });
  });
});

describe("TerminateOnNaN", () => {
  it("stops training at the first NaN loss", async (t) => {
    t.mock.method(process.stdout, "write", () => true);
    const { model, x } = tinyModel(6);
    const y = st.full([16, 1], NaN);
    let batches = 0;
    const count = new LambdaCallback({ onBatchEnd: () => void batches++ });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [new TerminateOnNaN(), count],
    });
    t.mock.restoreAll();
    assert.equal(batches, 1);
    assert.deepEqual(history.epoch, [0]);
    assert.ok(Number.isNaN(history.history.loss![0]!));
  });

  it("throws at once with raiseError", async () => {
    const { model, x } = tinyModel(7);
    const y = st.full([16, 1], Infinity);
    await assert.rejects(
      model.fit(x, y, {
        epochs: 2,
        batchSize: 4,
        verbose: 0,
        callbacks: [new TerminateOnNaN({ raiseError: true })],
      }),
      { message: /NaN or Inf loss encountered at batch 0/ },
    );
  });

  it("lets finite losses through", async () => {
    const m = new FakeModel();
    const cb = new TerminateOnNaN();
    cb.setModel(m);
    await cb.onTrainBatchEnd(0, { loss: 1e30 });
    await cb.onTrainBatchEnd(1, {});
    assert.equal(m.stopTraining, false);
  });
});

describe("LambdaCallback", () => {
  it("fires every hook given, in fit's order", async () => {
    const { model, x, y } = tinyModel(8);
    const events: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: () => void events.push("trainBegin"),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchBegin: (b) => void events.push(`batchBegin ${b}`),
      onBatchEnd: (b, logs = {}) => void events.push(`batchEnd ${b} ${typeof logs.loss}`),
      onEpochEnd: async (e, logs = {}) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`epochEnd ${e} ${Object.keys(logs).join()}`);
      },
      onTrainEnd: () => void events.push("trainEnd"),
    });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [cb] });
    const epoch = (e: number) => [
      `epochBegin ${e}`,
      ...range(2).flatMap((b) => [`batchBegin ${b}`, `batchEnd ${b} number`]),
      `epochEnd ${e} loss`,
    ];
    assert.deepEqual(events, ["trainBegin", ...epoch(0), ...epoch(1), "trainEnd"]);
  });

  it("rejects unknown hooks and non-functions", () => {
    assert.throws(() => new LambdaCallback({ onEpochEnds: () => undefined } as never), {
      message: /unknown option onEpochEnds; did you mean onEpochEnd\?/,
    });
    assert.throws(() => new LambdaCallback({ onEpochEnd: 3 } as never), {
      message: /onEpochEnd must be a function/,
    });
  });
});
