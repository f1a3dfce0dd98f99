/**
 * Issue 12's workloads side by side in one run (`npm run bench:apps`): ResNet50 inference at
 * 224×224 (batch 1 and 32), VGG16 feature extraction at 180×180, a MobileNetV2 training step at
 * 96×96 and keras.io's Transformer text classifier (training and inference), on Strata, PyTorch
 * (three configurations, as bench/run.ts) and, for inference, onnxruntime-node on the PyTorch
 * models exported to ONNX; plus each system's peak RSS for ResNet50 inference at batch 32.
 *
 *   node --import tsx bench/apps.ts [--quick] [--only resnet50-b1,vgg16-features] [--rounds 2]
 *     [--note "text for the README"]
 *
 * Every measurement is a fresh child process (bench/systems/strata-apps.ts, torch_apps.py,
 * onnx-apps.ts), one at a time; systems alternate within each round and each keeps its best round.
 * `--quick` is a smoke run (7 minutes on the busy 2-core machine): one round, one warm-up
 * and one timed step per system and workload. Writes bench/apps-results.json and the README's "Applications" section.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APPS, APP_IDS, type AppId } from "./lib/apps.js";
import { renderApps, summarizeApps, type AppJob, type AppResults } from "./lib/apps-report.js";
import { parseArgs } from "./lib/measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = join(ROOT, "bench");
const PY = "/usr/bin/python3"; // Debian's, where python3-torch installs
const THREADS = Math.min(2, availableParallelism());
const WORK = mkdtempSync(join(tmpdir(), "strata-bench-apps-"));
const args = parseArgs(process.argv.slice(2).flatMap((a) => (a === "--quick" ? [a, "1"] : [a])));
const QUICK = args.quick !== undefined;
const ROUNDS = QUICK ? 1 : Number(args.rounds ?? 2);
const ONLY = args.only ? (args.only.split(",") as AppId[]) : APP_IDS;
const t0 = Date.now();
const say = (msg: string) => {
  const s = Math.round((Date.now() - t0) / 1000);
  console.log(
    `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${msg}`,
  );
};
const sh = (cmd: string, argv: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}` };
};

// ------------------------------------------------------------------ setup

const unavailable: Record<string, string> = {};
const ORT_DIR = join(BENCH, "node_modules", "onnxruntime-node");
if (!existsSync(join(ORT_DIR, "package.json"))) {
  // The package ships its CPU binaries; its install script only fetches optional GPU ones.
  say("installing the JS peers: npm ci --prefix bench (ONNXRUNTIME_NODE_INSTALL=skip)");
  const r = sh("npm", ["ci", "--prefix", "bench", "--no-audit", "--no-fund"], {
    ONNXRUNTIME_NODE_INSTALL: "skip",
  });
  if (!r.ok) unavailable["onnxruntime-node"] = `npm ci --prefix bench failed: ${r.out.slice(-300)}`;
}
const TORCH = ["pytorch", "pytorch-passive", "pytorch-1t"];
if (!sh(PY, ["-c", "import torch"]).ok) {
  for (const s of [...TORCH, "onnxruntime-node"])
    unavailable[s] ??= "PyTorch unavailable (apt-get install -y python3-torch)";
}
/** The ONNX files, exported once by PyTorch (torch_apps.py --task export). */
const onnxFile: Record<string, string> = {};
if (!unavailable["onnxruntime-node"]) {
  for (const app of ONLY) {
    const kind = APPS[app].onnx;
    if (!kind || onnxFile[kind]) continue;
    const file = join(WORK, `${kind}.onnx`);
    say(`exporting ${kind} to ONNX with PyTorch`);
    const r = sh(
      PY,
      ["bench/systems/torch_apps.py", "--app", app, "--task", "export"].concat(["--out", file]),
    );
    if (r.ok) onnxFile[kind] = file;
    else unavailable["onnxruntime-node"] = `ONNX export of ${kind} failed: ${r.out.slice(-300)}`;
  }
}

// ------------------------------------------------------------------ jobs

const NODE_TSX = [process.execPath, "--import", "tsx"];
const COMMANDS: Record<string, string[]> = {
  "strata-native": [...NODE_TSX, "bench/systems/strata-apps.ts", "--threads", `${THREADS}`],
  pytorch: [PY, "bench/systems/torch_apps.py", "--threads", `${THREADS}`],
  "pytorch-passive": [PY, "bench/systems/torch_apps.py", "--threads", `${THREADS}`],
  "pytorch-1t": [PY, "bench/systems/torch_apps.py", "--threads", "1"],
  "onnxruntime-node": [...NODE_TSX, "bench/systems/onnx-apps.ts", "--threads", `${THREADS}`],
};
const ENV: Record<string, Record<string, string>> = {
  "pytorch-passive": { OMP_WAIT_POLICY: "PASSIVE" },
};
const SYSTEMS = Object.keys(COMMANDS);
const TIMING = QUICK
  ? ["--warmup", "1", "--runs", "1", "--seconds", "0"]
  : ["--warmup", "2", "--runs", "3", "--seconds", "3"];

interface Planned {
  system: string;
  app: AppId;
  task: "throughput" | "rss";
  round: number;
}
const plan: Planned[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const app of ONLY) {
    // Alternate the order of the systems from round to round, so drift hits them alike.
    const order = round % 2 ? SYSTEMS : [...SYSTEMS].reverse();
    for (const system of order) {
      if (system === "onnxruntime-node" && !APPS[app].onnx) continue;
      plan.push({ system, app, task: "throughput", round });
    }
  }
}
if (ONLY.includes("resnet50-b32")) {
  for (const system of ["strata-native", "pytorch", "onnxruntime-node"])
    plan.push({ system, app: "resnet50-b32", task: "rss", round: 1 });
}

function cpuTimes(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

async function runJob(p: Planned, i: number): Promise<AppJob> {
  const label = `${p.system} ${p.app} ${p.task}${p.round > 1 ? ` (round ${p.round})` : ""}`;
  say(`(${i + 1}/${plan.length}) ${label}`);
  const job: AppJob = { ...p, loadavgAtStart: loadavg()[0]!, wallS: 0 };
  if (unavailable[p.system]) return { ...job, error: unavailable[p.system] };
  const out = join(WORK, `job-${i}.json`);
  const cmd = COMMANDS[p.system]!;
  const argv = [...cmd.slice(1), "--app", p.app, "--task", p.task, "--out", out];
  if (p.task === "rss") argv.push("--steps", QUICK ? "2" : "3");
  else argv.push(...TIMING);
  if (p.system === "onnxruntime-node") argv.push("--model", onnxFile[APPS[p.app].onnx!]!);
  const c0 = cpuTimes();
  const start = Date.now();
  const child = spawn(cmd[0]!, argv, {
    cwd: ROOT,
    env: { ...process.env, ...ENV[p.system] },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    for (const line of d.toString().split("\n"))
      if (/^(strata|torch|onnxruntime)[- ]/.test(line)) say(`    ${line}`);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
  const code = await new Promise<number | null>((res) => child.on("close", (c) => res(c)));
  clearTimeout(timer);
  job.wallS = (Date.now() - start) / 1000;
  try {
    job.result = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
    const own = job.result.cpuSeconds as number;
    job.otherCores = Math.max(0, ((cpuTimes().busy - c0.busy) / 100 - own) / job.wallS);
  } catch {
    const lines = stderr.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
    job.error =
      code === null ? "stopped after 300 s" : lines.slice(-2).join(" | ") || `exit ${code}`;
  }
  return job;
}

function versions(): Record<string, string> {
  const v: Record<string, string> = { node: process.version };
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const commit = sh("git", ["rev-parse", "--short", "HEAD"]).out.trim();
  const dirty = sh("git", ["status", "--porcelain", "src", "native"]).out.trim();
  v.strata = `${pkg.version} (${commit}${dirty ? ", uncommitted changes" : ""})`;
  const torch = sh(PY, ["-c", "import torch; print(torch.__version__)"]);
  if (torch.ok) v.torch = torch.out.trim();
  v.python = sh(PY, ["--version"]).out.trim();
  const ort = join(ORT_DIR, "package.json");
  if (existsSync(ort))
    v["onnxruntime-node"] = (JSON.parse(readFileSync(ort, "utf8")) as { version: string }).version;
  return v;
}

// ------------------------------------------------------------------ main

const loadavgStart = loadavg();
say(
  `issue 12 workloads: ${ONLY.join(", ")}; ${THREADS} threads; ${ROUNDS} round(s)${QUICK ? ", quick" : ""}`,
);
const jobs: AppJob[] = [];
for (let i = 0; i < plan.length; i++) jobs.push(await runJob(plan[i]!, i));
const results: AppResults = {
  date: new Date(t0).toISOString(),
  durationS: (Date.now() - t0) / 1000,
  quick: QUICK,
  ...(args.note ? { note: args.note } : {}),
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    loadavgStart,
    loadavgEnd: loadavg(),
  },
  versions: versions(),
  threads: THREADS,
  settings: {
    timing: QUICK
      ? "quick (one warm-up and one timed step per measurement, one round)"
      : `${TIMING.join(" ")} (median of 3 runs of ≥ 3 s), best of ${ROUNDS} alternating rounds`,
  },
  summary: summarizeApps(jobs),
  jobs,
};
const resultsPath = join(BENCH, "apps-results.json");
writeFileSync(resultsPath, `${JSON.stringify(results, null, 1)}\n`);
const section = renderApps(results);
const readmePath = join(BENCH, "README.md");
const readme = readFileSync(readmePath, "utf8");
const [begin, end] = ["<!-- apps:begin -->", "<!-- apps:end -->"];
const i = readme.indexOf(begin);
const j = readme.indexOf(end);
writeFileSync(
  readmePath,
  i >= 0 && j > i
    ? `${readme.slice(0, i + begin.length)}\n${section}\n${readme.slice(j)}`
    : `${readme.trimEnd()}\n\n## Applications (issue 12): \`npm run bench:apps\`\n\n${begin}\n${section}\n${end}\n`,
);
// Both as prettier formats them, so `npm run lint` stays clean.
sh(process.execPath, [
  join(ROOT, "node_modules/prettier/bin/prettier.cjs"),
  "--write",
  readmePath,
  resultsPath,
]);
console.log(`\n${section}`);
rmSync(WORK, { recursive: true, force: true });
