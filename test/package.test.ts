import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("the built package", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-consumer-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("imports as `strata-ml` from a dependent project", () => {
    if (!existsSync(join(root, "dist", "index.js"))) {
      execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
    }
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "strata-ml"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "main.js"),
      'import * as st from "strata-ml";\n' +
        "const x = st.tensor([[1, 2], [3, 4]]);\n" +
        "console.log(JSON.stringify(st.ops.sum(x.add(1), 0).toArray()));\n",
    );
    const out = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8" });
    assert.equal(out.trim().split("\n").at(-1), "[6,8]");
  });
});
