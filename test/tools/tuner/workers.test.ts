// Trials in worker processes: two workers share one search whose oracle stays in this process;
// one worker dies mid-trial and its trial is run again by the other, so no trial is lost.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const dir = mkdtempSync(join(tmpdir(), "strata-tuner-workers-"));
after(() => rmSync(dir, { recursive: true, force: true }));
process.env.STRATA_TUNER_TEST_DIR = dir;
process.env.STRATA_TUNER_TEST_CRASH = "1";
const module = fileURLToPath(new URL("./fixtures/bowl-workers.ts", import.meta.url));

test(
  "two worker processes share a search; a worker killed mid-trial loses no trial",
  { timeout: 120_000 },
  async () => {
    const { createTuner } = (await import(module)) as typeof import("./fixtures/bowl-workers.js");
    const tuner = createTuner();
    await tuner.searchInWorkers(module, { maxWorkers: 2, verbose: 0 });
    assert.ok(existsSync(join(dir, "crashed")), "a worker was killed mid-trial");
    const crashedPid = Number(readFileSync(join(dir, "crashed"), "utf8"));
    const trials = [...tuner.oracle.trials.values()];
    assert.equal(trials.length, 6);
    assert.ok(
      trials.every((t) => t.status === "COMPLETED"),
      trials.map((t) => t.status).join(),
    );
    const pids = new Set(trials.map((t) => t.metrics.getLastValue("pid")));
    assert.equal(pids.size, 2, "both workers completed trials");
    assert.ok(pids.has(crashedPid), "the killed worker had completed trials before");
    // Seven fits for six trials: the killed worker's trial ran once more, in the other worker.
    const started = readFileSync(join(dir, "started"), "utf8").trim().split("\n");
    assert.equal(started.length, 7);
    assert.ok(!pids.has(process.pid), "no trial ran in the driver");
    // The results are in the project folder, as for an in-process search.
    const saved = JSON.parse(readFileSync(join(tuner.projectDir, "oracle.json"), "utf8"));
    assert.equal(saved.end_order.length, 6);
  },
);
