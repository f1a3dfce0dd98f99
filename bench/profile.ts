/**
 * Where a Strata training step spends its time: `node --import tsx bench/profile.ts [W1|W2|W3]
 * [--backend native|ts] [--threads n] [--steps 300] [--infer 1]`. Not part of `npm run bench`; a tool for whoever optimizes.
 * Issue 12's workloads (bench/lib/apps.ts) by their id, e.g. `bench/profile.ts resnet50-b32
 * --steps 3`: trained or run for inference as bench/apps.ts measures them.
 *
 * Wraps every method of the active backend's kernel table with a wall-clock timer (on the calling
 * thread, so a kernel's time includes waiting for its worker threads), counts the bytes of the
 * fresh output arrays kernels write, times GC pauses (PerformanceObserver "gc") and the step's
 * phases (forward, loss, backward = the rest of valueAndGrad, optimizer). What is left of a step
 * after kernels and GC is JavaScript: autodiff bookkeeping, op dispatch, shape checks, allocation.
 */
import { PerformanceObserver } from "node:perf_hooks";
import * as st from "../src/index.js";
import { currentBackend } from "../src/backend/index.js";
import { buildModel } from "./systems/strata-models.js";
import { buildApp } from "./systems/strata-app-models.js";
import { APPS, appBatches, type AppId } from "./lib/apps.js";
import { WORKLOADS, parseArgs, syntheticBatches, type WorkloadId } from "./lib/measure.mjs";

const args = parseArgs(process.argv.slice(3));
const w = (process.argv[2] ?? "W1") as WorkloadId | AppId;
const app = w in APPS ? APPS[w as AppId] : undefined;
st.setBackend(args.backend ?? "native");
if (args.threads && st.getBackend() === "native") st.setNumThreads(Number(args.threads));
const steps = Number(args.steps ?? (w === "W1" ? 300 : app ? 3 : 30));

// ------------------------------------------------------------------ kernel timers

interface Stat {
  ms: number;
  calls: number;
  bytes: number;
}
const stats = new Map<string, Stat>();
let recording = false;
const table = currentBackend().kernels as unknown as Record<string, unknown>;
for (const name of Object.keys(table)) {
  const fn = table[name];
  if (typeof fn !== "function") continue;
  table[name] = (...a: unknown[]) => {
    if (!recording) return (fn as (...x: unknown[]) => unknown).apply(table, a);
    // Sub-key: the op of unary/binary/reduce, the m×k×n of a matmul.
    let key = name;
    if (typeof a[0] === "string") key = `${name} ${a[0]}`;
    else if (name === "matmul")
      key = `matmul ${a[3]}x${a[4]}x${a[5]}${a[6] ? " Aᵀ" : ""}${a[7] ? " Bᵀ" : ""}`;
    else {
      // Convolutions by kind: kernel size, stride, and depthwise (one group per channel).
      const p = a.find((x) => (x as { kernelShape?: unknown } | null)?.kernelShape) as
        | { kernelShape: number[]; strides: number[]; groups: number; inChannels: number }
        | undefined;
      if (p) {
        const dw = p.groups > 1 && p.groups === p.inChannels ? " depthwise" : "";
        key = `${name} ${p.kernelShape[1]}x${p.kernelShape[2]}/${p.strides[1]}${dw}`;
      }
    }
    const out = name === "matmul" ? a[2] : typeof a[0] === "string" ? a[a.length - 2] : undefined;
    const t0 = performance.now();
    const r = (fn as (...x: unknown[]) => unknown).apply(table, a);
    const s = stats.get(key) ?? { ms: 0, calls: 0, bytes: 0 };
    s.ms += performance.now() - t0;
    s.calls++;
    const view = out as { byteLength?: number } | undefined;
    s.bytes += view?.byteLength ?? 0;
    stats.set(key, s);
    return r;
  };
}

// GC entries arrive asynchronously (after the synchronous loop): keep them all, count those that
// started inside the timed window.
const gcEntries: { start: number; ms: number; kind: string }[] = [];
const GC_KINDS: Record<number, string> = {
  1: "minor",
  2: "major",
  4: "major",
  8: "incremental",
  16: "weakcb",
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcEntries.push({ start: e.startTime, ms: e.duration, kind: GC_KINDS[kind] ?? `kind ${kind}` });
  }
}).observe({ entryTypes: ["gc"] });

// ------------------------------------------------------------------ phase timers

const model = app ? await buildApp(w as AppId) : buildModel(w as WorkloadId);
const phases = { forward: 0, loss: 0, optimizer: 0 };
type Fn = (...a: unknown[]) => unknown;
const m = model as unknown as Record<string, Fn>;
for (const [method, phase] of [
  ["forward", "forward"],
  ["totalLoss", "loss"],
] as const) {
  const orig = m[method]!;
  m[method] = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    const r = orig.apply(this, a);
    if (recording) phases[phase] += performance.now() - t0;
    return r;
  };
}
// Inference-only applications (ResNet50, VGG16) are not compiled: no optimizer to time.
const opt = model.optimizer as unknown as Record<string, Fn> | undefined;
const apply = opt?.apply;
if (opt && apply) {
  opt.apply = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    const r = apply.apply(this, a);
    if (recording) phases.optimizer += performance.now() - t0;
    return r;
  };
}

// ------------------------------------------------------------------ run

const data = app
  ? appBatches(w as AppId).map((b) => ({
      x: st.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
      y: st.tensor(b.y, [app.batch], "int32"),
    }))
  : syntheticBatches(w as WorkloadId).map((b) => ({
      x: st.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
      y: st.tensor(b.y, b.yShape, b.y instanceof Int32Array ? "int32" : "float32"),
    }));
// --infer profiles predictOnBatch (inference) instead of trainOnBatch; applications as measured.
const infer = app ? app.kind === "infer" : args.infer !== undefined;
const step = (i: number) =>
  infer
    ? model.predictOnBatch(data[i % data.length]!.x)
    : model.trainOnBatch(data[i % data.length]!.x, data[i % data.length]!.y);
for (let i = 0; i < (app ? 1 : Math.max(5, steps / 10)); i++) step(i);
recording = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step(i);
const total = performance.now() - t0;
recording = false;
await new Promise((r) => setTimeout(r, 50)); // let the last gc entries arrive
const timed = gcEntries.filter((e) => e.start >= t0 && e.start <= t0 + total);
const gcMs = timed.reduce((a, e) => a + e.ms, 0);
const gcCount = timed.length;
const gcByKind = new Map<string, { ms: number; n: number }>();
for (const e of timed) {
  const k = gcByKind.get(e.kind) ?? { ms: 0, n: 0 };
  k.ms += e.ms;
  k.n++;
  gcByKind.set(e.kind, k);
}

const per = (ms: number) => ms / steps;
const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)}%`;
const stepMs = per(total);
const { batch } = app ?? WORKLOADS[w as WorkloadId];
console.log(
  `${w} ${infer ? "inference" : "training"} on ${st.getBackend()} (${st.getNumThreads()} threads): ${stepMs.toFixed(2)} ms/step, ` +
    `${((batch / stepMs) * 1000).toFixed(0)} samples/s over ${steps} steps`,
);
const backward = total - phases.forward - phases.loss - phases.optimizer;
console.log("\nphases (ms/step):");
for (const [k, v] of Object.entries({ ...phases, "backward + rest": backward })) {
  console.log(`  ${pct(v)}  ${per(v).toFixed(3).padStart(8)}  ${k}`);
}
let kernelMs = 0;
let bytes = 0;
console.log("\nkernels (ms/step, calls/step, MB written to fresh arrays per step):");
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
  kernelMs += s.ms;
  bytes += s.bytes;
  if (s.ms / total < 0.002) continue;
  console.log(
    `  ${pct(s.ms)}  ${per(s.ms).toFixed(3).padStart(8)}  ${(s.calls / steps).toFixed(1).padStart(5)}×  ` +
      `${(s.bytes / steps / 1e6).toFixed(2).padStart(6)} MB  ${k}`,
  );
}
console.log(`\n  ${pct(kernelMs)}  ${per(kernelMs).toFixed(3).padStart(8)}  all kernels`);
console.log(
  `  ${pct(gcMs)}  ${per(gcMs).toFixed(3).padStart(8)}  GC pauses (${(gcCount / steps).toFixed(1)} per step)`,
);
for (const [k, v] of gcByKind) {
  console.log(
    `     ${pct(v.ms)}  ${per(v.ms).toFixed(3).padStart(8)}  ${k} GC (${(v.n / steps).toFixed(2)} per step)`,
  );
}
const rest = total - kernelMs - gcMs;
console.log(
  `  ${pct(rest)}  ${per(rest).toFixed(3).padStart(8)}  JavaScript outside kernels (dispatch, autodiff, allocation)`,
);
console.log(`  kernel outputs: ${(bytes / steps / 1e6).toFixed(1)} MB of fresh arrays per step`);
