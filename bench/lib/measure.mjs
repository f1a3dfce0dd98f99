/* global process, console, performance */
/**
 * The measurement protocol every JavaScript runner shares (Strata, TensorFlow.js, jax-js); the
 * PyTorch runner (systems/torch_bench.py) mirrors it line for line. Plain JS so the peer runners,
 * whose packages live in bench/node_modules only, need no TypeScript types; lib/measure.d.mts
 * types it for the TypeScript runners.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** The three workloads, identical for every system (issue 3, item 4). */
export const WORKLOADS = {
  W1: { name: "MLP 784-512-10", batch: 128 },
  W2: { name: "MNIST convnet", batch: 64 },
  W3: { name: "Embedding-LSTM(32)", batch: 128, seqLen: 200, vocab: 10000 },
};

/** Batches kept per workload and cycled through, so no step reuses the previous step's batch. */
export const POOL = 4;

/** `--key value` pairs from argv. */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--")) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

/** Progress on stderr (stdout is left alone); the orchestrator forwards it. */
export function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Throughput of `step(i)` (sync or async; one call = one batch of `batch` samples): `warmup`
 * untimed steps, then `runs` runs, each taking steps until `seconds` have passed (at least
 * `minSteps`). Reports the median run's samples/s and every run.
 */
export async function throughput(step, { batch, warmup, runs, seconds, minSteps = 1 }) {
  let i = 0;
  for (let w = 0; w < warmup; w++) await step(i++);
  const perRun = [];
  let totalSteps = 0;
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const t0 = performance.now();
    let dt = 0;
    while (n < minSteps || dt < seconds * 1000) {
      await step(i++);
      n++;
      dt = performance.now() - t0;
    }
    perRun.push((n * batch) / (dt / 1000));
    totalSteps += n;
  }
  const sps = median(perRun);
  return {
    samplesPerSec: sps,
    stepMs: (batch / sps) * 1000,
    runs: perRun,
    steps: totalSteps,
    warmup,
  };
}

/**
 * The timing options of inference at batch 1 (latency) from a workload's: the same runs, ten
 * times the warm-up steps (each is short). samples/s at batch 1 is 1000 ÷ ms per sample.
 */
export function latencyOptions(opts) {
  return { ...opts, batch: 1, warmup: 10 * opts.warmup };
}

/**
 * GFLOP/s of an n×n·n×n float32 product: `call()` runs one product to completion. Calls are
 * grouped into runs of ≥ 0.2 s; the median run over ≥ `seconds` in all.
 */
export async function matmulRate(call, n, seconds) {
  for (let w = 0; w < 3; w++) await call();
  // Calls per run from one timed call, so 256 (µs per call) and 1024 (ms) both give steady runs.
  const t0 = performance.now();
  await call();
  const one = Math.max(performance.now() - t0, 1e-3);
  const per = Math.max(1, Math.ceil(200 / one));
  const rates = [];
  const start = performance.now();
  while (rates.length < 3 || performance.now() - start < seconds * 1000) {
    const t = performance.now();
    for (let k = 0; k < per; k++) await call();
    rates.push((2 * n ** 3 * per) / ((performance.now() - t) * 1e6));
  }
  return { gflops: median(rates), runs: rates.length, callsPerRun: per };
}

/** Peak and current resident set (MiB) of this process, from /proc/self/status. */
export function memoryMiB() {
  const status = readFileSync("/proc/self/status", "utf8");
  const field = (k) =>
    Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
  return { peakRssMiB: field("VmHWM"), rssMiB: field("VmRSS") };
}

/** A deterministic stream of uniform [0, 1) floats (mulberry32), for data that need no library. */
export function uniformStream(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Synthetic batches of a workload as flat typed arrays (same shapes and dtypes for every system):
 * W1 x float32 [B, 784], y int labels 0..9; W2 x float32 [B, 28, 28, 1] (channels last), y 0..9;
 * W3 x int32 token ids [B, 200] in 0..9999, y float32 0/1 [B, 1]. B is the workload's batch
 * unless `batch` is given (1 for the latency measurements).
 */
export function syntheticBatches(workload, seed = 1, batch = WORKLOADS[workload].batch) {
  const w = WORKLOADS[workload];
  const u = uniformStream(seed);
  const B = batch;
  const batches = [];
  for (let p = 0; p < POOL; p++) {
    if (workload === "W3") {
      const x = new Int32Array(B * w.seqLen);
      for (let k = 0; k < x.length; k++) x[k] = Math.floor(u() * w.vocab);
      const y = new Float32Array(B);
      for (let k = 0; k < B; k++) y[k] = u() < 0.5 ? 0 : 1;
      batches.push({ x, y, xShape: [B, w.seqLen], yShape: [B, 1] });
    } else {
      const per = 784;
      const x = new Float32Array(B * per);
      for (let k = 0; k < x.length; k++) x[k] = u();
      const y = new Int32Array(B);
      for (let k = 0; k < B; k++) y[k] = Math.floor(u() * 10);
      const xShape = workload === "W1" ? [B, 784] : [B, 28, 28, 1];
      batches.push({ x, y, xShape, yShape: [B] });
    }
  }
  return batches;
}

/** FLOPs of one W1 training step per sample: forward, plus dW1, dW2 and dh (no dx for the input). */
export const W1_TRAIN_FLOPS_PER_SAMPLE =
  2 * (784 * 512 + 512 * 10) + 2 * 784 * 512 + 2 * 2 * 512 * 10;

/** Checks c[0][0..3] of a·b against a float64 dot product: a wrong kernel must not look fast. */
export function checkProduct(a, b, c, n) {
  for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[k] * b[k * n + j];
    if (Math.abs(s - c[j]) > 1e-3 * (1 + Math.abs(s))) {
      throw new Error(`matmul ${n}: c[0][${j}] = ${c[j]}, expected ${s}`);
    }
  }
}

/** Writes the runner's result (plus its CPU time and memory) to the --out file. */
export function emit(outPath, result) {
  const cpu = process.cpuUsage();
  const full = { ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...memoryMiB() };
  if (outPath) writeFileSync(outPath, JSON.stringify(full, null, 1));
  else console.log(JSON.stringify(full));
}
