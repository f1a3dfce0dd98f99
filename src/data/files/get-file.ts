/**
 * `getFile`: Keras's `keras.utils.get_file`. A file is downloaded from `origin` into the cache
 * (`~/.strata/datasets` by default, or `$STRATA_DATASETS_DIR` as the dataset loaders use it;
 * `cacheDir` + `cacheSubdir` otherwise), unless a copy is already there whose hash matches
 * `fileHash` (any copy when no hash is given). So a machine without network gets its files from
 * the cache; when the file is not there, the error says where to put it.
 *
 * Names are Keras's: with `extract`, an archive named `fname` with an extension ("data.tar.gz")
 * is stored as it is and extracted into `data_extracted`, one named without extension ("data")
 * is stored as `data_archive` and extracted into `data`; the extraction folder is returned.
 */
import { mkdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { StrataError, ValueError } from "../../errors.js";
import { datasetsDir, hashAlgorithm } from "../datasets/cache.js";
import { type ArchiveFormat, extractArchive } from "./archive.js";
import { downloadToFile, hashFile } from "./download.js";

export interface GetFileOptions {
  /** Extract the tar / tar.gz / zip archive and return the folder. Default false. */
  extract?: boolean;
  /** Deprecated alias of `extract` for tar archives (as Keras). */
  untar?: boolean;
  /** Expected sha256 or md5 hex digest of the file. */
  fileHash?: string | null;
  /** Deprecated: an md5 `fileHash`. */
  md5Hash?: string | null;
  /** "auto" (sha256 for 64 hex digits, else md5), "sha256" or "md5". Default "auto". */
  hashAlgorithm?: "auto" | "sha256" | "md5";
  /** The cache's root (Keras: `~/.keras`). Default `~/.strata`. */
  cacheDir?: string | null;
  /** Folder under the cache root (absolute: used as it is). Default "datasets". */
  cacheSubdir?: string;
  /** Which archive kinds to try when extracting: "auto" (tar, then zip), one, a list, or null. */
  archiveFormat?: "auto" | ArchiveFormat | readonly ArchiveFormat[] | null;
  /** Download even when a good copy is cached. Default false. */
  forceDownload?: boolean;
  /** Where the download progress is written; default stdout, and only when it is a terminal. */
  progressWriter?: (text: string) => void;
}

const KNOWN = [
  "extract",
  "untar",
  "fileHash",
  "md5Hash",
  "hashAlgorithm",
  "cacheDir",
  "cacheSubdir",
  "archiveFormat",
  "forceDownload",
  "progressWriter",
];

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** The folder files go to: see the file comment. */
function cacheFolder(cacheDir: string | null | undefined, subdir: string): string {
  if (cacheDir !== null && cacheDir !== undefined)
    return resolve(cacheDir.replace(/^~(?=$|[\\/])/, homedir()), subdir);
  if (subdir === "datasets") return datasetsDir();
  return resolve(join(homedir(), ".strata"), subdir);
}

/**
 * Downloads `origin` into the cache unless a good copy is there, and returns its local path (the
 * extraction folder with `extract`). `fname` null: the last part of the URL's path.
 */
export async function getFile(
  fname: string | null,
  origin: string,
  opts: GetFileOptions = {},
): Promise<string> {
  const where = "getFile";
  for (const k of Object.keys(opts))
    if (!KNOWN.includes(k))
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
  if (typeof origin !== "string" || origin === "")
    throw new ValueError(
      `${where}: please specify the origin argument (URL of the file to download)`,
    );
  let fileHash = opts.fileHash ?? null;
  let algorithm = opts.hashAlgorithm ?? "auto";
  if (opts.md5Hash && fileHash === null) {
    fileHash = opts.md5Hash;
    algorithm = "md5";
  }
  if (!["auto", "sha256", "md5"].includes(algorithm))
    throw new ValueError(
      `${where}: hashAlgorithm must be "auto", "sha256" or "md5". Received: hashAlgorithm=${String(algorithm)}`,
    );
  const datadir = cacheFolder(opts.cacheDir, opts.cacheSubdir ?? "datasets");
  let name = fname ?? "";
  if (name === "") {
    let path: string;
    try {
      path = new URL(origin).pathname;
    } catch {
      throw new ValueError(`${where}: origin is not a valid URL. Received: origin=${origin}`);
    }
    name = decodeURIComponent(basename(path));
    if (name === "" || name === "." || name === "..")
      throw new ValueError(
        `${where}: can't parse the file name from the origin provided: '${origin}'. Please specify the fname argument.`,
      );
  } else if (name.includes("/") || name.includes("\\")) {
    throw new ValueError(
      `${where}: paths are no longer accepted as the fname argument. To specify the file's parent directory, use the cacheDir argument. Received: fname=${name}`,
    );
  }
  const extract = opts.extract ?? false;
  const untar = opts.untar ?? false;
  let target = join(datadir, name);
  let extractionDir: string | null = null;
  if (extract || untar) {
    if (fname && name.includes(".")) {
      extractionDir = join(datadir, `${name.slice(0, name.indexOf("."))}_extracted`);
    } else {
      extractionDir = join(datadir, name);
      target = join(datadir, `${name}_archive`);
    }
  }
  const algo = algorithm === "auto" ? (fileHash ? hashAlgorithm(fileHash) : "sha256") : algorithm;
  const matches = async (): Promise<boolean> =>
    fileHash === null || (await hashFile(target, algo)) === fileHash.toLowerCase();

  let download = true;
  if (!opts.forceDownload && (await exists(target))) {
    download = false;
    if (!(await matches())) {
      console.log(
        `A local file was found, but it seems to be incomplete or outdated because the ${algo} ` +
          `file hash does not match the original value of ${fileHash} so we will re-download the data.`,
      );
      download = true;
    }
  }
  if (download) {
    try {
      await mkdir(datadir, { recursive: true });
    } catch (err) {
      throw new StrataError(
        `${where}: cannot create the cache folder ${datadir} (${(err as Error).message}); give a writable cacheDir`,
      );
    }
    console.log(`Downloading data from ${origin}`);
    try {
      await downloadToFile(origin, target, opts.progressWriter);
    } catch (err) {
      throw new StrataError(
        `${where}: ${(err as Error).message}. If this machine is offline, put the file at ${target} ` +
          `(or point cacheDir at a folder whose ${opts.cacheSubdir ?? "datasets"}/ holds it).`,
      );
    }
    if (!(await matches()))
      throw new StrataError(
        `${where}: incomplete or corrupted file detected at ${target}. The ${algo} file hash does ` +
          `not match the provided value of ${fileHash}.`,
      );
  }
  if (extractionDir === null) return target;
  const f = untar ? "tar" : opts.archiveFormat === undefined ? "auto" : opts.archiveFormat;
  const formats: ArchiveFormat[] =
    f === null ? [] : f === "auto" ? ["tar", "zip"] : typeof f === "string" ? [f] : [...f];
  if (!(await extractArchive(target, extractionDir, formats)))
    console.warn(
      `${where}: could not extract archive ${target} (not a ${formats.join(" or ") || "known"} archive)`,
    );
  return extractionDir;
}
