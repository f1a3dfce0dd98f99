// Saving under SIGKILL: a process killed while it writes a model leaves the previous file whole,
// and BackupAndRestore resumes a killed fit to the same final weights as an uninterrupted run.
// The killed work runs in a child process (child.ts); bench/kill.ts repeats this many times.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { leftoverTemporaries, runChild } from "./harness.js";
import { savedValues } from "./models.js";

const root = mkdtempSync(join(tmpdir(), "strata-kill-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** The one value every weight of the saved model holds (each save fills them with its number). */
async function savedValue(path: string, format: string): Promise<number> {
  const values = await savedValues(path, format);
  assert.equal(
    values.size,
    1,
    `${path}: weights from more than one save: ${[...values].join(", ")}`,
  );
  return [...values][0]!;
}

describe("a save killed midway", () => {
  for (const format of ["keras", "weights.h5", "h5"]) {
    it(`leaves the previous .${format} file intact`, async () => {
      const dir = mkdtempSync(join(root, "save-"));
      const run = await runChild(["save", dir, format], (line) => line === "saved 2", 25);
      assert.equal(run.ended, "killed", run.stderr);
      const last = Number(run.lines.at(-1)!.split(" ")[1]);
      const value = await savedValue(join(dir, `model.${format}`), format);
      // The last save it reported, or the one after it if that one finished before the kill.
      assert.ok(value === last || value === last + 1, `found save ${value}, last reported ${last}`);
      // At worst a hidden temporary remains; the target itself is never partial.
      for (const name of leftoverTemporaries(dir)) assert.match(name, /^\.model\..*\.tmp$/);
    });
  }
});

describe("BackupAndRestore after SIGKILL", () => {
  const finalWeights = (path: string): number[][] =>
    JSON.parse(readFileSync(path, "utf8")) as number[][];

  it("resumes to the same final weights as an uninterrupted run", async () => {
    const reference = join(root, "uninterrupted.json");
    const whole = await runChild(["fit", join(root, "backup-whole"), reference]);
    assert.equal(whole.ended, 0, whole.stderr);
    const expected = finalWeights(reference);

    // Killed mid-epoch twice (at iterations 67 and 153: epoch 2 step 6, epoch 5 step 2; 30 steps an epoch), then run on.
    const dir = join(root, "backup-killed");
    const resumed = join(root, "resumed.json");
    for (const iteration of [67, 153]) {
      const run = await runChild(["fit", dir, resumed], (l) => l.startsWith(`batch ${iteration} `));
      assert.equal(run.ended, "killed", run.stderr);
    }
    const last = await runChild(["fit", dir, resumed]);
    assert.equal(last.ended, 0, last.stderr);
    // The last run started where the second kill's backup was: epoch 5, 30 steps each.
    assert.match(last.lines[0]!, /^batch 151 0$/);
    assert.deepEqual(finalWeights(resumed), expected);
  });
});
