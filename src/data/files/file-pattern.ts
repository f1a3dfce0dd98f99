/**
 * The files a pattern names, as `tf.io.gfile.glob` for `makeCsvDataset`: `*`, `?` and `[...]`
 * match within one path part (never a separator), parts without them are taken literally, the
 * result is sorted. Node 20 has no `fs.glob`.
 */
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";

const hasMagic = (part: string): boolean => /[*?[]/.test(part);

/** A path part's pattern as a regular expression (fnmatch's rules). */
function partRegex(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = part.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The regular files matching `pattern`, sorted. */
export async function matchFiles(pattern: string): Promise<string[]> {
  const parts = pattern.split(/[\\/]/);
  let bases = [isAbsolute(pattern) ? sep : ""];
  if (isAbsolute(pattern)) parts.shift();
  for (const part of parts) {
    if (part === "") continue;
    const next: string[] = [];
    for (const b of bases) {
      if (!hasMagic(part)) {
        next.push(b === "" ? part : join(b, part));
        continue;
      }
      const re = partRegex(part);
      const names = await readdir(b === "" ? "." : b).catch(() => [] as string[]);
      for (const n of names)
        if (re.test(n) && (n[0] !== "." || part[0] === ".")) next.push(b === "" ? n : join(b, n));
    }
    bases = next;
  }
  const files: string[] = [];
  for (const f of bases) if ((await stat(f).catch(() => null))?.isFile()) files.push(f);
  return files.sort();
}
