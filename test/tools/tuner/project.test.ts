// The project folder: checkpoints that getBestModels loads, executions averaged, and a search
// that resumes after an interruption without redoing finished trials.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as st from "../../../src/index.js";
import {
  FatalTunerError,
  HyperModel,
  type HyperParameters,
  RandomSearch,
  type SearchOptions,
} from "../../../src/tools/tuner/index.js";

const root = mkdtempSync(join(tmpdir(), "strata-tuner-project-"));
after(() => rmSync(root, { recursive: true, force: true }));

// y = 3x + 1 on 32 points; the validation set is 16 more.
const line = (n: number, offset: number) => {
  const xs = Array.from({ length: n }, (_, i) => [(i + offset) / n - 0.5]);
  return [st.tensor(xs), st.tensor(xs.map(([x]) => [3 * x! + 1]))] as const;
};
const [x, y] = line(32, 0);
const [xv, yv] = line(16, 0.25);

test("getBestModels loads each best trial's best-epoch checkpoint into a working model", async () => {
  st.random.setSeed(1);
  // No input shape: the model builds on its first batch, so loading needs build_config.json.
  const tuner = new RandomSearch(
    (hp) => {
      const model = new st.Sequential([new st.layers.Dense(1)]);
      model.compile({
        optimizer: new st.optimizers.SGD({ learningRate: hp.Choice("lr", [0.01, 0.1, 0.3]) }),
        loss: "mse",
      });
      return model;
    },
    { objective: "val_loss", maxTrials: 3, seed: 2, directory: root, projectName: "best" },
  );
  await tuner.search(x, y, { epochs: 4, batchSize: 8, validationData: [xv, yv], verbose: 0 });
  const trials = tuner.oracle.getBestTrials(2);
  const models = await tuner.getBestModels(2);
  assert.equal(models.length, 2);
  for (const [i, model] of models.entries()) {
    const dir = tuner.getTrialDir(trials[i]!.trialId);
    assert.ok(existsSync(join(dir, "checkpoint.weights.h5")));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "build_config.json"), "utf8")), {
      input_shape: [null, 1],
    });
    // The checkpoint holds the best epoch: evaluating it gives the trial's score.
    const { loss } = await model.evaluate(xv, yv, { verbose: 0 });
    assert.ok(Math.abs(loss! - trials[i]!.score!) < 1e-5, `${loss} vs ${trials[i]!.score}`);
    const prediction = (await model.predict(st.tensor([[0]]), { verbose: 0 })) as st.Tensor;
    assert.equal(prediction.shape.join(), "1,1");
  }
  assert.ok(trials[0]!.score! <= trials[1]!.score!);
});

test("executionsPerTrial trains that many models and averages their metrics", async () => {
  let execution = 0;
  const tuner = new RandomSearch(
    new (class extends HyperModel {
      override build(hp: HyperParameters) {
        hp.Float("a", 0, 1);
        return new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(1)]);
      }
      override fit(hp: HyperParameters) {
        return { val_loss: (hp.get("a") as number) + (execution++ % 2) };
      }
    })(),
    {
      objective: "val_loss",
      maxTrials: 2,
      executionsPerTrial: 2,
      directory: root,
      projectName: "executions",
    },
  );
  await tuner.search({ verbose: 0 });
  assert.equal(execution, 4);
  for (const trial of tuner.oracle.trials.values())
    assert.ok(Math.abs(trial.score! - ((trial.hyperparameters.get("a") as number) + 0.5)) < 1e-12);
});

test("an interrupted search resumes: finished trials are kept, the running one is redone", async () => {
  const fitted: string[] = [];
  let interruptAt: number | null = 3;
  class Line extends HyperModel {
    override build(hp: HyperParameters) {
      const model = new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(1)]);
      model.compile({
        optimizer: new st.optimizers.SGD({
          learningRate: hp.Float("lr", 0.01, 0.3, { sampling: "log" }),
        }),
        loss: "mse",
      });
      return model;
    }
    override async fit(hp: HyperParameters, model: st.Model, ...args: unknown[]) {
      fitted.push(JSON.stringify(hp.values));
      if (fitted.length - 1 === interruptAt) throw new FatalTunerError("interrupted (test)");
      const [xs, ys, opts] = args as [st.Tensor, st.Tensor, SearchOptions];
      return model.fit(xs, ys, opts);
    }
  }
  const opts = {
    objective: "val_loss",
    maxTrials: 6,
    seed: 3,
    directory: root,
    projectName: "resume",
  };
  const fitArgs = [
    x,
    y,
    { epochs: 2, batchSize: 16, validationData: [xv, yv], verbose: 0 },
  ] as const;
  const first = new RandomSearch(new Line(), opts);
  await assert.rejects(first.search(...fitArgs), /interrupted \(test\)/);
  assert.equal(fitted.length, 4);
  const done = [...first.oracle.trials.values()].filter((t) => t.status === "COMPLETED");
  assert.equal(done.length, 3);

  interruptAt = null;
  const second = new RandomSearch(new Line(), opts);
  assert.equal(second.remainingTrials, 2); // 4 trials exist: 3 finished, 1 to redo
  await second.search(...fitArgs);
  // The interrupted trial ran again with the same values, then the last two: no finished trial again.
  assert.equal(fitted.length, 7);
  assert.equal(fitted[4], fitted[3]);
  assert.equal(new Set(fitted.slice(4)).size, 3);
  for (const v of fitted.slice(5)) assert.ok(!fitted.slice(0, 4).includes(v));
  const trials = [...second.oracle.trials.values()];
  assert.equal(trials.length, 6);
  assert.ok(trials.every((t) => t.status === "COMPLETED"));
  // Scores from the first run survive the reload.
  for (const t of done) assert.equal(second.oracle.getTrial(t.trialId).score, t.score);

  // overwrite: true starts afresh.
  const fresh = new RandomSearch(new Line(), { ...opts, overwrite: true });
  assert.equal(fresh.oracle.trials.size, 0);
  assert.equal(fresh.remainingTrials, 6);
});
