import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspect } from "node:util";

/*
 * Every TypeScript block of docs/keras-to-strata.md runs as written: each is saved as a module
 * whose `strata-ml` imports point at src/index.ts, imported from the repository's root (the guide
 * reads examples/data/), with what it prints captured and, where the guide states a result,
 * checked. Each TypeScript block must also follow a Python block: the guide is side by side.
 */

const root = fileURLToPath(new URL("../../", import.meta.url));
const guide = readFileSync(join(root, "docs", "keras-to-strata.md"), "utf8");
const library = pathToFileURL(join(root, "src", "index.ts")).href;
const dir = mkdtempSync(join(tmpdir(), "strata-guide-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Block {
  lang: string;
  code: string;
  section: string;
}

/** The fenced code blocks, each with the `##` section it sits in. */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let section = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("## ")) section = line.slice(3);
    const fence = /^```(\w+)$/.exec(line);
    if (!fence) continue;
    const end = lines.indexOf("```", i + 1);
    assert.ok(end > i, `unclosed code block at line ${i + 1}`);
    out.push({ lang: fence[1]!, code: lines.slice(i + 1, end).join("\n"), section });
    i = end;
  }
  return out;
}

/** What the guide says a block prints, by section: checked against what it printed. */
const EXPECTED: Record<string, RegExp> = {
  "The functional API": /^\[ 'priority', 'department' \]$/m,
  "Ops between layers": /^InputLayer → Dense → Add → ReLU → Multiply → Multiply → Sum$/m,
  "Subclassing layers": /^36$/m,
  "Applications and transfer learning": /^2$/m,
};

const all = blocks(guide);
const tsBlocks = all.filter((b) => b.lang === "ts");

describe("docs/keras-to-strata.md", () => {
  it("pairs every TypeScript block with the Python it ports", () => {
    assert.ok(tsBlocks.length >= 10, `only ${tsBlocks.length} TypeScript blocks`);
    all.forEach((b, i) => {
      if (b.lang === "ts") assert.equal(all[i - 1]?.lang, "python", `block ${i} (${b.section})`);
    });
  });

  tsBlocks.forEach((block, i) => {
    it(`runs TypeScript block ${i + 1} (${block.section})`, async () => {
      const file = join(dir, `block-${i + 1}.mts`);
      const code = block.code.replaceAll(/from "strata-ml"/g, `from ${JSON.stringify(library)}`);
      assert.ok(code.includes(library), "the block imports strata-ml");
      writeFileSync(file, code);
      const printed: string[] = [];
      const log = console.log;
      const cwd = process.cwd();
      console.log = (...args: unknown[]) => {
        printed.push(args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" "));
      };
      try {
        process.chdir(root);
        await import(pathToFileURL(file).href);
      } finally {
        console.log = log;
        process.chdir(cwd);
      }
      const expected = EXPECTED[block.section];
      if (expected) assert.match(printed.join("\n"), expected);
    });
  });
});
