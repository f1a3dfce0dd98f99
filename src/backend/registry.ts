import { ValueError } from "../errors.js";
import type { Kernels } from "./backend.js";
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

/** Switches every later op to the named backend ("ts", or "native" when the addon loaded). */
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

registerBackend({ name: "ts", kernels: tsKernels });
