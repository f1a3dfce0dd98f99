/**
 * Saving under SIGKILL, many times over (issue 17's "files under faults"): the same checks as
 * test/train/kill/kill.test.ts, with more kills at random moments, counted for bench/README.md.
 *
 *   node --import tsx bench/kill.ts [--saves 30] [--fits 6] [--seed 1]
 *
 * Saves: a child saves a 10 MB model over and over (.keras, .weights.h5, legacy .h5); it is killed
 * a random 0–400 ms after its first save, and the file must load with every weight from one save,
 * the last reported or the one after. A hidden temporary left behind means the kill landed inside
 * a write. Fits: a seeded fit with shuffling and Dropout under BackupAndRestore is killed at a
 * random step, one to three times, then run to the end; its final weights must equal an
 * uninterrupted run's exactly.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { leftoverTemporaries, runChild } from "../test/train/kill/harness.js";
import { savedValues } from "../test/train/kill/models.js";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const saves = Number(args.saves ?? 30);
const fits = Number(args.fits ?? 6);
const rng = new st.random.SeedGenerator(Number(args.seed ?? 1)).generator;
const root = mkdtempSync(join(tmpdir(), "strata-kill-bench-"));

const saveRows: string[] = [];
for (const format of ["keras", "weights.h5", "h5"]) {
  const counts = { kills: 0, midWrite: 0, intact: 0, failures: [] as string[] };
  for (let trial = 0; trial < saves; trial++) {
    const dir = mkdtempSync(join(root, "save-"));
    const delay = Math.floor(rng.uniform() * 400);
    const run = await runChild(["save", dir, format], (line) => line === "saved 1", delay);
    if (run.ended !== "killed") throw new Error(`save child ended on its own: ${run.stderr}`);
    counts.kills++;
    if (leftoverTemporaries(dir).length > 0) counts.midWrite++;
    const last = Number(run.lines.at(-1)!.split(" ")[1]);
    try {
      const values = [...(await savedValues(join(dir, `model.${format}`), format))];
      const ok = values.length === 1 && (values[0] === last || values[0] === last + 1);
      if (ok) counts.intact++;
      else counts.failures.push(`trial ${trial}: values ${values.join(",")} after save ${last}`);
    } catch (err) {
      counts.failures.push(`trial ${trial}: ${(err as Error).message}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  saveRows.push(
    `| .${format} | ${counts.kills} | ${counts.midWrite} | ${counts.intact} | ${counts.failures.length} |`,
  );
  for (const f of counts.failures) console.error(`.${format} ${f}`);
}

const finalWeights = (path: string) => readFileSync(path, "utf8");
const reference = join(root, "uninterrupted.json");
const whole = await runChild(["fit", join(root, "backup-whole"), reference]);
if (whole.ended !== 0) throw new Error(`uninterrupted fit failed: ${whole.stderr}`);
let kills = 0;
let equal = 0;
const fitFailures: string[] = [];
for (let trial = 0; trial < fits; trial++) {
  const dir = join(root, `backup-${trial}`);
  const out = join(root, `resumed-${trial}.json`);
  const times = 1 + Math.floor(rng.uniform() * 3);
  const steps: number[] = [];
  for (let k = 0; k < times; k++) {
    const step = 1 + Math.floor(rng.uniform() * 239);
    const run = await runChild(["fit", dir, out], (l) => Number(l.split(" ")[1]) >= step);
    if (run.ended === "killed") kills++;
    steps.push(step);
  }
  const last = await runChild(["fit", dir, out]);
  if (last.ended === 0 && finalWeights(out) === finalWeights(reference)) equal++;
  else fitFailures.push(`trial ${trial} (killed at steps ${steps.join(", ")}): ${last.stderr}`);
}
rmSync(root, { recursive: true, force: true });

console.log("| file | kills | inside a write | loaded intact | failures |");
console.log("| ---- | ----: | -------------: | ------------: | -------: |");
for (const row of saveRows) console.log(row);
console.log(
  `\nBackupAndRestore: ${fits} runs, ${kills} kills, ${equal} of ${fits} finished with the ` +
    `uninterrupted run's exact weights`,
);
for (const f of fitFailures) console.error(f);
if (fitFailures.length > 0 || saveRows.some((r) => !r.endsWith("| 0 |"))) process.exitCode = 1;
