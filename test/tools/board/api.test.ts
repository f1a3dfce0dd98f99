import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Point, RunSummary } from "../../../src/tools/board/run-data.js";
import type { StoreUpdate } from "../../../src/tools/board/run-store.js";
import { board, type Board } from "../../../src/tools/board/server.js";
import * as st from "../../../src/index.js";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";

const dir = mkdtempSync(join(tmpdir(), "strata-board-"));
let server: Board;
const readErrors: unknown[] = [];
const writers = new Map<string, EventFileWriter>();

/** The event file of one run's split, as the TensorBoard callback keeps one open per split. */
function writerOf(run: string, split: string): EventFileWriter {
  const key = join(dir, run, split);
  let writer = writers.get(key);
  if (!writer) writers.set(key, (writer = EventFileWriter.create(key)));
  return writer;
}

/** Logs one epoch as the TensorBoard callback does: train and validation scalars at step `epoch`. */
function logEpoch(run: string, epoch: number, wallTime: number, loss: number, valLoss: number) {
  const train = writerOf(run, "train");
  train.addScalar("epoch_loss", loss, epoch, wallTime);
  train.addScalar("epoch_learning_rate", 0.01, epoch, wallTime); // scalars are float32, as in TF
  train.flush();
  const validation = writerOf(run, "validation");
  validation.addScalar("epoch_loss", valLoss, epoch, wallTime);
  validation.flush();
}

interface Bodies {
  runs: { logDir: string; runs: RunSummary[] };
  scalars: {
    run: string;
    metrics: Record<string, Record<string, Point[]>>;
    axes: Record<string, string>;
  };
  error: { error: string };
  diagnosis: { run: string; diagnosis: { kind: string; epoch?: number; message: string } | null };
  graph: { run: string; svg: string | null; message: string };
  histograms: { run: string; histograms: { tag: string; step: number; buckets: unknown[] }[] };
}

async function getJson<K extends keyof Bodies>(path: string, _kind: K) {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: (await res.json()) as Bodies[K] };
}

before(async () => {
  // The writer starts its file at the current time; an earlier start marks the run's beginning.
  writerOf("run1", "train").addEvent({ wallTime: 1000, fileVersion: "brain.Event:2" });
  logEpoch("run1", 0, 1002, 1.0, 1.1);
  logEpoch("run1", 1, 1005, 0.5, 0.7);
  logEpoch("nested/run2", 0, 2000, 2.0, 2.5);
  const train = [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25];
  const val = [1.1, 0.9, 0.8, 0.85, 0.95, 1.05, 1.15];
  train.forEach((loss, epoch) => logEpoch("overfit", epoch, 3000 + epoch, loss, val[epoch]!));
  const model = new st.Sequential(
    [
      st.Input({ shape: [4] }),
      new st.layers.Dense(3, { activation: "relu", name: "hidden" }),
      new st.layers.Dense(1, { name: "out" }),
    ],
    { name: "tiny" },
  );
  writerOf("run1", "train").addKerasModel(model.toJson());
  writerOf("run1", "train").flush();
  writerOf("overfit", "train").addKerasModel(
    JSON.stringify({ class_name: "NoSuchModel", config: {} }),
  );
  const weights = writerOf("overfit", "train");
  weights.addHistogram("dense/kernel", [1, 2, 3], 0, { wallTime: 3000 });
  // Two equal-width buckets over [-0.5, 0.5]: three values left of 0, five right.
  weights.addHistogram("dense/kernel", [-0.5, -0.5, -0.2, 0.1, 0.5, 0.5, 0.5, 0.5], 6, {
    wallTime: 3006,
    buckets: 2,
  });
  weights.flush();
  mkdirSync(join(dir, "broken", "train"), { recursive: true });
  writeFileSync(
    join(dir, "broken", "train", "events.out.tfevents.1.bad"),
    "not a TFRecord file...",
  );
  server = await board(dir, { port: 0, pollMs: 100, onError: (e) => readErrors.push(e) });
});
after(async () => {
  await server.close();
  for (const writer of writers.values()) writer.close();
  rmSync(dir, { recursive: true, force: true });
});

test("board binds 127.0.0.1 on an ephemeral port", () => {
  assert.equal(server.host, "127.0.0.1");
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
});

test("/api/runs lists every run under the log directory", async () => {
  const { status, body } = await getJson("/api/runs", "runs");
  assert.equal(status, 200);
  assert.deepEqual(
    body.runs.map((r) => r.name),
    ["broken", "nested/run2", "overfit", "run1"],
  );
  const run1 = body.runs.find((r) => r.name === "run1")!;
  assert.deepEqual(run1.splits, ["train", "validation"]);
  assert.deepEqual(run1.metrics, ["learning_rate", "loss"]);
  assert.equal(run1.lastStep, 1);
  assert.equal(run1.lastWallTime, 1005);
});

test("/api/runs/:run/scalars pairs train and validation per metric, with epoch times", async () => {
  const { status, body } = await getJson("/api/runs/run1/scalars", "scalars");
  assert.equal(status, 200);
  const values = (split: string, metric: string) =>
    body.metrics[metric]![split]!.map((p) => [p.step, p.value]);
  assert.deepEqual(values("train", "loss"), [
    [0, 1.0],
    [1, 0.5],
  ]);
  assert.deepEqual(values("validation", "loss"), [
    [0, Math.fround(1.1)],
    [1, Math.fround(0.7)],
  ]);
  assert.deepEqual(values("train", "learning_rate"), [
    [0, Math.fround(0.01)],
    [1, Math.fround(0.01)],
  ]);
  // From the writer's start (1000) to epoch 0's scalars (1002), then 1002 → 1005.
  assert.deepEqual(body.axes, { loss: "epoch", learning_rate: "epoch", epoch_time: "epoch" });
  assert.deepEqual(values("train", "epoch_time"), [
    [0, 2],
    [1, 3],
  ]);
  const nested = await getJson(`/api/runs/${encodeURIComponent("nested/run2")}/scalars`, "scalars");
  assert.equal(nested.status, 200);
  assert.equal(nested.body.metrics.loss!.validation![0]!.value, 2.5);
});

test("/api/runs/:run/diagnosis reads the run's curves: validation turns up after epoch 3", async () => {
  const { status, body } = await getJson("/api/runs/overfit/diagnosis", "diagnosis");
  assert.equal(status, 200);
  assert.equal(body.diagnosis?.kind, "overfitting");
  assert.equal(body.diagnosis?.epoch, 2);
  assert.match(body.diagnosis?.message ?? "", /overfits from epoch 3/);
});

test("/api/runs/:run/histograms gives each weight's latest histogram", async () => {
  const { status, body } = await getJson("/api/runs/overfit/histograms", "histograms");
  assert.equal(status, 200);
  assert.deepEqual(body.histograms, [
    {
      tag: "dense/kernel",
      step: 6,
      buckets: [
        { left: -0.5, right: 0, count: 3 },
        { left: 0, right: 0.5, count: 5 },
      ],
    },
  ]);
});

test("/api/runs/:run/graph draws the model rebuilt from its logged Keras config", async () => {
  const { status, body } = await getJson("/api/runs/run1/graph", "graph");
  assert.equal(status, 200);
  assert.equal(body.message, "tiny");
  assert.match(body.svg ?? "", /^<\?xml|<svg/);
  for (const text of ["hidden", "out", "Dense", "(None, 4)", "(None, 3)", "(None, 1)"]) {
    assert.ok(body.svg?.includes(text), `the drawing shows ${text}`);
  }
  const none = await getJson(`/api/runs/${encodeURIComponent("nested/run2")}/graph`, "graph");
  assert.equal(none.body.svg, null);
  assert.match(none.body.message, /No model graph was logged/);
  const bad = await getJson("/api/runs/overfit/graph", "graph");
  assert.equal(bad.body.svg, null);
  assert.match(bad.body.message, /could not be rebuilt: .*NoSuchModel/);
});

test("a corrupt event file is reported once, naming it, and the other runs are read", async () => {
  await new Promise((resolve) => setTimeout(resolve, 300)); // a few more polls
  assert.equal(readErrors.length, 1);
  assert.match((readErrors[0] as Error).message, /events\.out\.tfevents\.1\.bad/);
  const { body } = await getJson("/api/runs/broken/scalars", "scalars");
  assert.deepEqual(body.metrics, {});
});

test("an unknown run is a 404 with a JSON error naming it", async () => {
  const { status, body } = await getJson("/api/runs/nope/scalars", "error");
  assert.equal(status, 404);
  assert.match(body.error, /no run named "nope"/);
  assert.match(body.error, /runs: broken, nested\/run2, overfit, run1/);
  const other = await getJson("/api/nothing", "error");
  assert.equal(other.status, 404);
  assert.match(other.body.error, /no endpoint GET \/api\/nothing/);
});

test("the page and uPlot are served", async () => {
  for (const [path, type] of [
    ["/", /text\/html/],
    ["/static/board.js", /javascript/],
    ["/static/uPlot.iife.min.js", /javascript/],
    ["/static/uPlot.min.css", /text\/css/],
  ] as const) {
    const res = await fetch(new URL(path, server.url));
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", type);
    assert.ok((await res.text()).length > 100, path);
  }
  assert.equal((await fetch(new URL("/static/../server.ts", server.url))).status, 404);
});

/** Reads server-sent events until `until` accepts one, or fails after `ms`. */
function readEvents(
  path: string,
  until: (data: StoreUpdate) => boolean,
  onOpen: () => void,
  ms = 5000,
) {
  return new Promise<StoreUpdate>((resolve, reject) => {
    const req = request(new URL(path, server.url), (res) => {
      assert.match(res.headers["content-type"] ?? "", /text\/event-stream/);
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = message.split("\n").find((l) => l.startsWith("data: "));
          const update = data ? (JSON.parse(data.slice(6)) as StoreUpdate) : null;
          if (update && until(update)) {
            clearTimeout(timer);
            req.destroy();
            resolve(update);
          }
        }
      });
      onOpen();
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no matching server-sent event within ${ms} ms`));
    }, ms);
    req.on("error", (e) => {
      if (!req.destroyed) reject(e);
    });
    req.end();
  });
}

test("/api/events pushes an epoch logged after connecting, within a second", async () => {
  let sent = 0;
  const update = await readEvents(
    "/api/events",
    (u) => u.points.some((p: { step: number }) => p.step === 2),
    () => {
      sent = Date.now();
      logEpoch("run1", 2, 1009, 0.3, 0.6);
    },
  );
  assert.ok(Date.now() - sent < 1000, `took ${Date.now() - sent} ms`);
  const points = update.points.map((p) => [p.run, p.split, p.metric, p.step, p.value]);
  assert.deepEqual(
    points.filter((p) => p[2] === "loss"),
    [
      ["run1", "train", "loss", 2, Math.fround(0.3)],
      ["run1", "validation", "loss", 2, Math.fround(0.6)],
    ],
  );
  assert.ok(points.some((p) => p[2] === "epoch_time" && p[4] === 4));
});
