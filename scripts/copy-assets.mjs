#!/usr/bin/env node
// After `tsc` (npm run build): copies every file under src/ that is not TypeScript (vendored .proto
// schemas, HTML, CSS, JSON read at run time) to the same place under dist/, where the compiled
// modules look for them beside themselves (new URL("./x.proto", import.meta.url)).
import console from "node:console";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = join(root, "dist");

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith(".ts")) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name);
  const to = join(dist, relative(src, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  copied++;
}
if (copied > 0) console.log(`copy-assets: ${copied} file(s) from src/ to dist/`);
