import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

/*
 * `strata doctor` run as a user runs it, with STRATA_NATIVE_ADDON choosing the addon: a missing
 * file (the fallback to TypeScript, its one warning and the fix) and the source build (native).
 */

const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));
const SOURCE_BUILD = fileURLToPath(
  new URL("../../../native/build/Release/strata_native.node", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "strata-doctor-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function doctor(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", BIN, "doctor", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CPU's flags read here, independently of the command. */
function cpuFlags(): Set<string> | null {
  if (!existsSync("/proc/cpuinfo")) return null;
  const line = readFileSync("/proc/cpuinfo", "utf8")
    .split("\n")
    .find((l) => l.startsWith("flags"));
  return line ? new Set(line.split(":")[1]!.trim().split(" ")) : null;
}

test("without an addon: the TypeScript backend, why, the fix, and one warning", () => {
  const missing = join(dir, "missing.node");
  const { status, stdout, stderr } = doctor([], { STRATA_NATIVE_ADDON: missing });
  assert.equal(status, 0, stderr);
  assert.match(stdout, /^backend {5}ts \(the native backend did not load\)$/m);
  assert.match(stdout, /^addon {7}none$/m);
  assert.ok(stdout.includes(`STRATA_NATIVE_ADDON: ${missing} does not exist`), stdout);
  assert.match(stdout, /^fix {9}point STRATA_NATIVE_ADDON at a built strata_native\.node/m);
  assert.match(stdout, /^blas {8}none \(no addon\)$/m);
  assert.match(stdout, /^threads {5}1 \(of \d+ available cores\)$/m);
  // The fallback is announced once, on stderr, with the reason and the fix.
  const warnings = stderr.split("\n").filter((l) => l.startsWith("strata: "));
  assert.equal(warnings.length, 1, stderr);
  assert.match(
    warnings[0]!,
    /native backend unavailable \(.*missing\.node.*to fix: .*\); running on ts\./,
  );
});

test(
  "with the source build: native, where it came from, threads, SIMD and BLAS",
  {
    skip: !existsSync(SOURCE_BUILD) && "the native addon is not built",
  },
  () => {
    const { status, stdout, stderr } = doctor(["--json"], { STRATA_NATIVE_ADDON: SOURCE_BUILD });
    assert.equal(status, 0, stderr);
    assert.equal(stderr, "");
    const r = JSON.parse(stdout);
    assert.equal(r.backend, "native");
    assert.deepEqual(r.addon, {
      source: "environment",
      from: SOURCE_BUILD,
      tried: [{ kind: "environment", where: SOURCE_BUILD, reason: null }],
    });
    assert.ok(r.threads.used >= 1 && r.threads.used <= r.threads.cores, stdout);
    assert.match(r.blas.config, /^OpenBLAS \d+\.\d+/);
    assert.equal(r.fix, null);
    assert.equal(r.node.split(" ")[0], process.version);
    assert.match(r.strata, /^\d+\.\d+\.\d+ \(strata-ml\)$/);
    const flags = cpuFlags();
    if (process.arch === "x64" && flags) {
      assert.match(r.simd.compiledFor, /x86-64 baseline/);
      for (const f of ["sse2", "sse4_2", "avx", "avx2", "fma", "avx512f"]) {
        assert.equal(r.simd.cpu.includes(f), flags.has(f), `flag ${f}`);
      }
      const avx2 = flags.has("avx2") && flags.has("fma");
      assert.equal(r.simd.tileKernels, avx2 ? "AVX2+FMA" : "portable loops (no AVX2+FMA)");
    }
  },
);

test("by default the prebuilt package is tried first, then the source build", () => {
  const { status, stdout } = doctor(["--json"], { STRATA_NATIVE_ADDON: undefined });
  assert.equal(status, 0);
  const r = JSON.parse(stdout);
  assert.equal(r.addon.tried[0].kind, "prebuilt");
  assert.match(r.addon.tried[0].where, /^@strata-ml\//);
  if (r.addon.source !== "prebuilt") {
    assert.equal(r.addon.tried[1].kind, "source");
    assert.equal(r.addon.tried[1].where, SOURCE_BUILD);
  }
  assert.equal(r.backend, r.addon.source === "none" ? "ts" : "native");
});

test(
  "an installed prebuilt package is loaded before the source build",
  {
    skip: !existsSync(SOURCE_BUILD) && "the native addon is not built",
  },
  () => {
    // A stand-in for @strata-ml/linux-x64-gnu on NODE_PATH, holding the source build's addon.
    const pkgDir = join(dir, "node_path", "@strata-ml", "linux-x64-gnu");
    mkdirSync(pkgDir, { recursive: true });
    symlinkSync(SOURCE_BUILD, join(pkgDir, "strata_native.node"));
    const simd = "test baseline (the stand-in package's manifest)";
    writeFileSync(
      join(pkgDir, "package.json"),
      JSON.stringify({ name: "@strata-ml/linux-x64-gnu", version: "0.0.0", strata: { simd } }),
    );
    const { status, stdout, stderr } = doctor(["--json"], {
      STRATA_NATIVE_ADDON: undefined,
      NODE_PATH: join(dir, "node_path"),
    });
    assert.equal(status, 0, stderr);
    const r = JSON.parse(stdout);
    if (r.platform !== "linux-x64-gnu") return; // the package is named for this platform only
    assert.equal(r.backend, "native");
    assert.deepEqual(r.addon.tried, [
      { kind: "prebuilt", where: "@strata-ml/linux-x64-gnu", reason: null },
    ]);
    assert.equal(r.addon.source, "prebuilt");
    assert.equal(r.simd.compiledFor, simd);
  },
);
