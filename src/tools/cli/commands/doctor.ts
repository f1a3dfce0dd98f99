/**
 * `strata doctor`: what Strata runs on here and why — the backend in use, where the native addon
 * came from (the prebuilt package, the source build, or none, with every reason), threads, the
 * SIMD level the addon was compiled for beside what the CPU has, the BLAS, Node's version, and
 * the fix when Strata fell back to its TypeScript backend. `--json` prints the same as one object.
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import process from "node:process";
import type { Command } from "commander";
import { type AddonAttempt, loadAddon, platformTag } from "../../../backend/native/addon.js";
import { getBackend, getNumThreads } from "../../../backend/registry.js";

/** The x86 SIMD extensions worth naming, oldest first, as /proc/cpuinfo spells them. */
const X86_SIMD = [
  "sse2",
  "sse4_1",
  "sse4_2",
  "avx",
  "avx2",
  "fma",
  "avx512f",
  "avx512bw",
  "avx512vl",
  "avx512_vnni",
  "avx512_bf16",
  "amx_tile",
] as const;

export interface DoctorReport {
  strata: string;
  node: string;
  platform: string;
  backend: string;
  addon: {
    /** "prebuilt", "source", "environment" (STRATA_NATIVE_ADDON), or "none" */
    source: string;
    /** the package or file the addon was loaded from */
    from: string | null;
    /** every place tried, in order, with why it was not used */
    tried: { kind: string; where: string; reason: string | null }[];
  };
  threads: { used: number; cores: number };
  simd: { compiledFor: string | null; cpu: string[] | null; tileKernels: string | null };
  blas: { config: string; linked: string } | null;
  /** what to do for the native backend; null when it runs */
  fix: string | null;
}

/** Gathers the report (loading the default backend, as the first op would). */
export function doctorReport(): DoctorReport {
  const backend = getBackend();
  const loaded = loadAddon();
  const cpu = cpuSimd();
  const prebuiltInfo = loaded.origin?.kind === "prebuilt" ? prebuiltManifest(loaded.origin) : null;
  const compiledFor = loaded.addon ? (prebuiltInfo?.simd ?? sourceBuildSimd()) : null;
  const avx2 = cpu?.includes("avx2") && cpu.includes("fma");
  return {
    strata: packageVersion(),
    node: `${process.version} (N-API ${process.versions.napi}, ABI ${process.versions.modules})`,
    platform: platformTag(),
    backend,
    addon: {
      source: loaded.origin?.kind ?? "none",
      from: loaded.origin?.where ?? null,
      tried: loaded.attempts.map((a) => ({
        kind: a.kind,
        where: a.where,
        reason: a.reason ?? null,
      })),
    },
    threads: { used: getNumThreads(), cores: availableParallelism() },
    simd: {
      compiledFor,
      cpu,
      tileKernels:
        loaded.addon && process.arch === "x64" && cpu
          ? avx2
            ? "AVX2+FMA"
            : "portable loops (no AVX2+FMA)"
          : null,
    },
    blas: loaded.addon ? { config: loaded.addon.blas, linked: blasLinkage() } : null,
    fix: loaded.fix ?? null,
  };
}

/** The report as aligned lines. */
export function formatDoctor(r: DoctorReport): string[] {
  const lines = [
    `strata      ${r.strata}`,
    `node        ${r.node}`,
    `platform    ${r.platform}`,
    `backend     ${r.backend}${r.backend === "native" ? "" : " (the native backend did not load)"}`,
  ];
  const origin =
    r.addon.source === "prebuilt"
      ? `prebuilt package ${r.addon.from}`
      : r.addon.source === "source"
        ? `source build ${r.addon.from}`
        : r.addon.source === "environment"
          ? `STRATA_NATIVE_ADDON=${r.addon.from}`
          : "none";
  lines.push(`addon       ${origin}`);
  const kinds: Record<string, string> = {
    prebuilt: "prebuilt",
    source: "source build",
    environment: "STRATA_NATIVE_ADDON",
  };
  for (const t of r.addon.tried.filter((t) => t.reason !== null)) {
    lines.push(`  skipped   ${kinds[t.kind] ?? t.kind}: ${t.reason}`);
  }
  lines.push(`threads     ${r.threads.used} (of ${r.threads.cores} available cores)`);
  if (r.simd.compiledFor) lines.push(`simd        addon compiled for ${r.simd.compiledFor}`);
  if (r.simd.tileKernels) lines.push(`            tile kernels in use: ${r.simd.tileKernels}`);
  lines.push(
    `cpu         ${r.simd.cpu ? r.simd.cpu.join(" ") || "(none of the listed extensions)" : "unknown (no /proc/cpuinfo)"}`,
  );
  lines.push(`blas        ${r.blas ? `${r.blas.config}; ${r.blas.linked}` : "none (no addon)"}`);
  if (r.fix) lines.push(`fix         ${r.fix}`);
  return lines;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "print the backend in use, where the native addon came from, threads, SIMD, BLAS, and the fix when it fell back",
    )
    .option("--json", "print the report as JSON")
    .action((opts: { json?: boolean }) => {
      const report = doctorReport();
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else for (const line of formatDoctor(report)) console.log(line);
    });
}

/** strata-ml's version, from its package.json (four folders up from src/ and dist/ alike). */
function packageVersion(): string {
  const file = new URL("../../../../package.json", import.meta.url);
  try {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    return `${pkg.version ?? "?"} (${pkg.name ?? "?"})`;
  } catch {
    return "unknown";
  }
}

/** The `strata` field the prebuilt package's package.json records (scripts/build-prebuilt.mjs). */
function prebuiltManifest(origin: AddonAttempt): { simd?: string } | null {
  try {
    const file = createRequire(import.meta.url).resolve(`${origin.where}/package.json`);
    return (
      (JSON.parse(readFileSync(file, "utf8")) as { strata?: { simd?: string } }).strata ?? null
    );
  } catch {
    return null;
  }
}

/** What native/binding.gyp compiles for: the architecture's baseline, wider SIMD chosen at run time. */
function sourceBuildSimd(): string {
  if (process.arch === "x64") {
    return "x86-64 baseline (SSE2); AVX2+FMA tile kernels and OpenBLAS cores chosen at run time";
  }
  if (process.arch === "arm64") return "ARMv8 baseline (NEON); OpenBLAS cores chosen at run time";
  return `${process.arch} baseline`;
}

/** The SIMD extensions this CPU reports, from /proc/cpuinfo (x86 flags, ARM features). */
function cpuSimd(): string[] | null {
  if (!existsSync("/proc/cpuinfo")) return null;
  const text = readFileSync("/proc/cpuinfo", "utf8");
  const line = /^(flags|Features)\s*:\s*(.*)$/m.exec(text);
  if (!line) return null;
  const flags = new Set(line[2]!.trim().split(/\s+/));
  if (line[1] === "Features") return [...flags].filter((f) => /^(asimd|sve|sve2|neon)/.test(f));
  return X86_SIMD.filter((f) => flags.has(f));
}

/** Whether OpenBLAS sits inside the addon or comes from a shared library (Linux: /proc/self/maps). */
function blasLinkage(): string {
  if (!existsSync("/proc/self/maps")) return "linkage unknown";
  const maps = readFileSync("/proc/self/maps", "utf8");
  const shared = /\s(\/\S*lib(open)?blas[^/\s]*\.so[^/\s]*)$/m.exec(maps);
  return shared ? `shared library ${shared[1]}` : "linked statically into the addon";
}
