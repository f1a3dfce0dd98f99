import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";
import { runCli } from "../cli/run-cli.js";

const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "strata-board-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("strata board LOGDIR --port 0 serves the runs on 127.0.0.1 and stops on SIGTERM", async () => {
  const writer = EventFileWriter.create(join(dir, "run1", "train"));
  writer.addScalar("epoch_loss", 0.5, 0, 1000);
  writer.close();
  const child = spawn(process.execPath, ["--import", "tsx", BIN, "board", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on("exit", (code) => reject(new Error(`strata board exited (${code}): ${out}`)));
    });
    const res = await fetch(new URL("/api/runs", url));
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      logDir: string;
      runs: { name: string; lastStep: number }[];
    };
    assert.equal(body.logDir, dir);
    assert.deepEqual(
      body.runs.map((r) => [r.name, r.lastStep]),
      [["run1", 0]],
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    child.kill("SIGKILL");
  }
});

test("strata board rejects a port that is not a number", () => {
  const { status, stderr } = runCli(["board", dir, "--port", "http"]);
  assert.notEqual(status, 0);
  assert.match(stderr, /--port <n>.*expected an integer in \[0, 65535\]; received http/);
});
