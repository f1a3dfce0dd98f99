/**
 * `npm run bench`: Strata against its peers, in one run on this machine (issue 3, item 4).
 *
 * Every measurement runs in a fresh child process (bench/systems/*), one after another, so no
 * system inherits another's heap, threads or caches, and peak RSS is each process's own VmHWM.
 * Fast systems are measured in three rounds, alternating, and keep their best round: a shared
 * machine's noise only ever slows a measurement down. Writes bench/results.json (every raw figure,
 * machine, load, versions, date) and regenerates the "Comparison" section of bench/README.md.
 *
 * Installs what it needs when missing: the JS peers (`npm install --prefix bench`) and Debian's
 * PyTorch (`apt-get install -y python3-torch`); compiles bench/systems/blas.c against OpenBLAS;
 * exports PyTorch's three models to ONNX (torch_bench.py --task export) for onnxruntime-node.
 * `node --import tsx bench/run.ts --render` only re-renders the README from bench/results.json.
 * A check of the pipeline on a few systems: `node --import tsx bench/run.ts --quick --only
 * onnxruntime,strata-native` (one round, one short run per job) prints the section and writes its
 * results.json to the work directory only: bench/results.json and the README are left alone.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderComparison, summarize, type JobRecord, type Results } from "./lib/report.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = join(ROOT, "bench");
const PY = "/usr/bin/python3"; // Debian's, where python3-torch installs (not pyenv's python3 on PATH)
const THREADS = availableParallelism();
const WORK = mkdtempSync(join(tmpdir(), "strata-bench-"));
const t0 = Date.now();

const clock = () => {
  const s = Math.round((Date.now() - t0) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};
const say = (msg: string) => console.log(`[${clock()}] ${msg}`);

// ------------------------------------------------------------------ setup: peers, torch, BLAS

function sh(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
  });
  return {
    ok: r.status === 0,
    out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`,
  };
}

const unavailable: Record<string, string> = {};

function ensureJsPeers(): void {
  const need = [
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "@jax-js/jax",
    "onnxruntime-node",
  ];
  if (need.every((p) => existsSync(join(BENCH, "node_modules", p, "package.json")))) return;
  // onnxruntime-node ships its CPU binaries; its install script only fetches optional GPU ones.
  say(
    "installing the JS peers: npm install --prefix bench --no-audit --no-fund (ONNXRUNTIME_NODE_INSTALL=skip)",
  );
  const r = sh("npm", ["install", "--prefix", "bench", "--no-audit", "--no-fund"], {
    env: { ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
  if (!r.ok) {
    say(`npm install failed; TensorFlow.js and jax-js are skipped:\n${r.out.slice(-2000)}`);
    for (const s of [
      "tfjs-cpu",
      "tfjs-wasm",
      "jax-js-wasm",
      "jax-js-wasm-workers",
      ...ORT_SYSTEMS,
    ]) {
      unavailable[s] = "npm install --prefix bench failed";
    }
  }
}

function ensureTorch(): void {
  if (sh(PY, ["-c", "import torch"]).ok) return;
  const why = "PyTorch unavailable: /usr/bin/python3 cannot import torch";
  if (process.getuid?.() !== 0) {
    say(`${why}; run as root or: sudo apt-get install -y python3-torch`);
    for (const s of TORCH_SYSTEMS) unavailable[s] = why;
    return;
  }
  const install = () =>
    sh("apt-get", ["install", "-y", "--no-install-recommends", "python3-torch"]);
  say(
    "installing PyTorch: apt-get install -y --no-install-recommends python3-torch (Debian's 1.13)",
  );
  let r = install();
  if (!r.ok) {
    say("apt-get install failed; running apt-get update and trying again");
    sh("apt-get", ["update", "-qq"]);
    r = install();
  }
  if (!r.ok || !sh(PY, ["-c", "import torch"]).ok) {
    say(`${why}:\n${r.out.slice(-1500)}`);
    for (const s of TORCH_SYSTEMS) {
      unavailable[s] = `${why} (apt-get install python3-torch failed)`;
    }
  }
}

const BLAS_BIN = join(WORK, "blas-bench");
function buildBlas(): void {
  const args = ["-O2", join(BENCH, "systems/blas.c"), "-o", BLAS_BIN, "-lopenblas"];
  say(`compiling the BLAS reference: gcc ${args.join(" ").replace(ROOT, "")}`);
  const r = sh("gcc", args);
  if (!r.ok) {
    say(`gcc failed; no BLAS-from-C reference:\n${r.out.slice(-1500)}`);
    unavailable["openblas-c"] = `gcc -lopenblas failed: ${r.out.slice(-300)}`;
  }
}

/** W1–W3 as PyTorch builds them, exported to ONNX with a check batch (torch_bench.py). */
const ONNX_DIR = join(WORK, "onnx");
function exportOnnx(): void {
  if (ORT_SYSTEMS.every((s) => unavailable[s])) return;
  mkdirSync(ONNX_DIR, { recursive: true });
  for (const w of ["W1", "W2", "W3"]) {
    say(`exporting PyTorch's ${w} to ONNX: torch_bench.py --task export --workload ${w}`);
    const r = sh(PY, [
      "bench/systems/torch_bench.py",
      ...["--task", "export", "--workload", w, "--dir", ONNX_DIR],
    ]);
    if (!r.ok) {
      say(`ONNX export of ${w} failed; ONNX Runtime is skipped:\n${r.out.slice(-1500)}`);
      for (const s of ORT_SYSTEMS)
        unavailable[s] ??= `ONNX export of ${w} failed: ${r.out.slice(-300)}`;
      return;
    }
  }
}

// ------------------------------------------------------------------ jobs

type Task = "workload" | "matmul" | "rss";
interface Job {
  system: string;
  task: Task;
  workload?: "W1" | "W2" | "W3";
  round: number;
  latency?: boolean;
  args: string[];
  timeoutS: number;
}

const NODE_TSX = [process.execPath, "--import", "tsx"];
/**
 * PyTorch three ways: as issue 3 defines the peer (torch.set_num_threads(all cores)); the same with
 * OMP_WAIT_POLICY=PASSIVE, since Debian's build spins idle OpenMP threads against OpenBLAS's own
 * threads on this 2-core machine; and torch.set_num_threads(1) (its OpenBLAS still uses every core).
 */
const TORCH_SYSTEMS = ["pytorch", "pytorch-passive", "pytorch-1t"];
/**
 * ONNX Runtime's best configurations on this machine, both measured (the report keeps the better):
 * intraOpNumThreads all cores, and 1; sequential execution and every graph optimization in both.
 */
const ORT_SYSTEMS = ["onnxruntime", "onnxruntime-1t"];
/** Strata native eager (`jitCompile: false`) and compiled (`jitCompile: true`). */
const STRATA_NATIVE = ["strata-native", "strata-native-jit"];
const ENV: Record<string, Record<string, string>> = {
  "pytorch-passive": { OMP_WAIT_POLICY: "PASSIVE" },
};
const COMMANDS: Record<string, string[]> = {
  "strata-native": [
    ...NODE_TSX,
    "bench/systems/strata.ts",
    "--backend",
    "native",
    "--threads",
    `${THREADS}`,
  ],
  "strata-native-jit": [
    ...NODE_TSX,
    "bench/systems/strata.ts",
    ...["--backend", "native", "--threads", `${THREADS}`, "--jit", "1"],
  ],
  "strata-ts": [...NODE_TSX, "bench/systems/strata.ts", "--backend", "ts"],
  pytorch: [PY, "bench/systems/torch_bench.py", "--threads", `${THREADS}`],
  "pytorch-1t": [PY, "bench/systems/torch_bench.py", "--threads", "1"],
  "pytorch-passive": [PY, "bench/systems/torch_bench.py", "--threads", `${THREADS}`],
  "tfjs-cpu": [process.execPath, "bench/systems/tfjs.mjs", "--backend", "cpu"],
  "tfjs-wasm": [process.execPath, "bench/systems/tfjs.mjs", "--backend", "wasm"],
  "tfjs-wasm-threaded": [
    process.execPath,
    "bench/systems/tfjs.mjs",
    "--backend",
    "wasm",
    "--threaded",
    "1",
  ],
  "jax-js-wasm": [process.execPath, "bench/systems/jax.mjs", "--workers", "0"],
  "jax-js-wasm-workers": [process.execPath, "bench/systems/jax.mjs", "--workers", `${THREADS}`],
  "openblas-c": [BLAS_BIN, `${THREADS}`, "1.5"],
  onnxruntime: [
    ...NODE_TSX,
    "bench/systems/onnx.ts",
    ...["--threads", `${THREADS}`, "--dir", ONNX_DIR],
  ],
  "onnxruntime-1t": [...NODE_TSX, "bench/systems/onnx.ts", "--threads", "1", "--dir", ONNX_DIR],
};

/** Timing settings: fast systems get several runs, slow ones (pure JS) a reduced measurement. */
const QUICK = process.argv.includes("--quick");
const ONLY = (() => {
  const i = process.argv.indexOf("--only");
  return i > 0 ? new Set(process.argv[i + 1]?.split(",") ?? []) : undefined;
})();
const PARTIAL = QUICK || ONLY !== undefined;
const FAST = QUICK
  ? ["--warmup", "1", "--runs", "1", "--seconds", "0.2"]
  : ["--warmup", "5", "--runs", "3", "--seconds", "1.5"];
const SLOW = ["--warmup", "1", "--runs", "1", "--seconds", QUICK ? "0" : "1"];
const ONE_STEP = ["--warmup", "0", "--runs", "1", "--seconds", "0"];
/** Alternating rounds of the fast systems: each keeps its best, so one busy moment costs none. */
const ROUNDS = QUICK ? [1] : [1, 2, 3];

function plan(): Job[] {
  const jobs: Job[] = [];
  const add = (
    system: string,
    task: Task,
    round: number,
    extra: string[],
    timeoutS: number,
    workload?: Job["workload"],
    latency = false,
  ) =>
    jobs.push({
      system,
      task,
      workload,
      round,
      timeoutS,
      ...(latency ? { latency } : {}),
      args: [
        ...extra,
        ...(workload ? ["--workload", workload] : []),
        ...(latency ? ["--latency", "1"] : []),
      ],
    });
  // matmul (and the BLAS-from-C ceiling) in alternating rounds; the one-thread peers once.
  for (const round of ROUNDS) {
    add("openblas-c", "matmul", round, [], 60);
    add("strata-native", "matmul", round, ["--task", "matmul", "--seconds", "1.5"], 60);
    add("pytorch", "matmul", round, ["--task", "matmul", "--seconds", "1.5"], 60);
    add("jax-js-wasm-workers", "matmul", round, ["--seconds", "1.5"], 60);
  }
  add("strata-ts", "matmul", 1, ["--task", "matmul", "--seconds", "1.5"], 60);
  add("tfjs-wasm", "matmul", 1, ["--task", "matmul", "--seconds", "1.5"], 60);
  add("tfjs-wasm-threaded", "matmul", 1, ["--task", "matmul", "--seconds", "0.5"], 30);
  add("jax-js-wasm", "matmul", 1, ["--seconds", "1.5"], 60);
  add("tfjs-cpu", "matmul", 1, ["--task", "matmul", "--seconds", "1"], 90);
  // Peak RSS during W1 training, each system in its own fresh process.
  for (const s of [...STRATA_NATIVE, "pytorch", "tfjs-wasm"])
    add(s, "rss", 1, ["--task", "rss", "--steps", "100"], 90);
  for (const s of ["strata-ts", "tfjs-cpu"])
    add(s, "rss", 1, ["--task", "rss", "--steps", "20"], 90);
  // Training and inference throughput; inference at batch 1 too for Strata native (eager and
  // compiled), PyTorch and ONNX Runtime (inference only).
  for (const w of ["W1", "W2", "W3"] as const) {
    for (const round of ROUNDS) {
      for (const s of [...STRATA_NATIVE, ...TORCH_SYSTEMS, ...ORT_SYSTEMS])
        add(s, "workload", round, FAST, 120, w, true);
      add("tfjs-wasm", "workload", round, FAST, 120, w);
    }
    add("strata-ts", "workload", 1, SLOW, 120, w);
    // tfjs's pure-JS backend: W2 takes ~25 s and W3 minutes per training step here.
    add(
      "tfjs-cpu",
      "workload",
      1,
      w === "W1"
        ? SLOW
        : w === "W2"
          ? ["--warmup", "1", "--runs", "1", "--seconds", "0"]
          : ONE_STEP,
      w === "W3" ? 150 : 120,
      w,
    );
  }
  return ONLY ? jobs.filter((j) => ONLY.has(j.system)) : jobs;
}

// ------------------------------------------------------------------ running a job

/** Busy and total jiffies of all CPUs (/proc/stat), to tell how busy the rest of the machine was. */
function cpuTimes(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = f[3]! + f[4]!;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
const TICK = 100; // USER_HZ: /proc/stat counts in 1/100 s on Linux

async function runJob(job: Job, index: number, count: number): Promise<JobRecord> {
  const cmd = COMMANDS[job.system]!;
  const out = join(WORK, `job-${index}.json`);
  const args = [
    ...cmd.slice(1),
    ...job.args,
    ...(job.system === "openblas-c" ? [] : ["--out", out]),
  ];
  const label = `${job.system} ${job.task}${job.workload ? ` ${job.workload}` : ""}${job.round > 1 ? ` (round ${job.round})` : ""}`;
  say(`(${index + 1}/${count}) ${label}`);
  const record: JobRecord = {
    ...job,
    args: undefined,
    label,
    loadavgAtStart: loadavg()[0]!,
    wallS: 0,
  };
  delete record.args;
  const why = unavailable[job.system];
  if (why) return { ...record, error: why };

  const c0 = cpuTimes();
  const start = Date.now();
  const child = spawn(cmd[0]!, args, {
    cwd: ROOT,
    env: { ...process.env, ...ENV[job.system] },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  const stderrTail: string[] = [];
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let partial = "";
  child.stderr.on("data", (d: Buffer) => {
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      stderrTail.push(line);
      if (stderrTail.length > 30) stderrTail.shift();
      // The runners' own progress lines; other stderr (stack traces, warnings) is kept for errors.
      if (/^(strata|torch|tfjs|jax-js|openblas-c|onnxruntime)[- ]/.test(line)) say(`    ${line}`);
    }
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, job.timeoutS * 1000);
  const code = await new Promise<number | null>((res) => child.on("close", (c) => res(c)));
  clearTimeout(timer);
  const wallS = (Date.now() - start) / 1000;
  const c1 = cpuTimes();

  let result: Record<string, unknown> | undefined;
  try {
    result = JSON.parse(job.system === "openblas-c" ? stdout : readFileSync(out, "utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    result = undefined;
  }
  // CPU the rest of the machine used meanwhile, in cores: all busy time minus the child's own.
  const childCpu = typeof result?.cpuSeconds === "number" ? result.cpuSeconds : NaN;
  const otherCores = ((c1.busy - c0.busy) / TICK - childCpu) / wallS;
  const rec: JobRecord = {
    ...record,
    wallS,
    // A stopped child never reported its final CPU time, so the rest's share is unknown.
    otherCores: Number.isFinite(otherCores) && !timedOut ? Math.max(0, otherCores) : undefined,
  };
  if (timedOut) {
    rec.timedOut = true;
    rec.error = `stopped after ${job.timeoutS} s`;
    if (result && typeof result.trainStartedS === "number" && !result.train) {
      // The runner finished inference and had started training: no step completed in the rest.
      rec.trainBoundS = job.timeoutS - (result.trainStartedS as number);
    }
  } else if (code !== 0) {
    // The error line itself when there is one (Node prints the source line and a caret first).
    const lines = stderrTail.filter((l) => !/^\s+at /.test(l));
    const errs = lines.filter((l) => /Error\b/.test(l));
    rec.error = (errs.length ? errs.slice(-2) : lines.slice(-4)).join(" | ") || `exit code ${code}`;
  }
  if (result) rec.result = result;
  return rec;
}

// ------------------------------------------------------------------ main

function versions() {
  const v: Record<string, string> = {};
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const commit = sh("git", ["rev-parse", "--short", "HEAD"]);
  v.strata = `${pkg.version}${commit.ok ? ` (${commit.out.trim()}${sh("git", ["status", "--porcelain", "src", "native"]).out.trim() ? ", uncommitted changes" : ""})` : ""}`;
  for (const p of [
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "@jax-js/jax",
    "onnxruntime-node",
  ]) {
    const f = join(BENCH, "node_modules", p, "package.json");
    if (existsSync(f)) v[p] = (JSON.parse(readFileSync(f, "utf8")) as { version: string }).version;
  }
  const torch = sh(PY, ["-c", "import torch; print(torch.__version__)"]);
  if (torch.ok) v.torch = torch.out.trim();
  v.python = sh(PY, ["--version"]).out.trim();
  const blas = sh("dpkg-query", ["-W", "-f=${Version}", "libopenblas0-pthread"]);
  if (blas.ok) v.openblas = blas.out.trim();
  v.node = process.version;
  return v;
}

async function main() {
  say(`Strata comparative benchmark: ${THREADS} threads for every system; work dir ${WORK}`);
  ensureJsPeers();
  ensureTorch();
  buildBlas();
  exportOnnx();
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: THREADS,
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadavgStart: loadavg(),
    openblasEnv: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => /^(OPENBLAS|OMP|MKL)_/.test(k)),
    ),
  };
  const jobs = plan();
  const records: JobRecord[] = [];
  for (let i = 0; i < jobs.length; i++) records.push(await runJob(jobs[i]!, i, jobs.length));

  const results: Results = {
    date: new Date(t0).toISOString(),
    durationS: (Date.now() - t0) / 1000,
    machine: { ...machine, loadavgEnd: loadavg() },
    versions: versions(),
    threads: THREADS,
    settings: { fast: FAST.join(" "), slow: SLOW.join(" "), rounds: ROUNDS.length },
    summary: summarize(records),
    jobs: records,
  };
  if (PARTIAL) {
    // A check of the pipeline, not a comparison: nothing under bench/ changes.
    const file = join(WORK, "results.json");
    writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
    console.log(`\n${renderComparison(results)}`);
    say(`partial run (--quick / --only): wrote ${file} only; bench/README.md is unchanged`);
    return;
  }
  writeFileSync(join(BENCH, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
  writeReadme(results);
  say(`wrote bench/results.json and the Comparison section of bench/README.md`);
  rmSync(WORK, { recursive: true, force: true });
}

/** Regenerates the README's Comparison section (between its markers) from `results`. */
function writeReadme(results: Results): void {
  const section = renderComparison(results);
  const readmePath = join(BENCH, "README.md");
  const readme = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : "# Benchmarks\n";
  const begin = "<!-- comparison:begin -->";
  const end = "<!-- comparison:end -->";
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  const next =
    i >= 0 && j > i
      ? `${readme.slice(0, i + begin.length)}\n${section}\n${readme.slice(j)}`
      : `${readme.trimEnd()}\n\n## Comparison (\`npm run bench\`)\n\n${begin}\n${section}\n${end}\n`;
  writeFileSync(readmePath, next);
  // Keep the README as prettier formats it (tables aligned), so `npm run lint` stays clean.
  const prettier = join(ROOT, "node_modules/prettier/bin/prettier.cjs");
  const fmt = sh(process.execPath, [prettier, "--write", readmePath]);
  if (!fmt.ok) say(`prettier could not format bench/README.md: ${fmt.out.slice(-300)}`);
  console.log(`\n${section}`);
}

// `--render`: re-summarize the saved bench/results.json and rewrite the README section only.
if (process.argv.includes("--render")) {
  const saved = JSON.parse(readFileSync(join(BENCH, "results.json"), "utf8")) as Results;
  saved.summary = summarize(saved.jobs);
  writeFileSync(join(BENCH, "results.json"), `${JSON.stringify(saved, null, 1)}\n`);
  writeReadme(saved);
  rmSync(WORK, { recursive: true, force: true });
} else {
  await main();
}
