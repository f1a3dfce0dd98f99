/**
 * Crash-safe file writes. A checkpoint that is half written when the process dies (or the disk
 * fills) must never replace a good one, so every file Strata saves goes through `writeFileAtomic`:
 * the bytes go to a temporary file in the same directory (a rename is only atomic within one file
 * system), are flushed to disk with fsync, and only then is the temporary renamed over the target.
 * Readers see the old file or the new one, never a mix; on failure the temporary is removed.
 */
import { randomBytes } from "node:crypto";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { StrataError } from "../errors.js";

/** Node's error codes (ENOENT …) when an fs call fails. */
function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Flushes a directory entry (the rename) to disk. Not possible on every platform: best effort. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot open directories; the rename itself is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes `data` to `path` atomically (temp file + fsync + rename); see the file comment. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) {
    throw new StrataError(`Cannot write "${path}": it is an existing directory; give a file path`);
  }
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) {
    throw new StrataError(`Cannot write "${path}": the directory "${dir}" does not exist`);
  }
  // Hidden, unique and recognisable, so a crash leaves at worst a stray `.name.*.tmp` file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle;
  try {
    handle = await open(temp, "wx");
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (codeOf(err) === "EISDIR" || codeOf(err) === "ENOTEMPTY") {
      throw new StrataError(
        `Cannot write "${path}": it is an existing directory; give a file path`,
      );
    }
    throw err;
  }
  await syncDirectory(dir);
}
