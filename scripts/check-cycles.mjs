#!/usr/bin/env node
// Fails on any import cycle in src/, type-only imports included: ESLint's import-x/no-cycle
// (eslint.config.js) skips `import type`, which can still tie modules together. Run by `npm run lint`.
import console from "node:console";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = resolve(root, "src") + sep;
const configPath = resolve(root, "tsconfig.json");
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const { options, fileNames } = ts.parseJsonConfigFileContent(config, ts.sys, root);
const files = fileNames.filter((f) => resolve(f).startsWith(src));

/** Each file's imports (value, type, re-export and dynamic) that resolve to another file of src/. */
const graph = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const targets = importedFiles
    .map(({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule)
    .map((m) => m && resolve(m.resolvedFileName))
    .filter((t) => t && t.startsWith(src));
  graph.set(resolve(file), [...new Set(targets)]);
}

// Tarjan's strongly connected components: every component of more than one file holds a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
  index.set(v, index.size);
  low.set(v, index.get(v));
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component);
}
for (const file of graph.keys()) if (!index.has(file)) visit(file);

if (cycles.length > 0) {
  for (const component of cycles) {
    const names = component.map((f) => relative(root, f)).sort();
    console.error(`import cycle among ${names.length} files: ${names.join(", ")}`);
  }
  process.exit(1);
}
