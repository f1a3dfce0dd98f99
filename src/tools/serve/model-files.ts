/**
 * Where served models come from on disk. A model file (`.keras`, or a legacy `.h5` model) is
 * one model of version 1. A directory laid out as TF Serving's model base path,
 * `NAME/1/model.keras`, `NAME/2/…`, is one model whose versions are its numbered
 * subdirectories; a directory of such directories serves each of them. A version directory
 * holds `model.keras`, or else exactly one `.keras` or `.h5` file.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { StrataError } from "../../errors.js";

export interface ModelSourceFile {
  readonly kind: "file";
  readonly name: string;
  readonly path: string;
}

export interface ModelSourceDir {
  readonly kind: "dir";
  readonly name: string;
  /** the base path holding the numbered version directories */
  readonly path: string;
}

export type ModelSource = ModelSourceFile | ModelSourceDir;

/** A whole-model file's name (a `.weights.h5` file holds weights only). */
const isModelFile = (name: string) =>
  (name.endsWith(".keras") || name.endsWith(".h5")) && !name.endsWith(".weights.h5");

async function entries(dir: string): Promise<import("node:fs").Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The version numbers under a base path (numbered subdirectories), newest first. */
async function versionDirs(base: string): Promise<number[]> {
  return (await entries(base))
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => Number(e.name))
    .filter(Number.isSafeInteger)
    .sort((a, b) => b - a);
}

/** The models a path serves: a file, a versioned base path, or a directory of base paths. */
export async function findModelSources(path: string, modelName?: string): Promise<ModelSource[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new StrataError(`serve: no file or directory at "${path}"`);
  }
  if (info.isFile()) {
    if (!isModelFile(path)) {
      throw new StrataError(
        `serve: expected a model file (.keras, or a legacy .h5 model; a .weights.h5 file has no ` +
          `architecture) or a model directory; received "${path}"`,
      );
    }
    return [{ kind: "file", name: modelName ?? basename(path, extname(path)), path }];
  }
  if ((await versionDirs(path)).length > 0) {
    return [{ kind: "dir", name: modelName ?? basename(path), path }];
  }
  const bases: ModelSource[] = [];
  for (const e of await entries(path)) {
    const sub = join(path, e.name);
    if (e.isDirectory() && (await versionDirs(sub)).length > 0) {
      bases.push({ kind: "dir", name: e.name, path: sub });
    }
  }
  if (bases.length === 0) {
    throw new StrataError(
      `serve: "${path}" holds no model versions: expected numbered version directories ` +
        `(${join(path, "1", "model.keras")}) or model directories holding them ` +
        `(${join(path, "NAME", "1", "model.keras")})`,
    );
  }
  if (modelName !== undefined && bases.length > 1) {
    throw new StrataError(
      `serve: modelName "${modelName}" names one model, but "${path}" holds ${bases.length} ` +
        `(${bases.map((b) => b.name).join(", ")}), each served under its directory's name`,
    );
  }
  if (modelName !== undefined) return [{ ...bases[0]!, name: modelName }];
  return bases.sort((a, b) => a.name.localeCompare(b.name));
}

/** A version directory's model file, or null when it has none yet. */
export async function versionModelFile(dir: string): Promise<string | null> {
  const files = (await entries(dir)).filter((e) => e.isFile() && isModelFile(e.name));
  const preferred = files.find((e) => e.name === "model.keras");
  if (preferred) return join(dir, preferred.name);
  return files.length === 1 ? join(dir, files[0]!.name) : null;
}

/** The versions on disk that have a model file, newest first, with the file and its stamp. */
export async function listVersions(
  base: string,
): Promise<Array<{ version: number; file: string; stamp: string }>> {
  const out = [];
  for (const version of await versionDirs(base)) {
    const file = await versionModelFile(join(base, String(version)));
    if (file === null) continue;
    try {
      const s = await stat(file);
      out.push({ version, file, stamp: `${s.size}:${s.mtimeMs}` });
    } catch {
      // removed between the listing and the stat: not there
    }
  }
  return out;
}
