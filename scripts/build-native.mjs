#!/usr/bin/env node
// Builds the native backend (native/ → native/build/Release/strata_native.node) with node-gyp,
// after regenerating the C++ side of the kernel table (scripts/gen-kernel-table.mjs) where the
// table's sources and tsx are here: a checkout has them, an installed package builds from the
// committed headers. Run by `npm install` (the "install" script). Where the prebuilt package for
// this platform (@strata-ml/linux-x64-gnu, made by scripts/build-prebuilt.mjs) is installed and
// loads, nothing is compiled (STRATA_BUILD_FROM_SOURCE=1 compiles anyway). The addon is optional:
// when it cannot be built (no C++ compiler, no OpenBLAS, no node-gyp), this prints one line and
// exits 0, and Strata runs on its TypeScript backend, saying so once when it starts.
import { execFileSync, spawnSync } from "node:child_process";
import console from "node:console";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "native");
const require = createRequire(join(root, "package.json"));

/** node-gyp's entry script: npm's own copy first (always present where npm is), then any other. */
export function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
    join(
      dirname(process.execPath),
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  ];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed locally
  }
  return candidates.find((p) => p && existsSync(p));
}

/** Node's own headers beside the running binary, so node-gyp never needs the network. */
export function localNodeDir() {
  if (process.env.npm_config_nodedir) return undefined;
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined;
}

function giveUp(reason) {
  console.log(
    `strata: native backend not built (${reason}); Strata will run on its TypeScript backend. ` +
      "Install a C++ compiler and libopenblas-dev, then `npm rebuild strata-ml`, for native speed.",
  );
  process.exit(0);
}

/**
 * The prebuilt package's addon when it is installed for this platform, loads (in a child process,
 * so a crash cannot fail the install) and was generated from this package's kernel table.
 */
function prebuiltAddon() {
  const glibc = process.report.getReport().header.glibcVersionRuntime;
  if (process.platform !== "linux" || process.arch !== "x64" || !glibc) return undefined;
  let file;
  try {
    file = join(
      dirname(require.resolve("@strata-ml/linux-x64-gnu/package.json")),
      "strata_native.node",
    );
  } catch {
    return undefined;
  }
  const header = readFileSync(join(nativeDir, "src", "kernel-table.gen.h"), "utf8");
  const expected = /kTableSignature = "([0-9a-f]+)"/.exec(header)?.[1];
  try {
    const signature = execFileSync(
      process.execPath,
      ["-e", `console.log(require(${JSON.stringify(file)}).tableSignature)`],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    return signature === expected ? file : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const prebuilt = !process.env.STRATA_BUILD_FROM_SOURCE && prebuiltAddon();
  if (prebuilt) {
    console.log(`strata: using the prebuilt native backend (${prebuilt})`);
    return;
  }
  if (process.env.STRATA_SKIP_NATIVE) giveUp("STRATA_SKIP_NATIVE is set");
  if (!existsSync(join(nativeDir, "binding.gyp"))) giveUp("native/binding.gyp is missing");
  try {
    require.resolve("node-addon-api");
  } catch {
    giveUp("the node-addon-api package is missing");
  }
  const gyp = findNodeGyp();
  if (!gyp) giveUp("node-gyp was not found");

  // Without tsx (dev dependencies omitted) the committed headers are used as they are.
  let haveTsx = true;
  try {
    require.resolve("tsx/esm/api");
  } catch {
    haveTsx = false;
  }
  if (haveTsx && existsSync(join(root, "src", "backend", "kernel-table.ts"))) {
    try {
      const { writeHeaders } = await import("./gen-kernel-table.mjs");
      await writeHeaders();
    } catch (e) {
      giveUp(`the kernel table's C++ headers could not be generated: ${e.message.split("\n")[0]}`);
    }
  }

  const args = [gyp, "rebuild", "-C", nativeDir];
  const nodedir = localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  const jobs = process.env.JOBS ?? "max";
  const result = spawnSync(process.execPath, [...args, `--jobs=${jobs}`], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const log = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    // The first compiler or linker error says most; the whole log only with STRATA_VERBOSE_BUILD.
    const first =
      log.split("\n").find((l) => /error|not found|cannot find/i.test(l)) ?? "node-gyp failed";
    if (process.env.STRATA_VERBOSE_BUILD) console.log(log);
    giveUp(first.trim().slice(0, 200));
  }
  console.log("strata: native backend built (native/build/Release/strata_native.node)");
}

// Run as a script (npm's install), not when build-prebuilt.mjs imports its helpers.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
