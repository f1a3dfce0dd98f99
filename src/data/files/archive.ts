/**
 * Keras's `extract_archive` for `getFile`: tar (plain or gzip-compressed) and zip archives,
 * recognised by their bytes, not their names. Members whose path would land outside the
 * destination (absolute, or climbing with `..`) are skipped with a warning, as Keras's safe
 * filters do. The archive is extracted into a hidden folder beside the destination, which then
 * replaces it in one rename, so a failed extraction leaves no half-filled folder.
 * Archives are read into memory (io/tar.ts and io/zip.ts read buffers). On a terminal, a progress
 * line counts the files written.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, isAbsolute, join, normalize, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { StrataError } from "../../errors.js";
import { readTar } from "../../io/tar.js";
import { ZipReader } from "../../io/zip.js";
import { withProgress } from "../../utils/progbar.js";

export type ArchiveFormat = "tar" | "zip";

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isBzip2 = (b: Uint8Array): boolean =>
  b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68;
const isXz = (b: Uint8Array): boolean =>
  b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58;

/** A tar header: "ustar" magic, or a valid checksum (old v7 archives). */
function isTar(b: Uint8Array): boolean {
  if (b.length < 512) return false;
  if (Buffer.from(b.subarray(257, 262)).toString("latin1") === "ustar") return true;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  const field = Buffer.from(b.subarray(148, 156)).toString("latin1").replace(/\0.*$/, "").trim();
  return field !== "" && Number.parseInt(field, 8) === sum;
}

const isZip = (b: Uint8Array): boolean =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5);

/** The members of the archive at `path` if it is one of `formats`; null if it is none of them. */
function members(
  bytes: Uint8Array,
  path: string,
  formats: readonly ArchiveFormat[],
): [string, Uint8Array][] | null {
  for (const format of formats) {
    if (format === "tar") {
      if (isBzip2(bytes) || isXz(bytes))
        throw new StrataError(
          `Could not extract ${path}: bzip2 and xz compressed archives are not supported (gzip is)`,
        );
      let tar = bytes;
      if (isGzip(bytes)) {
        try {
          tar = gunzipSync(bytes);
        } catch (err) {
          throw new StrataError(`Could not extract ${path}: ${(err as Error).message}`);
        }
      }
      if (isTar(tar)) return readTar(tar, path).map((e) => [e.name, e.data]);
    } else if (isZip(bytes)) {
      const zip = new ZipReader(bytes, path);
      return zip.entries
        .filter((e) => !e.name.endsWith("/"))
        .map((e) => [e.name, zip.read(e.name)]);
    }
  }
  return null;
}

/** Whether a member's name stays inside the destination. */
function isSafe(name: string): boolean {
  if (name === "" || isAbsolute(name) || /^[a-zA-Z]:/.test(name)) return false;
  const n = normalize(name);
  return n !== ".." && !n.startsWith(`..${sep}`) && !n.startsWith("../");
}

/**
 * Extracts the archive at `path` into `dest` (replacing it). Returns false when the file is none
 * of `formats` (Keras then warns "Could not extract archive").
 */
export async function extractArchive(
  path: string,
  dest: string,
  formats: readonly ArchiveFormat[],
): Promise<boolean> {
  if (formats.length === 0) return false;
  const bytes = await readFile(path);
  const list = members(bytes, path, formats);
  if (list === null) return false;
  const temp = join(
    dirname(dest),
    `.${basename(dest)}.${process.pid}.${randomBytes(4).toString("hex")}.extracting`,
  );
  try {
    await mkdir(temp, { recursive: true });
    const files = withProgress(list, list.length, { unitName: "file", label: "Extracting: " });
    for await (const [name, data] of files) {
      if (!isSafe(name)) {
        console.warn(
          `Skipping the archive member ${JSON.stringify(name)}: it would land outside ${dest}`,
        );
        continue;
      }
      const target = join(temp, name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    await rm(dest, { recursive: true, force: true });
    await rename(temp, dest);
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  return true;
}
