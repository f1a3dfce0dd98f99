/**
 * `node --import tsx bench/serve.ts`: `strata serve` under load (issue 14), measured with
 * autocannon: requests/s and p50 / p99 latency for the MNIST MLP and convnet at 1, 16 and 64
 * concurrent connections, one instance per request; then 100,000 requests at 16 connections,
 * counting failures and sampling the server's RSS. Beside it, the same models exported to ONNX
 * by PyTorch (bench/systems/export_onnx.py, with Strata's weights) and run by onnxruntime-node
 * behind the same fastify (bench/systems/serve-onnx.ts). Each server is its own child process.
 * Needs `npm install --prefix bench` (autocannon, onnxruntime-node) and PyTorch for the export
 * (`apt-get install -y python3-torch`); without PyTorch the ONNX column is skipped.
 * Options: --duration S (per cell, default 10), --amount N (default 100000), --skip-long.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as st from "../src/index.js";

const require = createRequire(new URL("./package.json", import.meta.url));
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = require("autocannon") as Autocannon;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "src/tools/cli/bin.ts");
const PY = "/usr/bin/python3";
const WORK = mkdtempSync(join(tmpdir(), "strata-bench-serve-"));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg("--duration", 10);
const AMOUNT = arg("--amount", 100_000);
const SKIP_LONG = process.argv.includes("--skip-long");

function build(kind: "mlp" | "convnet"): st.Model {
  st.random.setSeed(1);
  const L = st.layers;
  return kind === "mlp"
    ? new st.Sequential([
        st.Input({ shape: [784] }),
        new L.Dense(512, { activation: "relu" }),
        new L.Dense(10, { activation: "softmax" }),
      ])
    : new st.Sequential([
        st.Input({ shape: [28, 28, 1] }),
        new L.Conv2D(32, 3, { activation: "relu" }),
        new L.MaxPooling2D(2),
        new L.Conv2D(64, 3, { activation: "relu" }),
        new L.MaxPooling2D(2),
        new L.Conv2D(128, 3, { activation: "relu" }),
        new L.Flatten(),
        new L.Dense(10, { activation: "softmax" }),
      ]);
}

/** Starts a server child process and resolves with its URL. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function load(url: string, body: string, connections: number, opts: Record<string, unknown>) {
  const r = await autocannon({
    url: `${url}/v1/models/model:predict`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    ...opts,
  });
  return {
    rps: r.requests.average,
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failed: r.errors + r.timeouts + r.non2xx,
  };
}

const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

say(
  `bench/serve.ts ${new Date().toISOString()}, Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
const haveTorch = spawnSync(PY, ["-c", "import torch"]).status === 0;
if (!haveTorch)
  say("PyTorch not found at /usr/bin/python3: the onnxruntime-node column is skipped");

for (const kind of ["mlp", "convnet"] as const) {
  const model = build(kind);
  const file = join(WORK, `${kind}.keras`);
  await model.save(file);
  const rowShape = kind === "mlp" ? [784] : [28, 28, 1];
  const rng = st.random.uniform([1, ...rowShape], { seed: 7 });
  const instance = rng.toArray() as st.NestedArray[];
  const body = JSON.stringify({ instances: instance });
  const systems: Array<[string, string[]]> = [
    [`strata serve`, [BIN, "serve", file, "--port", "0", "--model-name", "model"]],
  ];
  if (haveTorch) {
    const weights = join(WORK, `${kind}.weights.json`);
    writeFileSync(
      weights,
      JSON.stringify({
        model: kind,
        weights: model
          .getWeights()
          .map((w) => ({ shape: w.shape, data: Array.from(w.dataSync()) })),
      }),
    );
    const onnx = join(WORK, `${kind}.onnx`);
    const r = spawnSync(PY, [join(ROOT, "bench/systems/export_onnx.py"), weights, onnx], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`ONNX export failed: ${r.stderr}`);
    systems.push([
      `onnxruntime-node + fastify`,
      [join(ROOT, "bench/systems/serve-onnx.ts"), onnx, rowShape.join(",")],
    ]);
  }
  const want = (model.predictOnBatch(st.tensor(instance)) as st.Tensor).dataSync();
  for (const [name, args] of systems) {
    const { child, url } = await start(args);
    try {
      const check = (await (
        await fetch(`${url}/v1/models/model:predict`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        })
      ).json()) as { predictions: number[][] };
      const diff = Math.max(...check.predictions[0]!.map((v, i) => Math.abs(v - want[i]!)));
      say(
        `\n${kind} — ${name} (answer differs from Strata's predictOnBatch by at most ${diff.toExponential(1)})`,
      );
      await load(url, body, 16, { duration: 2 }); // warm-up
      say("| connections | requests/s | p50 ms | p99 ms | failed |");
      say("| ---: | ---: | ---: | ---: | ---: |");
      for (const c of [1, 16, 64]) {
        const r = await load(url, body, c, { duration: DURATION });
        say(`| ${c} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.failed} |`);
      }
      if (!SKIP_LONG) {
        const before = rssMiB(child.pid!);
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid!))), 500);
        const t = Date.now();
        const r = await load(url, body, 16, { amount: AMOUNT });
        clearInterval(sampler);
        const after = rssMiB(child.pid!);
        say(
          `${r.total} requests at 16 connections in ${((Date.now() - t) / 1000).toFixed(1)} s: ${r.failed} failed; ` +
            `RSS ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB after, peak ${peak.toFixed(0)} MiB`,
        );
      }
    } finally {
      await stop(child);
    }
  }
}
writeFileSync(join(ROOT, "bench/serve-results.md"), `${lines.join("\n")}\n`);
rmSync(WORK, { recursive: true, force: true });
