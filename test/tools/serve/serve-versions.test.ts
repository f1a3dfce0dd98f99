import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { serve } from "../../../src/tools/serve/index.js";
import { request } from "./http.js";

const dir = mkdtempSync(join(tmpdir(), "strata-serve-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** y = x0 + x1 + bias: version v of the model has bias 100·v, so answers tell versions apart. */
function sumModel(bias: number): st.Model {
  const dense = new st.layers.Dense(1, { name: "y" });
  const model = new st.Sequential([st.Input({ shape: [2], name: "x" }), dense]);
  dense.setWeights([st.tensor([[1], [1]]), st.tensor([bias])]);
  return model;
}

const metric = (text: string, line: RegExp) => {
  const m = text.split("\n").find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(" ").at(-1));
};

describe("st.serve: batching concurrent requests", () => {
  it("many concurrent requests run in fewer model calls, with the answers of one-by-one requests", async () => {
    const server = await serve(sumModel(0.5), { port: 0, maxBatchSize: 16, batchTimeoutMs: 50 });
    try {
      const url = `${server.url}/v1/models/model:predict`;
      const n = 40;
      const rows = (i: number) => Array.from({ length: 1 + (i % 3) }, (_, r) => [i, r / 4]);
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) => request(url, { body: { instances: rows(i) } })),
      );
      const totalRows = Array.from({ length: n }, (_, i) => rows(i).length).reduce((a, b) => a + b);
      for (const [i, a] of answers.entries()) {
        assert.equal(a.status, 200, a.text);
        // x0 + x1 + 0.5 is exact in float32 for these values.
        assert.deepEqual(a.body, { predictions: rows(i).map(([x0, x1]) => [x0! + x1! + 0.5]) });
      }
      const m = (await request(`${server.url}/metrics`)).text;
      const calls = metric(m, /^strata_serve_batch_size_count /)!;
      assert.ok(calls <= n / 2, `${calls} model calls for ${n} requests`);
      assert.equal(metric(m, /^strata_serve_batch_size_sum /), totalRows);
      assert.equal(metric(m, /^strata_serve_batch_size_bucket\{le="16"\} /), calls);
      // One by one, the same answers.
      for (const i of [0, 1, 2, 39]) {
        const one = await request(url, { body: { instances: rows(i) } });
        assert.deepEqual(one.body, answers[i]!.body);
      }
    } finally {
      await server.close();
    }
  });
});

describe("st.serve: a versioned model directory", () => {
  it("serves the newest version and hot-swaps a new one under traffic without a failed request", async () => {
    const base = join(dir, "models", "sum");
    mkdirSync(join(base, "1"), { recursive: true });
    await sumModel(100).save(join(base, "1", "model.keras"));
    const server = await serve(join(dir, "models"), { port: 0, pollIntervalMs: 40 });
    try {
      assert.deepEqual(server.models, ["sum"]);
      const url = `${server.url}/v1/models/sum:predict`;
      const first = await request(url, { body: { instances: [[1, 2]] } });
      assert.deepEqual(first.body, { predictions: [[103]] });

      // Four clients send requests in a loop while version 2 is written.
      let stop = false;
      let swapped = false;
      const failures: string[] = [];
      const seen: number[][] = [[], [], [], []];
      const client = async (k: number) => {
        for (let i = 0; !stop; i++) {
          const r = await request(url, { body: { instances: [[k, i % 5]] } });
          if (r.status !== 200) {
            failures.push(r.text);
            continue;
          }
          const y = (r.body as { predictions: number[][] }).predictions[0]![0]!;
          const version = Math.round((y - k - (i % 5)) / 100);
          if (version !== 1 && version !== 2) failures.push(`bad answer ${y}`);
          seen[k]!.push(version);
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      await new Promise((r) => setTimeout(r, 150));
      mkdirSync(join(base, "2"));
      await sumModel(200).save(join(base, "2", "model.keras"));
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (seen.every((s) => s.filter((v) => v === 2).length >= 5)) {
          swapped = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      stop = true;
      await Promise.all(clients);
      assert.deepEqual(failures, []);
      assert.ok(swapped, "every client saw version 2");
      for (const s of seen) {
        // Each client sees version 1, then only version 2.
        const firstTwo = s.indexOf(2);
        assert.ok(
          s.slice(0, firstTwo).every((v) => v === 1) && s.slice(firstTwo).every((v) => v === 2),
        );
        assert.ok(firstTwo > 0, "requests were answered by version 1 before the swap");
      }
      const status = await request(`${server.url}/v1/models/sum`);
      const states = (status.body as { model_version_status: { version: string; state: string }[] })
        .model_version_status;
      assert.deepEqual(
        states.map((s) => [s.version, s.state]),
        [
          ["2", "AVAILABLE"],
          ["1", "END"],
        ],
      );
      const meta = await request(`${server.url}/v1/models/sum/metadata`);
      assert.equal((meta.body as { model_spec: { version: string } }).model_spec.version, "2");
      const old = await request(`${server.url}/v1/models/sum/versions/1:predict`, {
        body: { instances: [[0, 0]] },
      });
      assert.equal(old.status, 404);
      const v2 = await request(`${server.url}/v1/models/sum/versions/2:predict`, {
        body: { instances: [[0, 0]] },
      });
      assert.deepEqual(v2.body, { predictions: [[200]] });
    } finally {
      await server.close();
    }
  });

  it("a directory without model versions is a clear error", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    await assert.rejects(serve(empty, { port: 0 }), /holds no model versions.*1.*model\.keras/);
    await assert.rejects(serve(join(dir, "missing.keras"), { port: 0 }), /no file or directory/);
  });
});
