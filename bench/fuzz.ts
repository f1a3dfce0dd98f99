/**
 * Files under faults (issue 17, item 4): every file reader is given mutated and truncated copies
 * of real fixtures (Keras 3.16's `.keras`, `.weights.h5` and legacy `.h5`, NumPy's `.npy` /
 * `.npz`, Python's pickles, tar, the dataset cache and the JSON weights) and must accept each
 * one or refuse it with a StrataError that names the file: never another exception, never a
 * hang, never an allocation the file's size does not justify.
 *
 *   node --import tsx bench/fuzz.ts [--cases 10000] [--seed 1] [--readers zip,hdf5,…]
 *     [--limit-ms 10000] [--out bench/fuzz.json]
 *   node --import tsx bench/fuzz.ts --replay hdf5:1234 [--seed 1]   # one case, with its error
 *
 * Each reader runs in a worker thread; the main thread watches the case in progress and stops
 * the worker when one passes the time limit (a hang), then resumes after it. Cases are drawn
 * from (seed, reader, index), so a reported case replays from its index.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { StrataError } from "../src/errors.js";
import { type CaseStats, type Crash, caseInput, emptyStats } from "../test/io/fuzz/run-cases.js";
import { TARGETS } from "../test/io/fuzz/targets.js";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const cases = Number(args.cases ?? 10_000);
const seed = Number(args.seed ?? 1);
const timeLimitMs = Number(args["limit-ms"] ?? 10_000);
/** ArrayBuffer memory held after a case above this is an unbounded allocation. */
const allocationLimit = 1024 * 2 ** 20;
const readers = args.readers ? args.readers.split(",") : TARGETS.map((t) => t.name);
const scratch = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "strata-fuzz-"));

const TSX_API = import.meta.resolve("tsx/esm/api");
const WORKER = new URL("./fuzz-worker.ts", import.meta.url).href;

/** Runs cases [start, end) of `reader` in a worker; stops it if a case passes the time limit. */
function runWorker(
  reader: string,
  start: number,
  end: number,
): Promise<{ stats?: CaseStats; done: boolean; stoppedAt?: number; error?: string }> {
  const progress = new SharedArrayBuffer(16);
  const current = new Float64Array(progress);
  current[0] = start;
  const worker = new Worker(
    `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER)}); })`,
    {
      eval: true,
      workerData: { reader, seed, start, end, timeLimitMs, allocationLimit, scratch, progress },
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
    },
  );
  return new Promise((resolve) => {
    let settled = false;
    let latest: CaseStats | undefined;
    const finish = (r: { done: boolean; stoppedAt?: number; error?: string }) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolve({ ...r, stats: latest });
    };
    const watch = setInterval(() => {
      if (current[1]! > 0 && Date.now() - current[1]! > timeLimitMs) {
        finish({
          done: false,
          stoppedAt: current[0]!,
          error: `hang: still running after ${timeLimitMs} ms`,
        });
      }
    }, 100);
    worker.on("message", (m: { done: boolean; stats: CaseStats }) => {
      latest = m.stats;
      if (m.done) finish({ done: true });
    });
    worker.on("error", (err) =>
      finish({
        done: false,
        stoppedAt: current[0]!,
        error: `the worker died: ${err.name}: ${err.message}`,
      }),
    );
    worker.on("exit", (code) =>
      finish({ done: false, stoppedAt: current[0]!, error: `the worker exited with code ${code}` }),
    );
  });
}

function merge(into: CaseStats | undefined, s: CaseStats): CaseStats {
  if (!into) return s;
  for (const [k, n] of Object.entries(s.refusals)) into.refusals[k] = (into.refusals[k] ?? 0) + n;
  return {
    ...into,
    cases: into.cases + s.cases,
    accepted: into.accepted + s.accepted,
    crashes: [...into.crashes, ...s.crashes],
    slowest: s.slowest.ms > into.slowest.ms ? s.slowest : into.slowest,
    peakArrayBuffers: Math.max(into.peakArrayBuffers, s.peakArrayBuffers),
    totalMs: into.totalMs + s.totalMs,
  };
}

async function fuzzReader(reader: string): Promise<CaseStats> {
  let stats: CaseStats | undefined;
  const stopped: Crash[] = [];
  let next = 0;
  while (next < cases) {
    const r = await runWorker(reader, next, cases);
    if (r.stats) stats = merge(stats, r.stats);
    if (r.done) {
      next = cases;
    } else {
      // A hung or dead worker: the case it was on is a crash; go on after it.
      const at = r.stoppedAt!;
      stopped.push({ reader, caseIndex: at, seed: "", mutations: [], error: r.error! });
      next = at + 1;
    }
  }
  stats ??= merge(undefined, emptyStats(reader));
  stats.cases += stopped.length;
  stats.crashes.push(...stopped);
  return stats;
}

async function replay(spec: string): Promise<void> {
  const [reader, index] = spec.split(":");
  const target = TARGETS.find((t) => t.name === reader);
  if (!target) throw new Error(`no reader ${reader}; readers: ${TARGETS.map((t) => t.name)}`);
  const dir = mkdtempSync(join(scratch, "replay-"));
  const seeds = await target.seeds(dir);
  const input = caseInput(seed, target, seeds, Number(index));
  const where = target.whereFor(dir, Number(index));
  console.log(`${reader} case ${index}: ${input.seed.label}, ${input.mutations.join(" + ")}`);
  writeFileSync(join(scratch, `case-${reader}-${index}.bin`), input.bytes);
  try {
    await target.run(input.bytes, where, dir);
    console.log("accepted");
  } catch (err) {
    console.log(err instanceof StrataError ? "refused:" : "CRASH:", err);
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
/** Refusal kinds kept per reader in the report file. */
const TOP_KINDS = 20;

try {
  if (args.replay) {
    await replay(args.replay);
  } else {
    const results: CaseStats[] = [];
    const t0 = Date.now();
    for (const reader of readers) {
      const s = await fuzzReader(reader);
      results.push(s);
      const refused = Object.values(s.refusals).reduce((a, n) => a + n, 0);
      console.log(
        `${reader.padEnd(13)} ${String(s.cases).padStart(6)} cases  ${String(s.accepted).padStart(5)} accepted  ` +
          `${String(refused).padStart(6)} refused  ${s.crashes.length} crashes  ` +
          `slowest ${s.slowest.ms.toFixed(1)} ms (case ${s.slowest.caseIndex})  ` +
          `peak ArrayBuffers ${mib(s.peakArrayBuffers)} MiB  ${(s.totalMs / 1000).toFixed(1)} s`,
      );
      for (const c of s.crashes.slice(0, 5)) {
        console.log(
          `  CRASH case ${c.caseIndex} (${c.seed}, ${c.mutations.join(" + ")}): ${c.error.split("\n").slice(0, 3).join(" | ")}`,
        );
      }
    }
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(`peak RSS ${mib(peakRss)} MiB, ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model,
      seed,
      casesPerReader: cases,
      timeLimitMs,
      peakRssMiB: Number(mib(peakRss)),
      readers: results.map((s) => {
        // The most frequent kinds of refusal; the long tail only as counts.
        const kinds = Object.entries(s.refusals).sort((a, b) => b[1] - a[1]);
        const byClass: Record<string, number> = {};
        for (const [kind, n] of kinds) {
          const name = kind.slice(0, kind.indexOf(":"));
          byClass[name] = (byClass[name] ?? 0) + n;
        }
        return {
          ...s,
          refusedByClass: byClass,
          refusalKinds: kinds.length,
          refusals: Object.fromEntries(kinds.slice(0, TOP_KINDS)),
          otherRefusals: kinds.slice(TOP_KINDS).reduce((a, [, n]) => a + n, 0),
        };
      }),
    };
    if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
    if (results.some((s) => s.crashes.length > 0)) process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
