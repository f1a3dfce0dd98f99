import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { KERNELS, type KernelName } from "../kernel-table.js";
import { tableSignature } from "./layout.js";

/*
 * Loading the C++ addon (native/): from the prebuilt per-platform package when it is installed
 * (`@strata-ml/linux-x64-gnu`, as sharp and onnxruntime-node ship theirs), else from the source
 * build (native/build/Release), each checked so that an addon built from older sources is refused
 * rather than half-used. When none loads, the reason names every place tried and the fix; the
 * registry prints it once when it falls back to the TypeScript backend, so the user learns it
 * even where npm hid the install-time notice.
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

/** Where an addon was looked for: the prebuilt package, the source build, or STRATA_NATIVE_ADDON. */
export type AddonKind = "prebuilt" | "source" | "environment";

/** One place the loader tried, and why it was not used (absent for the one that loaded). */
export interface AddonAttempt {
  readonly kind: AddonKind;
  /** the package name (prebuilt) or the file path (source, environment) */
  readonly where: string;
  readonly reason?: string;
}

/** The platforms a prebuilt package is published for. */
export const PREBUILT_PLATFORMS: readonly string[] = ["linux-x64-gnu"];

/** Where the addon is built, from src/backend/native/ (tsx) and dist/backend/native/ alike. */
export const SOURCE_ADDON_PATH = fileURLToPath(
  new URL("../../../native/build/Release/strata_native.node", import.meta.url),
);

/** This platform as the prebuilt packages name it: linux-x64-gnu, linux-x64-musl, darwin-arm64. */
export function platformTag(): string {
  const { platform, arch } = process;
  if (platform !== "linux") return `${platform}-${arch}`;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
  return `${platform}-${arch}-${report?.header?.glibcVersionRuntime ? "gnu" : "musl"}`;
}

/** The prebuilt package for this platform: `@strata-ml/<platformTag>`. */
export const prebuiltPackage = (tag = platformTag()): string => `@strata-ml/${tag}`;

/** Every function the binding calls. */
const REQUIRED: readonly (keyof Addon)[] = [
  ...(Object.keys(KERNELS) as KernelName[]),
  "setNumThreads",
  "getNumThreads",
  "tuneMalloc",
];

export type Loaded = { readonly attempts: readonly AddonAttempt[] } & (
  | { addon: Addon; origin: AddonAttempt; reason?: undefined; fix?: undefined }
  | {
      addon?: undefined;
      origin?: undefined;
      /** every place tried and why it failed, then the fix */
      reason: string;
      /** what to do about it */
      fix: string;
    }
);
let loaded: Loaded | undefined;

/**
 * The addon, where it came from and every place tried, or why none can be loaded (with the fix);
 * loaded on the first call (starting its thread pool).
 */
export function loadAddon(): Loaded {
  return (loaded ??= load());
}

function load(): Loaded {
  const require = createRequire(import.meta.url);
  const attempts: AddonAttempt[] = [];
  const tryFile = (kind: AddonKind, where: string, file: string): Addon | undefined => {
    const result = check(require, file, kind === "source" ? "the source build " : "");
    if (typeof result === "string") {
      attempts.push({ kind, where, reason: result });
      return undefined;
    }
    attempts.push({ kind, where });
    return result;
  };

  const override = process.env.STRATA_NATIVE_ADDON;
  if (override) {
    const addon = tryFile("environment", override, override);
    if (addon) return { addon, origin: attempts.at(-1)!, attempts };
    const fix = "point STRATA_NATIVE_ADDON at a built strata_native.node, or unset it";
    return {
      reason: `STRATA_NATIVE_ADDON=${override}: ${attempts[0]!.reason}; to fix: ${fix}`,
      fix,
      attempts,
    };
  }

  const tag = platformTag();
  const pkg = prebuiltPackage(tag);
  const published = PREBUILT_PLATFORMS.includes(tag);
  let prebuiltFile: string | undefined;
  try {
    prebuiltFile = join(dirname(require.resolve(`${pkg}/package.json`)), "strata_native.node");
  } catch {
    attempts.push({
      kind: "prebuilt",
      where: pkg,
      reason: published
        ? `the prebuilt package ${pkg} is not installed`
        : `no prebuilt package is published for ${tag}`,
    });
  }
  const prebuilt = prebuiltFile && tryFile("prebuilt", pkg, prebuiltFile);
  if (prebuilt) return { addon: prebuilt, origin: attempts.at(-1)!, attempts };

  const source = tryFile("source", SOURCE_ADDON_PATH, SOURCE_ADDON_PATH);
  if (source) return { addon: source, origin: attempts.at(-1)!, attempts };

  const fix = published
    ? `\`npm install ${pkg}\` (prebuilt, needs glibc ≥ 2.34), or install a C++ compiler and ` +
      "OpenBLAS (apt install g++ make libopenblas-dev) and run `npm rebuild strata-ml`"
    : "install a C++ compiler and OpenBLAS (apt install g++ make libopenblas-dev; macOS: " +
      "xcode-select --install && brew install openblas) and run `npm rebuild strata-ml`";
  return { reason: `${attempts.map((a) => a.reason).join("; ")}; to fix: ${fix}`, fix, attempts };
}

/** The addon in `file`, or why it cannot be used. */
function check(require: NodeJS.Require, file: string, label: string): Addon | string {
  if (!existsSync(file)) return `${label}${file} does not exist (not built)`;
  try {
    const addon = require(file) as Addon;
    const missing = REQUIRED.filter((name) => typeof addon[name] !== "function");
    if (missing.length > 0) {
      return `${file} is out of date (it lacks ${missing.join(", ")})`;
    }
    if (addon.tableSignature !== tableSignature()) {
      return `${file} is out of date (it was generated from another kernel table)`;
    }
    return addon;
  } catch (e) {
    return `${file} cannot be loaded: ${(e as Error).message.split("\n")[0]!}`;
  }
}
