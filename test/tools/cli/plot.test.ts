import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import sharp from "sharp";
import * as st from "../../../src/index.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cli-plot-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A saved two-branch model. */
async function savedModel(): Promise<string> {
  const input = st.Input({ shape: [6], name: "features" });
  const a = new st.layers.Dense(4, { activation: "relu", name: "wide" }).apply(input);
  const b = new st.layers.Dense(4, { name: "narrow" }).apply(input);
  const out = new st.layers.Concatenate({ name: "joined" }).apply([a, b]);
  const file = join(dir, "branches.keras");
  await new st.Model(input, out).save(file);
  return file;
}

test("strata plot writes a PNG (and a .dot with the options) from a saved .keras", async () => {
  const file = await savedModel();
  const png = join(dir, "out.png");
  const run = runCli(["plot", file, "-o", png, "--show-shapes", "--rankdir", "LR", "--dpi", "50"]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), png);
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, "png");
  assert.ok(meta.width! > 100 && meta.height! > 50, `${meta.width}x${meta.height}`);

  const dot = join(dir, "out.dot");
  const dotRun = runCli([
    "plot",
    file,
    "--to-file",
    dot,
    "--show-layer-names",
    "--show-dtype",
    "--rankdir",
    "LR",
    "--dpi",
    "50",
    "--splines",
    "line",
  ]);
  assert.equal(dotRun.status, 0, dotRun.stderr);
  const text = readFileSync(dot, "utf8");
  assert.match(
    text,
    /^digraph G \{\n {2}rankdir=LR;\n {2}concentrate=true;\n {2}dpi=50;\n {2}splines=line;/,
  );
  assert.match(text, /Output dtype: <b>float32<\/b>/);
  assert.match(text, /<b>wide<\/b> \(Dense\)/);
  assert.match(text, /^ {2}features -> wide \[penwidth=2\];$/m);
  assert.match(text, /^ {2}narrow -> joined \[penwidth=2\];$/m);
});
