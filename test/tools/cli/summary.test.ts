import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as st from "../../../src/index.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("strata --help lists the commands", () => {
  const { status, stdout } = runCli(["--help"]);
  assert.equal(status, 0);
  assert.match(stdout, /Usage: strata/);
  assert.match(stdout, /summary/);
});

test("strata summary prints the summary table of a saved model", async () => {
  const model = new st.Sequential([
    st.Input({ shape: [4] }),
    new st.layers.Dense(3, { activation: "relu", name: "hidden" }),
    new st.layers.Dense(1, { name: "out" }),
  ]);
  const file = join(dir, "m.keras");
  await model.save(file);
  const { status, stdout } = runCli(["summary", file]);
  assert.equal(status, 0);
  const lines: string[] = [];
  model.summary((line) => lines.push(line));
  assert.equal(stdout.trimEnd(), lines.join("\n").trimEnd());
  assert.match(stdout, /hidden \(Dense\)/);
  assert.match(stdout, /Total params: 19/);
});

test("strata summary on a file that is not a model says so and exits 1", () => {
  const file = join(dir, "bad.keras");
  writeFileSync(file, "not a model");
  const { status, stderr } = runCli(["summary", file]);
  assert.equal(status, 1);
  assert.match(stderr, /^strata: loadModel: expected a Keras 3/);
  assert.match(stderr, /bad\.keras/);
});

test("an unknown command exits non-zero with commander's message", () => {
  const { status, stderr } = runCli(["sumary"]);
  assert.notEqual(status, 0);
  assert.match(stderr, /unknown command 'sumary'/);
});
