/**
 * Strata against Strata: the same measurements (bench/systems/strata.ts, native backend) run from
 * two checkouts in alternating rounds on this machine, best round of each kept, and their ratio.
 * For changes that must not slow anything down:
 *
 *   node --import tsx bench/compare.ts --before ../base --after . [--rounds 3] [--only W1,W3]
 *     [--out f.json]
 *
 * Each checkout needs its own built addon (node scripts/build-native.mjs) and node_modules. The
 * figures go to stdout as a markdown table and, with --out, as JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const trees = { before: resolve(args.before ?? ""), after: resolve(args.after ?? ".") };
if (!args.before) throw new Error("--before <checkout> is required");
const rounds = Number(args.rounds ?? 3);
const scratch = mkdtempSync(join(tmpdir(), "strata-compare-"));

type Figures = Record<string, number>;

/** One fresh process of bench/systems/strata.ts in `tree`; its figures by name. */
function measure(tree: string, task: string, workload?: string): Figures {
  const out = join(scratch, "result.json");
  const argv = ["--import", "tsx", "bench/systems/strata.ts", "--backend", "native"];
  argv.push("--task", task, "--threads", "2", "--out", out);
  if (workload) argv.push("--workload", workload);
  const run = spawnSync(process.execPath, argv, { cwd: tree, stdio: ["ignore", "ignore", "pipe"] });
  if (run.status !== 0) throw new Error(`${tree}: ${task} ${workload ?? ""} failed: ${run.stderr}`);
  const r = JSON.parse(readFileSync(out, "utf8"));
  if (task === "matmul") {
    return {
      "matmul 256, GFLOP/s": r.matmul[256].gflops,
      "matmul 1024, GFLOP/s": r.matmul[1024].gflops,
    };
  }
  return {
    [`${workload} training, samples/s`]: r.train.samplesPerSec,
    [`${workload} inference, samples/s`]: r.infer.samplesPerSec,
  };
}

const only = args.only ? String(args.only).split(",") : null;
const jobs = (
  [["workload", "W1"], ["workload", "W2"], ["workload", "W3"], ["matmul"]] as [string, string?][]
).filter(([task, workload]) => !only || only.includes(workload ?? task));
const best: Record<keyof typeof trees, Figures> = { before: {}, after: {} };
const load = { start: loadavg(), end: [0, 0, 0] };
for (let round = 0; round < rounds; round++) {
  for (const [task, workload] of jobs) {
    // Alternate which checkout goes first, so drift in the machine's speed hits both alike.
    const order = (
      round % 2 === 0 ? ["before", "after"] : ["after", "before"]
    ) as (keyof typeof trees)[];
    for (const side of order) {
      const figures = measure(trees[side], task, workload);
      for (const [name, v] of Object.entries(figures)) {
        best[side][name] = Math.max(best[side][name] ?? 0, v);
      }
      process.stderr.write(
        `round ${round + 1} ${side} ${task} ${workload ?? ""}: ${JSON.stringify(figures)}\n`,
      );
    }
  }
}
load.end = loadavg();

const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1));
const lines = [
  "| | before | after | after ÷ before |",
  "| --- | ---: | ---: | ---: |",
  ...Object.keys(best.before).map((name) => {
    const [b, a] = [best.before[name]!, best.after[name]!];
    return `| ${name} | ${fmt(b)} | ${fmt(a)} | ${(a / b).toFixed(3)} |`;
  }),
];
console.log(lines.join("\n"));
console.log(
  `\nbest of ${rounds} alternating rounds; load average ${load.start.map((l) => l.toFixed(2)).join(" / ")} ` +
    `at the start, ${load.end.map((l) => l.toFixed(2)).join(" / ")} at the end`,
);
if (args.out) writeFileSync(args.out, JSON.stringify({ trees, rounds, best, load }, null, 1));
