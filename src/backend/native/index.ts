import type { AllKernels, HostArrays } from "../backend.js";
import { hostBackend } from "../host.js";
import { type BackendLoader, registerBackend } from "../registry.js";
import { tsKernels } from "../ts/index.js";
import { loadAddon } from "./addon.js";
import { bindKernels } from "./binding.js";
import { keepGcOffTheCores } from "./gc-threads.js";

/*
 * The native backend: the C++ addon in native/ (Node-API over OpenBLAS, threaded), working in
 * place on the same garbage-collected typed arrays as the TS backend — no copies, nothing to free.
 * Its kernels are bound from the kernel table (binding.ts): the addon has loops for the dtype
 * combinations the table's dtype rules name, and any other combination is handed to the
 * TypeScript kernel, which gives the same result.
 */

/** The native kernels, or why they cannot run here (the addon loads on the first call). */
export function nativeKernels(): AllKernels<HostArrays> | { unavailable: string } {
  const { addon, reason } = loadAddon();
  return addon ? (kernelsOf ??= bindKernels(addon, tsKernels)) : { unavailable: reason };
}
let kernelsOf: AllKernels<HostArrays> | undefined;

/** OpenBLAS's build description, for diagnostics (null without the addon). */
export function nativeBlasInfo(): string | null {
  return loadAddon().addon?.blas ?? null;
}

/**
 * The native backend. Initializing it tunes the process for kernels that keep every core busy
 * (malloc keeps freed blocks; V8's concurrent marking off), unless `{ tuneProcess: false }`.
 */
export const nativeLoader: BackendLoader<HostArrays> = {
  name: "native",
  priority: 2,
  load(options) {
    const kernels = nativeKernels();
    if ("unavailable" in kernels) return kernels;
    const addon = loadAddon().addon!;
    if (options.tuneProcess !== false) {
      addon.tuneMalloc();
      keepGcOffTheCores();
    }
    return {
      ...hostBackend("native", kernels),
      setNumThreads: (n: number) => addon.setNumThreads(n),
      numThreads: () => addon.getNumThreads(),
    };
  },
};
registerBackend(nativeLoader);
