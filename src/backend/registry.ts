import { ValueError } from "../errors.js";
import type { Backend, OpaqueStorage, StorageKinds } from "./backend.js";

/*
 * Which backends exist and which one runs ops. Backends register a loader, not an instance:
 * nothing loads (no addon, no process tuning) until `setBackend` or the first tensor needs one.
 */

/** How a backend is made: `load` builds it, or says why it cannot run here. */
export interface BackendLoader<K extends StorageKinds = StorageKinds> {
  readonly name: string;
  /** When no backend was chosen, the loadable one with the highest priority runs; 0: never. */
  readonly priority: number;
  load(options: Record<string, unknown>): Backend<K> | { unavailable: string };
}

/** A loaded backend as ops see it: every storage an opaque handle. */
export type ActiveBackend = Backend<OpaqueStorage> & {
  setNumThreads?(n: number): void;
  numThreads?(): number;
};

const loaders = new Map<string, BackendLoader>();
const loaded = new Map<string, ActiveBackend | { unavailable: string }>();
let active: ActiveBackend | undefined;
let threads: number | undefined;

/** Makes a backend available to `setBackend` (a later registration under the same name wins). */
export function registerBackend<K extends StorageKinds>(loader: BackendLoader<K>): void {
  loaders.set(loader.name, loader as BackendLoader);
  loaded.delete(loader.name);
}

function load(
  name: string,
  options: Record<string, unknown> = {},
): ActiveBackend | { unavailable: string } {
  let b = loaded.get(name);
  if (b === undefined) {
    const loader = loaders.get(name);
    if (!loader) return { unavailable: "no such backend is registered" };
    b = loader.load(options) as ActiveBackend | { unavailable: string };
    loaded.set(name, b);
    if ("kernels" in b && threads !== undefined) b.setNumThreads?.(threads);
  } else if (Object.keys(options).length > 0) {
    throw new ValueError(
      `setBackend: the ${name} backend is already initialized; its options ` +
        `(${Object.keys(options).join(", ")}) must be given before its first use`,
    );
  }
  return b;
}

/**
 * Switches every later op to the named backend ("native", "ts", "reference" …), loading it on
 * first use with `options` (the native backend: `{ tuneProcess: false }` leaves the allocator and
 * V8's GC threads as they are).
 */
export function setBackend(name: string, options: Record<string, unknown> = {}): void {
  const b = load(name, options);
  if ("unavailable" in b) {
    throw new ValueError(
      `setBackend: backend ${JSON.stringify(name)} is unavailable (${b.unavailable}); ` +
        `available: ${listBackends().join(", ")}`,
    );
  }
  active = b;
}

/** The backend ops run on: the one set, else the loadable one with the highest priority. */
export function currentBackend(): ActiveBackend {
  return active ?? chooseDefault();
}

function chooseDefault(): ActiveBackend {
  const byPriority = [...loaders.values()]
    .filter((l) => l.priority > 0)
    .sort((a, b) => b.priority - a.priority);
  const skipped: string[] = [];
  for (const loader of byPriority) {
    const b = load(loader.name);
    if ("kernels" in b) {
      // Say once why the preferred backend is not the one running.
      if (skipped.length > 0) console.warn(`strata: ${skipped.join("; ")}; running on ${b.name}.`);
      active = b;
      return b;
    }
    skipped.push(`${loader.name} backend unavailable (${b.unavailable})`);
  }
  throw new ValueError(
    `strata: no backend can run here: ${skipped.join("; ") || "none registered"}`,
  );
}

export function getBackend(): string {
  return currentBackend().name;
}

/** The backends that can run here (loading each to find out). */
export function listBackends(): string[] {
  return [...loaders.keys()].filter((name) => "kernels" in load(name));
}

/** A loaded backend by name (tests and benchmarks compare backends kernel by kernel). */
export function backendNamed(name: string): ActiveBackend {
  const b = load(name);
  if ("unavailable" in b) {
    throw new ValueError(`backend ${JSON.stringify(name)} is unavailable (${b.unavailable})`);
  }
  return b;
}

/**
 * Sets how many threads the backends that run threads use (the native backend: its own loops
 * and OpenBLAS alike; default one per available core). Backends loaded later get it too.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(`setNumThreads: n must be a positive integer; received ${n}`);
  }
  threads = n;
  for (const b of loaded.values()) if ("kernels" in b) b.setNumThreads?.(n);
}

/** Threads the current backend uses (1 for a backend that runs on the calling thread). */
export function getNumThreads(): number {
  return currentBackend().numThreads?.() ?? 1;
}
