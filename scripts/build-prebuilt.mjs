#!/usr/bin/env node
// Builds the prebuilt native addon for Linux x64 (glibc) into packages/linux-x64-gnu/, the optional
// package `@strata-ml/linux-x64-gnu` that lets `npm install strata-ml` run natively without a
// compiler (as sharp and onnxruntime-node ship theirs). OpenBLAS is linked statically (its pthread
// build: no OpenMP runtime, no gfortran, since only its C/assembly BLAS is referenced) and its
// symbols hidden, so the addon needs nothing beyond libc, libm, libstdc++ and libgcc_s; the build
// is checked for exactly that (ldd and undefined symbols) and loaded once before it is written.
// Runs node-gyp in a temporary copy of native/, so native/build (the source build) is untouched.
//
//   node scripts/build-prebuilt.mjs            (STRATA_OPENBLAS_STATIC=/path/libopenblas.a to choose)
import { execFileSync, spawnSync } from "node:child_process";
import console from "node:console";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const outDir = join(root, "packages", "linux-x64-gnu");
const PACKAGE = "@strata-ml/linux-x64-gnu";

/** Libraries the addon may need at run time: the C and C++ runtimes only. */
const ALLOWED_LIBS = /^(linux-vdso\.so|ld-linux-x86-64\.so|lib(c|m|pthread|dl|stdc\+\+|gcc_s)\.so)/;

function fail(message) {
  console.error(`build-prebuilt: ${message}`);
  process.exit(1);
}

const report = process.report.getReport();
if (process.platform !== "linux" || process.arch !== "x64" || !report.header.glibcVersionRuntime) {
  fail(`builds for linux-x64 with glibc only; this is ${process.platform}-${process.arch}`);
}

const blasCandidates = [
  process.env.STRATA_OPENBLAS_STATIC,
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a",
  "/usr/lib/x86_64-linux-gnu/libopenblas.a",
  "/usr/lib64/libopenblas.a",
  "/usr/local/lib/libopenblas.a",
].filter(Boolean);
const blasFound = blasCandidates.find((p) => existsSync(p));
if (!blasFound)
  fail(`no static OpenBLAS (tried ${blasCandidates.join(", ")}): apt install libopenblas-dev`);
const blasStatic = realpathSync(blasFound);
if (/openmp/i.test(blasStatic))
  fail(`${blasStatic} is OpenBLAS's OpenMP build; use the pthread one`);

// Keep the committed kernel headers current where the table's sources are here (as build-native).
if (existsSync(join(root, "src", "backend", "kernel-table.ts"))) {
  const { writeHeaders } = await import("./gen-kernel-table.mjs");
  await writeHeaders();
}
const signature = /kTableSignature = "([0-9a-f]+)"/.exec(
  readFileSync(join(root, "native", "src", "kernel-table.gen.h"), "utf8"),
)?.[1];
if (!signature) fail("native/src/kernel-table.gen.h has no kTableSignature");

// A copy of native/ whose binding.gyp links the static archive and hides its symbols.
const work = mkdtempSync(join(tmpdir(), "strata-prebuilt-"));
try {
  cpSync(join(root, "native", "src"), join(work, "src"), { recursive: true });
  const gyp = JSON.parse(readFileSync(join(root, "native", "binding.gyp"), "utf8"));
  const target = gyp.targets[0];
  target.include_dirs[0] = dirname(require.resolve("node-addon-api/package.json"));
  target.include_dirs = target.include_dirs.filter((d) => !/homebrew|usr\/local\/opt/.test(d));
  target.libraries = [blasStatic, "-lpthread"];
  target.ldflags = ["-Wl,--exclude-libs,ALL", "-Wl,--as-needed", "-s"];
  writeFileSync(join(work, "binding.gyp"), JSON.stringify(gyp, null, 2));

  const { findNodeGyp, localNodeDir } = await import("./build-native.mjs");
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) fail("node-gyp was not found");
  const args = [nodeGyp, "rebuild", `--jobs=${process.env.JOBS ?? "max"}`];
  const nodedir = localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  console.log(`build-prebuilt: compiling with ${blasStatic} linked statically …`);
  const built = spawnSync(process.execPath, args, { cwd: work, encoding: "utf8" });
  if (built.status !== 0) fail(`node-gyp failed:\n${built.stdout}${built.stderr}`);
  const addonFile = join(work, "build", "Release", "strata_native.node");

  // Run-time needs: shared libraries, and no undefined symbol outside libc / libstdc++ / Node.
  const ldd = execFileSync("ldd", [addonFile], { encoding: "utf8" });
  const libs = ldd
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
  const extra = libs.filter((l) => !ALLOWED_LIBS.test(l.replace(/^.*\//, "")));
  if (extra.length > 0)
    fail(`the addon needs libraries beyond libc/libstdc++: ${extra.join(", ")}`);
  const undefinedSymbols = execFileSync("nm", ["-D", "--undefined-only", addonFile], {
    encoding: "utf8",
  })
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 2 && f[0] === "U")
    .map((f) => f[1]);
  const stray = undefinedSymbols.filter(
    (s) => !/@(GLIBC|GLIBCXX|CXXABI|GCC)_/.test(s) && !/^(napi_|node_api_|uv_)/.test(s),
  );
  if (stray.length > 0) fail(`undefined symbols no system library provides: ${stray.join(", ")}`);
  const glibc = undefinedSymbols
    .map((s) => /@GLIBC_([0-9.]+)/.exec(s)?.[1])
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1);

  // Loads, exports the table's signature, and which OpenBLAS it holds.
  const probe = execFileSync(
    process.execPath,
    [
      "-e",
      `const a = require(${JSON.stringify(addonFile)}); console.log(JSON.stringify([a.tableSignature, a.blas]))`,
    ],
    { encoding: "utf8" },
  );
  const [loadedSignature, blas] = JSON.parse(probe);
  if (loadedSignature !== signature) fail(`built signature ${loadedSignature} ≠ ${signature}`);
  if (/OPENMP/i.test(blas)) fail(`the linked OpenBLAS uses OpenMP (${blas})`);

  mkdirSync(outDir, { recursive: true });
  copyFileSync(addonFile, join(outDir, "strata_native.node"));
  const copyright = [
    "/usr/share/doc/libopenblas-pthread-dev/copyright",
    "/usr/share/doc/libopenblas-dev/copyright",
    "/usr/share/doc/libopenblas0-pthread/copyright",
  ].find((p) => existsSync(p));
  if (!copyright) fail("OpenBLAS's copyright file (to ship with the binary) was not found");
  writeFileSync(
    join(outDir, "THIRD-PARTY-NOTICES.txt"),
    `Third-party notices\n\nstrata_native.node contains OpenBLAS (${blas}), linked statically\n` +
      `from ${blasStatic}. Its copyright and license (BSD-3-Clause), as its distribution\n` +
      `states them (${copyright}):\n\n${readFileSync(copyright, "utf8")}`,
  );
  const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const pkg = {
    name: PACKAGE,
    version: rootPkg.version,
    description:
      "Strata's native backend prebuilt for Linux x64 (glibc), OpenBLAS linked statically.",
    license: "Apache-2.0 AND BSD-3-Clause",
    os: ["linux"],
    cpu: ["x64"],
    libc: ["glibc"],
    files: ["strata_native.node", "THIRD-PARTY-NOTICES.txt", "README.md"],
    strata: {
      tableSignature: signature,
      blas: `OpenBLAS ${/OpenBLAS ([0-9.]+)/.exec(blas)?.[1]} (pthreads, DYNAMIC_ARCH), static`,
      glibc,
      simd: "x86-64 baseline (SSE2); AVX2+FMA tile kernels and OpenBLAS cores chosen at run time",
    },
  };
  let text = `${JSON.stringify(pkg, null, 2)}\n`;
  try {
    // Formatted as the repository's other files (the package.json is committed).
    const prettier = await import("prettier");
    const file = join(outDir, "package.json");
    text = await prettier.format(text, {
      ...(await prettier.resolveConfig(file)),
      filepath: file, // package.json: prettier's json-stringify style, as `prettier --check` wants
    });
  } catch {
    // prettier is a dev dependency: plain JSON without it
  }
  writeFileSync(join(outDir, "package.json"), text);
  console.log(
    `build-prebuilt: wrote ${join(outDir, "strata_native.node")} (glibc ≥ ${glibc}; ${blas}; ` +
      `needs ${libs.filter((l) => !/vdso|ld-linux/.test(l)).join(", ")})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
