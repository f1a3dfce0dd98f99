// The file fuzzer's quick run: a few hundred mutated and truncated copies of real fixtures per
// reader, from a fixed seed, each accepted or refused with a StrataError naming the file. The
// long run (10,000 per reader, each case in a worker under a time limit) is bench/fuzz.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { caseInput, runCases } from "./fuzz/run-cases.js";
import { Prng } from "./fuzz/prng.js";
import { TARGETS } from "./fuzz/targets.js";

const SEED = 20261207;
/** Cases per reader: the readers that build a model per case get fewer. */
const CASES: Record<string, number> = {
  keras: 150,
  "keras-members": 150,
  "legacy-h5": 150,
  "weights-h5": 150,
  hdf5: 200,
};

describe("file readers under faults (quick fuzz)", () => {
  let dir = "";
  const warn = console.warn;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "strata-fuzz-"));
    console.warn = () => undefined; // legacy files without a training config warn on load
  });
  after(() => {
    console.warn = warn;
    rmSync(dir, { recursive: true, force: true });
  });

  it("draws the same cases from the same seed", async () => {
    const target = TARGETS.find((t) => t.name === "zip")!;
    const seeds = await target.seeds(dir);
    const a = caseInput(SEED, target, seeds, 17);
    const b = caseInput(SEED, target, seeds, 17);
    assert.deepEqual(a.bytes, b.bytes);
    assert.deepEqual(a.mutations, b.mutations);
    assert.notDeepEqual(caseInput(SEED, target, seeds, 18).bytes, a.bytes);
    assert.equal(new Prng(5).next(), new Prng(5).next());
  });

  for (const target of TARGETS) {
    // The timeout ends the run if a reader ever loops (the bench stops such a case in a worker).
    const opts = { timeout: 120_000 };
    it(
      `${target.name}: every copy is accepted or refused with a StrataError naming it`,
      opts,
      async () => {
        const seeds = await target.seeds(dir);
        const cases = CASES[target.name] ?? 300;
        const stats = await runCases(target, seeds, {
          seed: SEED,
          start: 0,
          end: cases,
          timeLimitMs: 5_000,
          allocationLimit: 1024 * 2 ** 20,
          dir,
        });
        const crashes = stats.crashes.map(
          (c) => `case ${c.caseIndex} (${c.seed}, ${c.mutations.join(" + ")}): ${c.error}`,
        );
        assert.deepEqual(crashes, []);
        assert.equal(stats.cases, cases);
        // The mutations reach past the first check: copies are refused for more than one reason,
        // and some are accepted (a flipped bit in the data).
        assert.ok(Object.keys(stats.refusals).length >= 2, JSON.stringify(stats.refusals));
        assert.ok(stats.accepted > 0);
      },
    );
  }
});
