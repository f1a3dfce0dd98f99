/**
 * Throughput of the pure-TypeScript backend on one core: `npm run bench`.
 *
 * Measures (a) matmul GFLOP/s on square float32 products, (b) elementwise throughput in millions
 * of elements per second through the public ops on 4M-element float32 tensors, (c) a reduction.
 * Each case is warmed up (so V8 has optimized the kernels) and reported as the median of several
 * timed runs. Prints a table and writes bench/ts-backend.json next to this file.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import * as st from "../src/index.js";
// The op's own module, so the bench does not depend on how ops/index.ts re-exports it.
import { matmul } from "../src/ops/linalg.js";
import { tsKernels } from "../src/backend/ts/index.js";

st.setBackend("ts");

interface Result {
  name: string;
  unit: "GFLOP/s" | "M elements/s";
  value: number;
  medianMs: number;
  /** Elementwise cases: the kernel alone, writing into a reused output buffer. */
  kernelOnly?: number;
  target?: number;
}

/** Median wall time of `runs` calls after `warmup` untimed ones. */
function medianMs(fn: () => unknown, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

const MATMUL_TARGET = 3; // GFLOP/s at 1024 on one core
const ELEMENTWISE_TARGET = 200; // M elements/s
const results: Result[] = [];

// (a) matmul: 2·n³ flops per product.
for (const n of [256, 512, 1024]) {
  const a = st.random.normal([n, n], { seed: 1 });
  const b = st.random.normal([n, n], { seed: 2 });
  const runs = n === 1024 ? 5 : 9;
  const ms = medianMs(() => matmul(a, b), n === 1024 ? 2 : 3, runs);
  results.push({
    name: `matmul ${n}x${n}x${n}`,
    unit: "GFLOP/s",
    value: (2 * n ** 3) / (ms * 1e6),
    medianMs: ms,
    ...(n === 1024 ? { target: MATMUL_TARGET } : {}),
  });
}

// (b) elementwise on 4M float32 elements through the public ops, allocation of the result
// included (as a user sees it). Beside it, the same kernel writing into a reused buffer: the gap
// between the two is the cost of allocating and first touching 16 MB of fresh memory.
const ROWS = 2048;
const COLS = 2048;
const SIZE = ROWS * COLS;
const x = st.random.normal([ROWS, COLS], { seed: 3 });
const y = st.random.normal([ROWS, COLS], { seed: 4 });
const row = st.random.normal([COLS], { seed: 5 });
const two = st.tensor(new Float32Array([2]));
const reused = new Float32Array(SIZE);
const flat = { shape: [SIZE], strides: [[1], [1]] };
const rowPlan = {
  shape: [ROWS, COLS],
  strides: [
    [COLS, 1],
    [0, 1],
  ],
};
const scalarPlan = { shape: [SIZE], strides: [[1], [0]] };
const k = tsKernels;
// The kernel-only cases run on the inputs' host arrays.
const [xd, yd, rowd, twod] = [x, y, row, two].map((t) => t.dataSync());
const elementwise: [string, () => unknown, () => unknown][] = [
  ["add (same shape)", () => st.ops.add(x, y), () => k.binary("add", xd!, yd!, reused, flat)],
  [
    "add (broadcast row)",
    () => st.ops.add(x, row),
    () => k.binary("add", xd!, rowd!, reused, rowPlan),
  ],
  [
    "multiply by scalar",
    () => st.ops.multiply(x, 2),
    () => k.binary("mul", xd!, twod!, reused, scalarPlan),
  ],
  ["relu", () => st.ops.relu(x), () => k.unary("relu", xd!, reused)],
  ["exp", () => st.ops.exp(x), () => k.unary("exp", xd!, reused)],
  ["sigmoid", () => st.ops.sigmoid(x), () => k.unary("sigmoid", xd!, reused)],
];
for (const [name, op, kernel] of elementwise) {
  const ms = medianMs(op, 3, 15);
  const kernelMs = medianMs(kernel, 3, 15);
  results.push({
    name,
    unit: "M elements/s",
    value: SIZE / (ms * 1e3),
    medianMs: ms,
    kernelOnly: SIZE / (kernelMs * 1e3),
    target: ELEMENTWISE_TARGET,
  });
}

// (c) a reduction: sum over the last axis of [2048, 2048].
{
  const ms = medianMs(() => st.ops.sum(x, -1), 3, 15);
  results.push({
    name: "sum over last axis",
    unit: "M elements/s",
    value: SIZE / (ms * 1e3),
    medianMs: ms,
  });
}

const pad = (s: string, w: number): string => s.padEnd(w);
console.log(
  `TS backend, Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, one thread`,
);
console.log(
  `${pad("case", 24)}${pad("median ms", 11)}${pad("throughput", 21)}${pad("kernel only", 13)}target`,
);
for (const r of results) {
  const digits = r.unit === "GFLOP/s" ? 2 : 0;
  const target =
    r.target === undefined ? "" : `≥ ${r.target} ${r.value >= r.target ? "met" : "MISSED"}`;
  const kernelOnly = r.kernelOnly === undefined ? "" : r.kernelOnly.toFixed(0);
  console.log(
    `${pad(r.name, 24)}${pad(r.medianMs.toFixed(2), 11)}${pad(`${r.value.toFixed(digits)} ${r.unit}`, 21)}` +
      `${pad(kernelOnly, 13)}${target}`,
  );
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  logicalCpus: cpus().length,
  backend: st.getBackend(),
  results: results.map((r) => ({
    ...r,
    value: Number(r.value.toFixed(3)),
    medianMs: Number(r.medianMs.toFixed(3)),
    ...(r.kernelOnly === undefined ? {} : { kernelOnly: Number(r.kernelOnly.toFixed(1)) }),
    ...(r.target === undefined ? {} : { met: r.value >= r.target }),
  })),
};
const path = fileURLToPath(new URL("./ts-backend.json", import.meta.url));
writeFileSync(path, JSON.stringify(report, null, 2) + "\n");
console.log(`wrote ${path}`);
