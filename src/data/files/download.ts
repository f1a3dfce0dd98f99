/**
 * Downloads a URL with the shared progress line (bytes, time left, rate): to a file as a stream (getFile), or into
 * memory for a file that is checked before it is kept (the dataset cache); and hashes files
 * without holding them in memory. A file's bytes go to a hidden temporary beside the target, are
 * flushed, and only then renamed over it (as io/atomic-write.ts does for whole buffers), so an
 * interrupted download never leaves a partial file under the target's name.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { StrataError } from "../../errors.js";
import { Progbar } from "../../utils/progbar.js";

/**
 * The progress line of a download: bytes so far of the total (when the server says it), the time
 * left and the rate (`  1048576/5242880 ━━━━━━━━━━━━━━━━━━━━ 3s 1.2 MB/s`). It goes to the
 * terminal, and nowhere when stdout is not one; a `progressWriter` given by the caller always
 * receives it, drawn as on a terminal.
 */
function downloadBar(total: number | null, progressWriter?: (text: string) => void): Progbar {
  return new Progbar(total, {
    rate: "bytes",
    interval: 0.1,
    stream: progressWriter ? { write: progressWriter, isTTY: true } : process.stdout,
    finalWhenNotTTY: false,
  });
}

/** The hash of a file, read as a stream. */
export async function hashFile(path: string, algorithm: "sha256" | "md5"): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The cause of a failed fetch, for messages (Node hides it in `cause`). */
function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as (Error & { code?: string }) | undefined;
  return cause ? `${cause.code ?? ""} ${cause.message}`.trim() : err.message;
}

/**
 * The body of `url`, chunk by chunk, with the progress line; an HTTP error or a network failure
 * is a StrataError naming the URL and the cause ("URL fetch failure on …", Keras's words).
 */
async function* fetchChunks(
  url: string,
  progressWriter?: (text: string) => void,
): AsyncGenerator<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new StrataError(`URL fetch failure on ${url}: ${causeOf(err)}`);
  }
  if (!response.ok || response.body === null)
    throw new StrataError(
      `URL fetch failure on ${url}: HTTP ${response.status} -- ${response.statusText}`,
    );
  const length = Number(response.headers.get("content-length"));
  const progress = downloadBar(
    Number.isFinite(length) && length > 0 ? length : null,
    progressWriter,
  );
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      progress.update(received, {}, false);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`URL fetch failure on ${url}: ${causeOf(err)}`);
  }
  progress.finish();
}

/** Downloads `url` into memory, with the progress line (for files checked before they are kept). */
export async function downloadBytes(
  url: string,
  progressWriter?: (text: string) => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of fetchChunks(url, progressWriter)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Streams `url` into `target` (atomically) with the progress line. */
export async function downloadToFile(
  url: string,
  target: string,
  progressWriter?: (text: string) => void,
): Promise<void> {
  const temp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.download`,
  );
  const chunks = fetchChunks(url, progressWriter);
  // The first chunk (or the failure) before the temporary file exists, so an HTTP error leaves
  // nothing behind.
  const first = await chunks.next();
  const handle = await open(temp, "wx");
  try {
    if (!first.done) await handle.write(first.value);
    for await (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (err) {
    await chunks.return(undefined);
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
