// What the applications tests share: comparing layer names against Keras's, counting parameters
// up to a layer, and a temporary home folder (the "models" cache) with `fetch` put back after
// each test that stubs it.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import type { Model } from "../../src/models/model.js";

/** Layer names against Keras's; a wanted name ending in "*" is an automatic name (`add`, `add_3`). */
export function assertNames(got: string[], want: string[]): void {
  assert.equal(got.length, want.length, `${got.length} layers, expected ${want.length}`);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (w.endsWith("*"))
      assert.match(g, new RegExp(`^${w.slice(0, -1)}(_\\d+)?$`), `layer ${i + 1}`);
    else assert.equal(g, w, `layer ${i + 1}`);
  });
}

/** Parameters of the model's layers up to and including `last`. */
export function countUpTo(m: Model, last: string): number {
  const end = m.layers.findIndex((l) => l.name === last);
  assert.ok(end > 0, `no layer ${last}`);
  return m.layers.slice(0, end + 1).reduce((n, l) => n + l.countParams(), 0);
}

/**
 * Inside a describe: HOME is an empty temporary folder for its tests (so `~/.strata/models` is
 * theirs) and `globalThis.fetch` is restored after each one. Returns the folder.
 */
export function useTempHome(prefix: string): () => string {
  let home = "";
  const realHome = process.env.HOME;
  const realFetch = globalThis.fetch;
  before(() => {
    home = mkdtempSync(join(tmpdir(), prefix));
    process.env.HOME = home;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  after(() => {
    process.env.HOME = realHome;
  });
  return () => home;
}
