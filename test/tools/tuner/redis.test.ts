// A distributed search through BullMQ on a Redis server started here (loopback, a free port):
// two `strata tuner worker` processes share the search; one dies mid-trial and BullMQ's stalled
// check gives its trial to the other, so no trial is lost.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { redisSkipReason, startRedis, startWorkers } from "./redis-harness.js";

const module = fileURLToPath(new URL("./fixtures/bowl-workers.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "strata-tuner-redis-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test(
  "two strata tuner workers share a search over Redis; a worker dying mid-trial loses no trial",
  {
    skip: redisSkipReason,
    timeout: 180_000,
  },
  async () => {
    // This test's waits: up to 90 s, checked every 100 ms.
    const wait = { ms: 90_000, pollMs: 100 };
    const url = await startRedis(children, wait);
    const env = { ...process.env, STRATA_TUNER_TEST_DIR: dir, STRATA_TUNER_TEST_CRASH: "1" };
    await startWorkers(2, url, module, env, children, { args: ["--lock-duration", "2000"], wait });

    process.env.STRATA_TUNER_TEST_DIR = dir;
    const { createTuner } = (await import(module)) as typeof import("./fixtures/bowl-workers.js");
    const tuner = createTuner();
    await tuner.searchInWorkers(module, { maxWorkers: 2, verbose: 0, distributed: { redis: url } });

    const trials = [...tuner.oracle.trials.values()];
    assert.equal(trials.length, 6);
    assert.ok(
      trials.every((t) => t.status === "COMPLETED"),
      trials.map((t) => t.status).join(),
    );
    const crashedPid = Number(readFileSync(join(dir, "crashed"), "utf8"));
    const pids = new Set(trials.map((t) => t.metrics.getLastValue("pid")));
    assert.equal(pids.size, 2, "both workers completed trials");
    assert.ok(pids.has(crashedPid));
    // Seven fits for six trials: the dead worker's trial ran again on the other worker, once.
    assert.equal(readFileSync(join(dir, "started"), "utf8").trim().split("\n").length, 7);
    for (const child of children.slice(1)) child.kill("SIGTERM");
  },
);
