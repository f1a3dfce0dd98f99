import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import * as st from "../../../src/index.js";
import { request } from "../serve/http.js";
import { createProgram } from "../../../src/tools/cli/main.js";

const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "strata-cli-serve-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("strata serve --help lists its options", () => {
  const stdout = createProgram()
    .commands.find((c) => c.name() === "serve")!
    .helpInformation();
  for (const flag of [
    "--port",
    "--host",
    "--model-name",
    "--max-batch-size",
    "--batch-timeout-ms",
    "--body-limit",
  ]) {
    assert.ok(stdout.includes(flag), flag);
  }
});

test("strata serve answers predict, and on SIGTERM finishes the requests in flight and exits 0", async () => {
  const dense = new st.layers.Dense(1, { name: "y" });
  const model = new st.Sequential([st.Input({ shape: [2] }), dense]);
  dense.setWeights([st.tensor([[1], [10]]), st.tensor([0.5])]);
  const file = join(dir, "sum.keras");
  await model.save(file);

  // A long batch timeout keeps the requests queued in the server when SIGTERM arrives.
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      BIN,
      "serve",
      file,
      "--port",
      "0",
      "--batch-timeout-ms",
      "1500",
      "--max-batch-size",
      "64",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const kill = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`strata serve exited: ${stderr}`)));
    });
    assert.match(stdout, /model "sum" at http:\/\/127\.0\.0\.1:\d+\/v1\/models\/sum/);

    const n = 12;
    const inFlight = Array.from({ length: n }, (_, i) =>
      request(`${url}/v1/models/sum:predict`, { body: { instances: [[i, 1]] } }),
    );
    // Wait until every request is queued, as the server's own gauge says.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = await request(`${url}/metrics`);
      if (m.text.includes(`strata_serve_queued_rows{model="sum"} ${n}`)) break;
      assert.ok(Date.now() < deadline, `requests never queued:\n${m.text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGTERM");
    const answers = await Promise.all(inFlight);
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 200, a.text);
      assert.deepEqual(a.body, { predictions: [[i + 10.5]] });
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: finishing requests in flight/);
    await assert.rejects(fetch(`${url}/healthz`), "no longer listening");
  } finally {
    clearTimeout(kill);
    child.kill("SIGKILL");
  }
});
