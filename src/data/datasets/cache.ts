/**
 * Where dataset files live and how they get there (Keras's `get_file`, minus extraction).
 *
 * - The cache folder is `opts.cacheDir`, else `$STRATA_DATASETS_DIR`, else `~/.strata/datasets`
 *   (Keras: `~/.keras/datasets`). Files sit there under Keras's own names.
 * - A file found there is checked against Keras's published hash (sha256 for 64 hex digits, md5
 *   for 32, as Keras decides). If it does not match, Keras downloads it again, and so do we.
 *   Exception: a loader may give `acceptLocal`, a content check that vouches for a copy whose bytes
 *   differ (mnist.npz: the offline copy holds Keras's arrays in a re-made zip, see mnist.ts).
 * - A missing file is downloaded from Keras's URL (or `opts.origin` + the file name), hashed, and
 *   only then written into place atomically (temp file + rename). A hash mismatch keeps nothing
 *   and throws a StrataError naming the file, the expected and the received hash.
 * - `checkHash: false` skips every hash check: for your own copies of the files.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
import { StrataError } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { downloadBytes } from "../files/download.js";

/** Keras's download folder for its datasets. */
export const KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

/** Options every dataset loader accepts. */
export interface DatasetOptions {
  /** Folder to look in and download to. Default: `$STRATA_DATASETS_DIR`, else `~/.strata/datasets`. */
  cacheDir?: string;
  /** Base URL to download from instead of Keras's (the file name is appended). */
  origin?: string;
  /** Check files against Keras's hashes (default true). Turn off for your own copies of the files. */
  checkHash?: boolean;
}

/** One file a loader needs. */
export interface RemoteFile {
  /** Path inside the cache folder (may have a sub-folder), or an absolute path. */
  fname: string;
  /** Keras's download URL. */
  url: string;
  /** Keras's hash of the file: 64 hex digits = sha256, 32 = md5. */
  hash?: string;
  /** A content check that accepts a local copy whose file hash differs from `hash`. */
  acceptLocal?: (bytes: Uint8Array) => boolean;
}

/** The cache folder for `opts`: see the file comment. */
export function datasetsDir(opts: DatasetOptions = {}): string {
  if (opts.cacheDir !== undefined) return opts.cacheDir;
  const fromEnv = process.env["STRATA_DATASETS_DIR"];
  if (fromEnv) return fromEnv;
  return join(homedir(), ".strata", "datasets");
}

/** Keras's choice of algorithm: sha256 for a 64-digit hash, md5 otherwise. */
export function hashAlgorithm(hash: string): "sha256" | "md5" {
  return hash.length === 64 ? "sha256" : "md5";
}

export function hashOf(bytes: Uint8Array, algorithm: "sha256" | "md5"): string {
  return createHash(algorithm).update(bytes).digest("hex");
}

/** The full local path of `file` under the cache folder. */
export function localPath(file: RemoteFile, opts: DatasetOptions = {}): string {
  return isAbsolute(file.fname) ? file.fname : join(datasetsDir(opts), file.fname);
}

/** The URL to fetch `file` from, honouring `opts.origin`. */
export function sourceUrl(file: RemoteFile, opts: DatasetOptions = {}): string {
  if (opts.origin === undefined) return file.url;
  const base = opts.origin.endsWith("/") ? opts.origin : `${opts.origin}/`;
  return base + basename(new URL(file.url).pathname);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** Whether a local copy can be used as it is. */
function localIsGood(file: RemoteFile, bytes: Uint8Array, path: string, check: boolean): boolean {
  if (!check || file.hash === undefined) return true;
  const algorithm = hashAlgorithm(file.hash);
  const got = hashOf(bytes, algorithm);
  if (got === file.hash.toLowerCase()) return true;
  if (file.acceptLocal?.(bytes)) return true;
  console.warn(
    `A local file was found at ${path}, but its ${algorithm} (${got}) does not match the ` +
      `original value of ${file.hash}, so it will be downloaded again.`,
  );
  return false;
}

/** Downloads `file` into `path` (atomically), checking its hash first. */
async function download(file: RemoteFile, path: string, opts: DatasetOptions): Promise<Uint8Array> {
  const url = sourceUrl(file, opts);
  const hint =
    `If this machine is offline, put the file at ${path}, or point STRATA_DATASETS_DIR ` +
    `(or the cacheDir option) at a folder that holds it.`;
  console.log(`Downloading data from ${url}`);
  let bytes: Uint8Array;
  try {
    bytes = await downloadBytes(url);
  } catch (err) {
    if (!(err instanceof StrataError)) throw err;
    throw new StrataError(`Could not download "${file.fname}": ${err.message}. ${hint}`);
  }
  if (opts.checkHash !== false && file.hash !== undefined) {
    const algorithm = hashAlgorithm(file.hash);
    const got = hashOf(bytes, algorithm);
    if (got !== file.hash.toLowerCase()) {
      // Nothing has been written yet, so there is nothing to clean up: the bytes are dropped.
      throw new StrataError(
        `Downloaded file "${file.fname}" from ${url} failed its integrity check: expected ` +
          `${algorithm} ${file.hash}, received ${algorithm} ${got}. The download was discarded.`,
      );
    }
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new StrataError(
      `Downloaded "${file.fname}" from ${url} but could not save it to ${path} ` +
        `(${(err as Error).message}). Give a writable cacheDir or STRATA_DATASETS_DIR.`,
    );
  }
  return bytes;
}

/** The bytes of `file`: from the cache folder when a good copy is there, else downloaded. */
export async function getFile(file: RemoteFile, opts: DatasetOptions = {}): Promise<Uint8Array> {
  const path = localPath(file, opts);
  if (await exists(path)) {
    const bytes = await readFile(path);
    if (localIsGood(file, bytes, path, opts.checkHash !== false)) return bytes;
  }
  return download(file, path, opts);
}

/** Whether `fname` is present in the cache folder (no download, no hash check). */
export async function hasLocalFile(fname: string, opts: DatasetOptions = {}): Promise<boolean> {
  return exists(isAbsolute(fname) ? fname : join(datasetsDir(opts), fname));
}
