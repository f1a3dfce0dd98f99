// A distributed search through BullMQ on a Redis server started here (loopback, a free port):
// two `strata tuner worker` processes share the search; one dies mid-trial and BullMQ's stalled
// check gives its trial to the other, so no trial is lost.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const REDIS = "/usr/bin/redis-server";
// BullMQ 6 needs a Redis client it treats as optional: ioredis.
const ioredis = (() => {
  try {
    createRequire(import.meta.url).resolve("ioredis");
    return true;
  } catch {
    return false;
  }
})();
const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));
const module = fileURLToPath(new URL("./fixtures/bowl-workers.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "strata-tuner-redis-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("connect", () => (socket.end(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

test(
  "two strata tuner workers share a search over Redis; a worker dying mid-trial loses no trial",
  {
    skip: !existsSync(REDIS)
      ? `${REDIS} is not installed`
      : !ioredis && "the ioredis package (BullMQ's Redis client) is not installed",
    timeout: 180_000,
  },
  async () => {
    const port = await freePort();
    const redis = spawn(
      REDIS,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    children.push(redis);
    await waitFor(() => accepts(port), "redis-server");
    const url = `redis://127.0.0.1:${port}`;
    const env = { ...process.env, STRATA_TUNER_TEST_DIR: dir, STRATA_TUNER_TEST_CRASH: "1" };
    const outputs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const worker = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          BIN,
          "tuner",
          "worker",
          "--redis",
          url,
          "--module",
          module,
          "--lock-duration",
          "2000",
        ],
        { env, stdio: ["ignore", "pipe", "inherit"] },
      );
      outputs.push("");
      worker.stdout!.on("data", (d: Buffer) => (outputs[i] += d.toString()));
      children.push(worker);
    }
    await waitFor(() => outputs.every((o) => o.includes("ready")), "both workers to be ready");

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
