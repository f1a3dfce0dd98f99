// Each tuner on a cheap synthetic objective whose best region is known: a HyperModel whose "fit"
// computes the score from the hyperparameters (no training), so the test measures the search.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as st from "../../../src/index.js";
import {
  BayesianOptimization,
  HyperModel,
  HyperParameters,
  Hyperband,
  HyperbandOracle,
  Objective,
  RandomSearch,
  type SearchOptions,
  type TrialResult,
} from "../../../src/tools/tuner/index.js";

const root = mkdtempSync(join(tmpdir(), "strata-tuner-"));
after(() => rmSync(root, { recursive: true, force: true }));
let projects = 0;
const project = () => ({ directory: root, projectName: `p${projects++}` });

const tinyModel = () => new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(1)]);

/** A HyperModel whose "fit" computes its result from the hyperparameters, without training. */
function synthetic(
  declare: (hp: HyperParameters) => void,
  score: (hp: HyperParameters) => TrialResult,
): HyperModel {
  return new (class extends HyperModel {
    override build(hp: HyperParameters) {
      declare(hp);
      return tinyModel();
    }
    override fit(hp: HyperParameters) {
      return score(hp);
    }
  })();
}

/** val_loss = (x − 0.7)² + (y − 0.2)²: the best region is around (0.7, 0.2). */
class Bowl extends HyperModel {
  calls = 0;
  override build(hp: HyperParameters) {
    hp.Float("x", 0, 1);
    hp.Float("y", 0, 1);
    return tinyModel();
  }
  override fit(hp: HyperParameters): TrialResult {
    this.calls++;
    const x = hp.get("x") as number;
    const y = hp.get("y") as number;
    return { val_loss: (x - 0.7) ** 2 + (y - 0.2) ** 2 };
  }
}

describe("RandomSearch", () => {
  test("finds the bowl's region in 20 trials and records every trial", async () => {
    const bowl = new Bowl();
    const tuner = new RandomSearch(bowl, {
      objective: "val_loss",
      maxTrials: 20,
      seed: 1,
      ...project(),
    });
    await tuner.search({ verbose: 0 });
    assert.equal(bowl.calls, 20);
    const [best] = tuner.oracle.getBestTrials(1);
    assert.ok(best!.score! < 0.05, `best val_loss ${best!.score}`);
    const trials = readdirSync(tuner.projectDir).filter((f) => f.startsWith("trial_"));
    assert.equal(trials.length, 20);
    assert.deepEqual(trials.slice(0, 2), ["trial_00", "trial_01"]); // KerasTuner's zero padding
    const saved = JSON.parse(
      readFileSync(join(tuner.projectDir, "trial_00", "trial.json"), "utf8"),
    );
    assert.equal(saved.status, "COMPLETED");
    assert.deepEqual(Object.keys(saved.hyperparameters.values).sort(), ["x", "y"]);
    const best2 = tuner.getBestHyperparameters(2);
    assert.equal(best2.length, 2);
    assert.equal(best2[0]!.get("x"), best!.hyperparameters.get("x"));
  });

  test("maximizes val_accuracy (direction inferred) and prints KerasTuner's display", async () => {
    const lines: string[] = [];
    const tuner = new RandomSearch(
      synthetic(
        (hp) => hp.Choice("units", [8, 16, 32]),
        (hp) => ({ val_accuracy: (hp.get("units") as number) / 32 }),
      ),
      { objective: "val_accuracy", maxTrials: 3, seed: 3, ...project() },
    );
    tuner.oracle.display.print = (l) => lines.push(l);
    await tuner.search();
    assert.equal(tuner.oracle.objective.direction, "max");
    assert.equal(tuner.getBestHyperparameters()[0]!.get("units"), 32);
    const text = lines.join("\n");
    assert.match(
      text,
      /Search: Running Trial #1\n\nValue {13}\|Best Value So Far \|Hyperparameter/,
    );
    assert.match(text, /Trial 3 Complete \[00h 00m 0\ds\]\nval_accuracy: /);
    assert.match(text, /Best val_accuracy So Far: 1\nTotal elapsed time: 00h 00m 0\ds/);
    const summary: string[] = [];
    tuner.resultsSummary(1, (l) => summary.push(l));
    assert.equal(summary[3], 'Objective(name="val_accuracy", direction="max")');
    assert.match(summary.join("\n"), /Trial \d summary\nHyperparameters:\nunits: 32\nScore: 1/);
  });

  test("a list of objectives is summed as KerasTuner (maximized ones subtracted)", async () => {
    const tuner = new RandomSearch(
      synthetic(
        (hp) => hp.Float("a", 0, 1),
        (hp) => {
          const a = hp.get("a") as number;
          return { val_loss: a, val_auc: 3 * a };
        },
      ),
      {
        objective: ["val_loss", new Objective("val_auc", "max")],
        maxTrials: 4,
        seed: 2,
        ...project(),
      },
    );
    await tuner.search({ verbose: 0 });
    for (const t of tuner.oracle.trials.values()) {
      const a = t.hyperparameters.get("a") as number;
      assert.ok(Math.abs(t.score! - (a - 3 * a)) < 1e-12);
    }
    const best = tuner.oracle.getBestTrials(1)[0]!;
    const all = [...tuner.oracle.trials.values()].map((t) => t.hyperparameters.get("a") as number);
    assert.equal(best.hyperparameters.get("a"), Math.max(...all));
  });

  test("an unknown metric name needs an explicit Objective", () => {
    assert.throws(
      () => new RandomSearch(() => tinyModel(), { objective: "val_mystery", ...project() }),
      /Could not infer optimization direction .* "val_mystery"/,
    );
    assert.throws(
      () => new RandomSearch(() => tinyModel(), { maxTrails: 3 } as never),
      /unknown option maxTrails; did you mean maxTrials\?/,
    );
  });
});

describe("BayesianOptimization", () => {
  test("closes in on the bowl's minimum after its random points", async () => {
    const bowl = new Bowl();
    const tuner = new BayesianOptimization(bowl, {
      objective: "val_loss",
      maxTrials: 14,
      numInitialPoints: 5,
      seed: 7,
      ...project(),
    });
    await tuner.search({ verbose: 0 });
    const scores = [...tuner.oracle.trials.values()].map((t) => t.score!);
    const randomBest = Math.min(...scores.slice(0, 5));
    const best = Math.min(...scores);
    assert.ok(best < 0.003, `best ${best}`);
    assert.ok(best < randomBest, `the Gaussian process improved on ${randomBest}`);
  });

  test("maximizes a Choice and Int space (values mapped through [0, 1])", async () => {
    const tuner = new BayesianOptimization(
      synthetic(
        (hp) => {
          hp.Int("n", 1, 20);
          hp.Choice("kind", ["a", "b", "c"]);
        },
        (hp) => ({
          val_accuracy: -Math.abs((hp.get("n") as number) - 14) + (hp.get("kind") === "b" ? 5 : 0),
        }),
      ),
      { objective: "val_accuracy", maxTrials: 12, numInitialPoints: 4, seed: 5, ...project() },
    );
    await tuner.search({ verbose: 0 });
    const best = tuner.getBestHyperparameters()[0]!;
    assert.equal(best.get("kind"), "b");
    assert.ok(Math.abs((best.get("n") as number) - 14) <= 1, `n = ${best.get("n")}`);
  });
});

/** KerasTuner's schedule for maxEpochs and factor, from its formulas evaluated by Python. */
function pythonSchedule(maxEpochs: number, factor: number): number[][] | null {
  const script = `
import math, json, sys
m, f = int(sys.argv[1]), int(sys.argv[2])
n = 0; e = m
while e >= 1: e = e / f; n += 1
end0 = math.ceil(1 + math.log(m, f))
out = []
for b in range(n - 1, -1, -1):
    for r in range(b + 1):
        size = math.ceil(end0 / (b + 1) * f ** (b - r))
        ep = math.ceil(m / f ** (b - r))
        init = 0 if r == 0 else math.ceil(m / f ** (b - r + 1))
        out += [[b, r, ep, init]] * size
print(json.dumps(out))`;
  const run = spawnSync("python3", ["-c", script, String(maxEpochs), String(factor)], {
    encoding: "utf8",
  });
  return run.status === 0 ? (JSON.parse(run.stdout) as number[][]) : null;
}

describe("Hyperband", () => {
  const scheduleOf = async (maxEpochs: number, factor: number) => {
    const seen: number[][] = [];
    class Trace extends HyperModel {
      override build(hp: HyperParameters) {
        hp.Float("x", 0, 1);
        return tinyModel();
      }
      // A real (tiny) fit, so each trial leaves the checkpoint the next round continues from.
      override async fit(hp: HyperParameters, model: st.Model, opts: SearchOptions) {
        const v = hp.values;
        seen.push([
          v["tuner/bracket"],
          v["tuner/round"],
          opts.epochs,
          opts.initialEpoch,
        ] as number[]);
        model.compile({ optimizer: "sgd", loss: "mse" });
        await model.fit(st.tensor([[0], [1]]), st.tensor([[0], [1]]), { ...opts, verbose: 0 });
        return { val_loss: ((hp.get("x") as number) - 0.3) ** 2 / opts.epochs! };
      }
    }
    const tuner = new Hyperband(new Trace(), {
      objective: "val_loss",
      maxEpochs,
      factor,
      seed: 1,
      ...project(),
    });
    await tuner.search({ verbose: 0 });
    return { seen, tuner };
  };

  test("maxEpochs 9, factor 3: the brackets worked out by hand (and by Python)", async () => {
    // 3 brackets; end size ⌈1 + log₃ 9⌉ = 3. Bracket 2: 9 trials × 1 epoch, 3 × 3, 1 × 9;
    // bracket 1 (end size 1.5): 5 × 3, 2 × 9; bracket 0: 3 × 9.
    const { seen, tuner } = await scheduleOf(9, 3);
    const expected = [
      ...Array(9).fill([2, 0, 1, 0]),
      ...Array(3).fill([2, 1, 3, 1]),
      [2, 2, 9, 3],
      ...Array(5).fill([1, 0, 3, 0]),
      ...Array(2).fill([1, 1, 9, 3]),
      ...Array(3).fill([0, 0, 9, 0]),
    ];
    assert.deepEqual(seen, expected);
    const fromPython = pythonSchedule(9, 3);
    if (fromPython) assert.deepEqual(seen, fromPython);
    const bestX = tuner.getBestHyperparameters()[0]!.get("x") as number;
    assert.ok(Math.abs(bestX - 0.3) < 0.15, `best x ${bestX}`);
    // Round 1 continues round 0's best three, which Hyperband picked by score.
    const trials = [...tuner.oracle.trials.values()];
    const round0 = trials.slice(0, 9).sort((a, b) => a.score! - b.score!);
    const continued = trials.slice(9, 12).map((t) => t.hyperparameters.values["tuner/trial_id"]);
    assert.deepEqual(
      continued,
      round0.slice(0, 3).map((t) => t.trialId),
    );
    assert.equal(trials[0]!.trialId, "0000"); // KerasTuner pads to len("None") without maxTrials
  });

  // The oracle alone (no models): larger schedules, with log₃ 27 and log₂ 8 where V8's Math.log
  // and C's differ in the last place.
  for (const [maxEpochs, factor] of [
    [27, 3],
    [8, 2],
    [20, 5],
  ] as const) {
    const expected = pythonSchedule(maxEpochs, factor);
    test(
      `the oracle's schedule for maxEpochs ${maxEpochs}, factor ${factor} equals Python's`,
      { skip: expected ? false : "python3 is not available" },
      async () => {
        const oracle = new HyperbandOracle({ objective: "val_loss", maxEpochs, factor, seed: 4 });
        oracle.setProjectDir(join(root, `oracle-${maxEpochs}-${factor}`));
        oracle.display.verbose = 0;
        oracle.hyperparameters.Float("x", 0, 1);
        const seen: number[][] = [];
        for (;;) {
          const trial = await oracle.createTrial("tuner0");
          if (trial.status === "STOPPED") break;
          const v = trial.hyperparameters.values;
          seen.push([
            v["tuner/bracket"],
            v["tuner/round"],
            v["tuner/epochs"],
            v["tuner/initial_epoch"],
          ] as number[]);
          await oracle.updateTrial(trial.trialId, { val_loss: v.x as number });
          trial.status = "COMPLETED";
          await oracle.endTrial(trial);
        }
        assert.deepEqual(seen, expected);
      },
    );
  }

  test("rejects maxTrials and a factor below 2", () => {
    assert.throws(
      () => new Hyperband(() => tinyModel(), { maxTrials: 3 } as never),
      /maxTrails|maxTrials/,
    );
    assert.throws(
      () => new Hyperband(() => tinyModel(), { factor: 1, ...project() }),
      /factor needs to be an integer larger than 1/,
    );
  });
});
