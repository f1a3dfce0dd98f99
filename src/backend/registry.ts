import { ValueError } from "../errors.js";
import type { Kernels } from "./backend.js";
import {
  nativeKernels,
  nativeThreads,
  nativeUnavailableReason,
  setNativeThreads,
} from "./native/index.js";
import { referenceKernels } from "./reference/index.js";
import { tsKernels } from "./ts/index.js";

export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
}

const backends = new Map<string, Backend>();
let current: Backend;

/** Makes a backend available to `setBackend`; the first one registered is the default. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  current ??= backend;
}

/**
 * Switches every later op to the named backend: "native" when the addon loaded, "ts", or
 * "reference" (the slow float64 oracle the others are tested against).
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    throw new ValueError(
      `setBackend: unknown backend ${JSON.stringify(name)}; available: ${listBackends().join(", ")}`,
    );
  }
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The kernels of the current backend (what ops call). */
export function kernels(): Kernels {
  return current.kernels;
}

/**
 * Sets how many threads the native backend uses (its own loops and OpenBLAS alike); the default
 * is one per available core. The TypeScript backend always runs on the calling thread.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(`setNumThreads: n must be a positive integer; received ${n}`);
  }
  setNativeThreads(n);
}

/** Threads the native backend uses (1 when only the TypeScript backend is available). */
export function getNumThreads(): number {
  return nativeThreads();
}

// The native backend, when its addon loaded, is the default; "ts" runs anywhere. Without the
// addon, say so once and carry on in TypeScript.
if (nativeKernels) registerBackend({ name: "native", kernels: nativeKernels });
registerBackend({ name: "ts", kernels: tsKernels });
// The oracle every backend is tested against (never the default: it is slow).
// TODO(foundation): fused kernels become optional; until then the reference borrows the TS ones.
registerBackend({ name: "reference", kernels: { ...tsKernels, ...referenceKernels } });
if (!nativeKernels) {
  console.warn(
    `strata: native backend unavailable (${nativeUnavailableReason}); running on the TypeScript ` +
      "backend. Install a C++ compiler and libopenblas-dev, then `npm rebuild strata`, for native speed.",
  );
}
