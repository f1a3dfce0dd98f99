import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KERNELS, type KernelName } from "../kernel-table.js";
import { tableSignature } from "./layout.js";

/*
 * Loading the C++ addon (native/): its exports, checked so that an addon built from older
 * sources is refused rather than half-used, and the reason when it cannot be loaded.
 */

/** The addon's exports: one function per table kernel (native/src/kernel-binding.gen.h), and these. */
export type Addon = Readonly<Record<KernelName, (...args: never[]) => unknown>> & {
  /** the digest of the kernel table its C++ was generated from (layout.ts's tableSignature) */
  readonly tableSignature: string;
  /** OpenBLAS's build description */
  readonly blas: string;
  setNumThreads(n: number): number;
  getNumThreads(): number;
  /** Serves large blocks from malloc's heap and keeps freed ones (native/src/binding.cc). */
  tuneMalloc(): void;
};

/** Where the addon is built, from src/backend/native/ (tsx) and dist/backend/native/ alike. */
const ADDON_PATH = fileURLToPath(
  new URL("../../../native/build/Release/strata_native.node", import.meta.url),
);

/** Every function the binding calls. */
const REQUIRED: readonly (keyof Addon)[] = [
  ...(Object.keys(KERNELS) as KernelName[]),
  "setNumThreads",
  "getNumThreads",
  "tuneMalloc",
];

type Loaded = { addon: Addon; reason?: undefined } | { addon?: undefined; reason: string };
let loaded: Loaded | undefined;

/** The addon, or why it cannot be loaded; loaded on the first call (starting its thread pool). */
export function loadAddon(): Loaded {
  return (loaded ??= load());
}

function load(): Loaded {
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
    const missing = REQUIRED.filter((name) => typeof addon[name] !== "function");
    if (missing.length > 0) {
      return { reason: `the built addon is out of date (it lacks ${missing.join(", ")})` };
    }
    if (addon.tableSignature !== tableSignature()) {
      return {
        reason: "the built addon is out of date (it was generated from another kernel table)",
      };
    }
    return { addon };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0]!;
    const reason =
      (e as { code?: string }).code === "MODULE_NOT_FOUND" ? "the addon is not built" : message;
    return { reason };
  }
}
