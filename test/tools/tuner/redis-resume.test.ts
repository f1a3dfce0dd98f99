// A distributed search (BullMQ on a Redis server started here, loopback, a free port) whose driver
// is killed mid-search: a new driver on the same project folder (overwrite false, KerasTuner's
// default) resumes it, keeping the trials that had completed and finishing the search. The kill
// can land between a trial's trial.json and oracle.json: the second test makes both cases by hand.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as st from "../../../src/index.js";
import { HyperModel, type HyperParameters, RandomSearch } from "../../../src/tools/tuner/index.js";
import { redisSkipReason, startRedis, startWorkers, waitFor } from "./redis-harness.js";

const module = fileURLToPath(new URL("./fixtures/bowl-resume.ts", import.meta.url));
const DRIVER = fileURLToPath(new URL("./fixtures/resume-driver.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "strata-tuner-resume-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** The trials the project folder records: id → [status, x]. */
function trialFiles(): Map<string, [string, number]> {
  const project = join(dir, "resume");
  const trials = new Map<string, [string, number]>();
  if (!existsSync(project)) return trials;
  for (const entry of readdirSync(project)) {
    const file = join(project, entry, "trial.json");
    if (!entry.startsWith("trial_") || !existsSync(file)) continue;
    try {
      const state = JSON.parse(readFileSync(file, "utf8")) as {
        trial_id: string;
        status: string;
        hyperparameters: { values: { x: number } };
      };
      trials.set(state.trial_id, [state.status, state.hyperparameters.values.x]);
    } catch {
      // written atomically, so unreadable only while its folder is being made: read it next time
    }
  }
  return trials;
}

const fits = () =>
  readFileSync(join(dir, "started"), "utf8")
    .trim()
    .split("\n")
    .map((line) => Number(line.split(" ")[1]));

test(
  "a distributed search resumes after its driver is killed, without redoing completed trials",
  {
    skip: redisSkipReason,
    timeout: 120_000,
  },
  async () => {
    const url = await startRedis(children);
    const env = { ...process.env, STRATA_TUNER_TEST_DIR: dir };
    await startWorkers(2, url, module, env, children);

    // The first driver, killed (no chance to clean up) once two trials have completed.
    const driver = spawn(process.execPath, ["--import", "tsx", DRIVER, url], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(driver);
    const completed = () => [...trialFiles()].filter(([, [status]]) => status === "COMPLETED");
    await waitFor(() => completed().length >= 2, "two completed trials");
    driver.kill("SIGKILL");
    await new Promise((resolve) => driver.once("exit", resolve));
    const before = new Map(completed());
    assert.ok(before.size < 6, "the driver died mid-search");

    process.env.STRATA_TUNER_TEST_DIR = dir;
    const { createTuner } = (await import(module)) as typeof import("./fixtures/bowl-resume.js");
    const tuner = createTuner();
    assert.deepEqual(
      [...tuner.oracle.trials.values()]
        .filter((t) => t.status === "COMPLETED")
        .map((t) => t.trialId)
        .sort(),
      [...before.keys()].sort(),
      "the new driver reloads the completed trials",
    );
    await tuner.searchInWorkers(module, { maxWorkers: 2, verbose: 0, distributed: { redis: url } });

    const trials = [...tuner.oracle.trials.values()];
    assert.equal(trials.length, 6);
    assert.ok(
      trials.every((t) => t.status === "COMPLETED"),
      trials.map((t) => t.status).join(),
    );
    assert.deepEqual(
      [...trialFiles().values()].map(([status]) => status),
      Array(6).fill("COMPLETED"),
    );
    // Each trial completed before the kill was fitted once; every trial was fitted.
    const fitted = fits();
    for (const [id, [, x]] of before)
      assert.equal(fitted.filter((v) => v === x).length, 1, `trial ${id} ran once`);
    for (const t of trials) assert.ok(fitted.includes(t.hyperparameters.get("x") as number));
    for (const child of children.slice(1)) if (child.exitCode === null) child.kill("SIGTERM");
  },
);

test("reloading trusts trial.json when the driver died between it and oracle.json", async () => {
  const fitted: number[] = [];
  class Bowl extends HyperModel {
    override build(hp: HyperParameters) {
      hp.Float("x", 0, 1);
      return new st.Sequential([st.Input({ shape: [1] }), new st.layers.Dense(1)]);
    }
    override async fit(hp: HyperParameters) {
      fitted.push(hp.get("x") as number);
      return { val_loss: ((hp.get("x") as number) - 0.5) ** 2 };
    }
  }
  const opts = {
    objective: "val_loss",
    maxTrials: 3,
    seed: 4,
    directory: dir,
    projectName: "torn",
  };
  await new RandomSearch(new Bowl(), opts).search({ verbose: 0 });
  assert.equal(fitted.length, 3);
  const project = join(dir, "torn");
  const oracleFile = join(project, "oracle.json");
  const state = JSON.parse(readFileSync(oracleFile, "utf8")) as Record<string, unknown> & {
    start_order: string[];
    end_order: string[];
  };
  // Trial 1 ended (its trial.json says COMPLETED) but oracle.json still calls it ongoing; trial 2
  // was created (its trial.json says RUNNING) but oracle.json never heard of it.
  state.ongoing_trials = { tuner0: "1" };
  state.start_order = ["0", "1"];
  state.end_order = ["0"];
  writeFileSync(oracleFile, JSON.stringify(state));
  const trial2 = join(project, "trial_2", "trial.json");
  writeFileSync(
    trial2,
    JSON.stringify({ ...JSON.parse(readFileSync(trial2, "utf8")), status: "RUNNING", score: null }),
  );
  const x2 = fitted[2]!;
  fitted.length = 0;

  const tuner = new RandomSearch(new Bowl(), opts);
  await tuner.search({ verbose: 0 });
  assert.deepEqual(fitted, [x2], "only the trial oracle.json never recorded is redone");
  const trials = [...tuner.oracle.trials.values()];
  assert.equal(trials.length, 3);
  assert.ok(
    trials.every((t) => t.status === "COMPLETED"),
    trials.map((t) => t.status).join(),
  );
  assert.deepEqual([...tuner.oracle.endOrder].sort(), ["0", "1", "2"]);
});
