import assert from "node:assert/strict";
import { test } from "node:test";
import type { BoardEvent } from "../../../src/tools/board/board-events.js";
import { RunData, stepAxis } from "../../../src/tools/board/run-data.js";

const scalar = (tag: string, step: number, wallTime: number, value: number): BoardEvent => ({
  kind: "scalar",
  tag,
  step,
  wallTime,
  value,
});

test("a run resumed at a later epoch keeps Keras's epoch numbers in its History", () => {
  const run = new RunData("r");
  run.add("train", [{ kind: "start", wallTime: 100 }]);
  run.add("train", [scalar("epoch_loss", 3, 110, 0.5), scalar("epoch_loss", 4, 111.5, 0.4)]);
  run.add("validation", [scalar("epoch_loss", 3, 110, 0.6), scalar("epoch_loss", 4, 111.5, 0.55)]);
  assert.deepEqual(run.history(), {
    history: { loss: [0.5, 0.4], val_loss: [0.6, 0.55] },
    epoch: [3, 4],
  });
  // 100 → 110 for the first epoch logged, then 110 → 111.5.
  assert.deepEqual(
    run.metrics().epoch_time!.train!.map((p) => [p.step, p.value]),
    [
      [3, 10],
      [4, 1.5],
    ],
  );
  assert.equal(run.summary().lastStep, 4);
});

test("a restarted run that rewrites its steps drops the later points and asks for a reload", () => {
  const run = new RunData("r");
  run.add(
    "train",
    [0, 1, 2].map((e) => scalar("epoch_loss", e, 10 + e, 1 - e / 10)),
  );
  const change = run.add("train", [scalar("epoch_loss", 1, 20, 0.7)]);
  assert.equal(change.reset, true);
  assert.deepEqual(
    run.metrics().loss!.train!.map((p) => [p.step, p.value]),
    [
      [0, 1],
      [1, 0.7],
    ],
  );
});

test("batch and iteration scalars are charted on their own steps and left out of epochs", () => {
  assert.equal(stepAxis("epoch_loss"), "epoch");
  assert.equal(stepAxis("batch_loss"), "batch");
  assert.equal(stepAxis("evaluation_loss_vs_iterations"), "iteration");
  const run = new RunData("r");
  run.add("train", [scalar("batch_loss", 250, 5, 0.9), scalar("epoch_loss", 0, 6, 0.8)]);
  assert.equal(run.summary().lastStep, 0);
  // Without the writer's start, the first epoch's time is unknown.
  assert.deepEqual(run.axes(), { batch_loss: "batch", loss: "epoch" });
  assert.deepEqual(run.history().history, { loss: [0.8] });
});
