// Runs fuzz cases against one reader and sorts the outcomes: the reader accepted the copy,
// refused it with a StrataError naming the file (counted by kind), or crashed — any other
// exception, a StrataError that does not name the file, a case over the time limit, or memory
// held past the allocation limit after the case.
import { StrataError } from "../../../src/errors.js";
import { type MutationKind, mutate, type Seed } from "./mutate.js";
import { Prng } from "./prng.js";
import type { Target } from "./targets.js";

export interface Crash {
  reader: string;
  caseIndex: number;
  seed: string;
  mutations: MutationKind[];
  error: string;
}

export interface CaseStats {
  reader: string;
  cases: number;
  accepted: number;
  /** StrataError refusals by class and message pattern. */
  refusals: Record<string, number>;
  crashes: Crash[];
  slowest: { caseIndex: number; ms: number; seed: string; mutations: MutationKind[] };
  /** Largest `process.memoryUsage().arrayBuffers` seen after a case, in bytes. */
  peakArrayBuffers: number;
  totalMs: number;
}

export interface RunOptions {
  seed: number;
  /** Cases `[start, end)`. */
  start: number;
  end: number;
  /** A case slower than this is a crash (a hang, when it returns at all). */
  timeLimitMs: number;
  /** ArrayBuffer memory above this after a case is a crash (an unbounded allocation). */
  allocationLimit: number;
  /** A scratch folder for readers that take paths. */
  dir: string;
  /** Called as each case starts (the bench's watchdog). */
  onCase?: (caseIndex: number) => void;
  /** Called after each case with the counts so far (the bench keeps them if a later case hangs). */
  afterCase?: (stats: CaseStats) => void;
}

/** The mutated copy of case `index`: replayable from (seed, reader, index) alone. */
export function caseInput(
  seed: number,
  target: Target,
  seeds: readonly Seed[],
  index: number,
): { seed: Seed; bytes: Uint8Array; mutations: MutationKind[] } {
  const rng = Prng.forCase(seed, target.name, index);
  const from = seeds[index % seeds.length]!;
  const { bytes, kinds } = mutate(rng, from);
  return { seed: from, bytes, mutations: kinds };
}

/** The counts of a reader before any case has run. */
export function emptyStats(reader: string): CaseStats {
  return {
    reader,
    cases: 0,
    accepted: 0,
    refusals: {},
    crashes: [],
    slowest: { caseIndex: -1, ms: 0, seed: "", mutations: [] },
    peakArrayBuffers: 0,
    totalMs: 0,
  };
}
/**
 * "StrataError: <file>: member "…" is truncated": the class and the message with the file, quoted
 * names and numbers masked.
 */
export function refusalKind(err: StrataError, where: string): string {
  const message = err.message
    .split(where)
    .join("<file>")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, "N")
    .replace(/(?:N[x,]?\s*)+N/g, "N");
  // The part before any "; …" or " (…)" detail: the kind, not the particulars of one case.
  return `${err.name}: ${message.split(/; | \(/)[0]!.slice(0, 100)}`;
}

export async function runCases(
  target: Target,
  seeds: readonly Seed[],
  opts: RunOptions,
): Promise<CaseStats> {
  const stats = emptyStats(target.name);
  const started = performance.now();
  for (let i = opts.start; i < opts.end; i++) {
    const input = caseInput(opts.seed, target, seeds, i);
    const where = target.whereFor(opts.dir, i);
    opts.onCase?.(i);
    const crash = (error: string) =>
      stats.crashes.push({
        reader: target.name,
        caseIndex: i,
        seed: input.seed.label,
        mutations: input.mutations,
        error,
      });
    const t0 = performance.now();
    try {
      await target.run(input.bytes, where, opts.dir);
      stats.accepted++;
    } catch (err) {
      if (!(err instanceof StrataError)) {
        crash(`${(err as Error)?.name}: ${(err as Error)?.message}\n${(err as Error)?.stack}`);
      } else if (!err.message.includes(where)) {
        crash(`a ${err.name} that does not name the file (${where}): ${err.message}`);
      } else {
        const kind = refusalKind(err, where);
        stats.refusals[kind] = (stats.refusals[kind] ?? 0) + 1;
      }
    }
    const ms = performance.now() - t0;
    stats.cases++;
    if (ms > stats.slowest.ms) {
      stats.slowest = { caseIndex: i, ms, seed: input.seed.label, mutations: input.mutations };
    }
    if (ms > opts.timeLimitMs) crash(`took ${ms.toFixed(0)} ms (limit ${opts.timeLimitMs} ms)`);
    const held = process.memoryUsage().arrayBuffers;
    stats.peakArrayBuffers = Math.max(stats.peakArrayBuffers, held);
    if (held > opts.allocationLimit) {
      crash(`${(held / 2 ** 20).toFixed(0)} MiB of ArrayBuffers held after the case`);
    }
    stats.totalMs = performance.now() - started;
    opts.afterCase?.(stats);
  }
  stats.totalMs = performance.now() - started;
  return stats;
}
