/**
 * The file format of `Dataset.cache(filename)`: a stream of records, each one element of a
 * dataset (its nested structure and a typed array per component). Written as a pass goes,
 * to a temporary name renamed over the target when the pass completes (see atomic-write.ts), and
 * read back record by record, so a cache larger than memory streams.
 *
 *   file   = "STRATA-RECORDS-1\n" record*
 *   record = u32 headerLength, header (UTF-8 JSON), the components' bytes one after another
 *   header = { structure, components: [{ dtype, shape }] }, and for a string component also
 *            `strings` (its values; it has no bytes after the header)
 *
 * Lengths are little-endian; component bytes are the typed arrays' bytes in the machine's order
 * (little-endian on every platform Node supports).
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { StrataError } from "../errors.js";
import { NUMERIC_DTYPES, type NumericDType, type TypedArray, allocate } from "../tensor/dtype.js";

const MAGIC = new TextEncoder().encode("STRATA-RECORDS-1\n");

export type RecordComponent =
  | { dtype: NumericDType; shape: number[]; data: TypedArray }
  | { dtype: "string"; shape: number[]; data: readonly string[] };

/** One element: its structure (leaves null, in the data layer's order) and its components. */
export interface TensorRecord {
  structure: unknown;
  components: RecordComponent[];
}

function encodeRecord(r: TensorRecord): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      structure: r.structure,
      components: r.components.map((c) =>
        c.dtype === "string"
          ? { dtype: c.dtype, shape: c.shape, strings: c.data }
          : { dtype: c.dtype, shape: c.shape },
      ),
    }),
  );
  const numeric = r.components.flatMap((c) => (c.dtype === "string" ? [] : [c.data]));
  const size = 4 + header.length + numeric.reduce((n, data) => n + data.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const data of numeric) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/**
 * A record file being written: `write` each record, then `commit` (fsync, rename onto `path`)
 * or `abort` (remove the temporary file, leaving `path` as it was).
 */
export class RecordFileWriter {
  private constructor(
    private readonly handle: FileHandle,
    private readonly temp: string,
    private readonly path: string,
  ) {}

  static async create(path: string): Promise<RecordFileWriter> {
    const dir = dirname(path);
    if (!(await stat(dir).catch(() => null))?.isDirectory())
      throw new StrataError(`Cannot write "${path}": the directory "${dir}" does not exist`);
    const temp = join(
      dir,
      `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
    );
    const handle = await open(temp, "wx");
    await handle.write(MAGIC);
    return new RecordFileWriter(handle, temp, path);
  }

  async write(record: TensorRecord): Promise<void> {
    await this.handle.write(encodeRecord(record));
  }

  async commit(): Promise<void> {
    try {
      await this.handle.sync();
      await this.handle.close();
      await rename(this.temp, this.path);
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }
}

/** Reads exactly `n` bytes at `position`; null at the end of the file, an error inside a record. */
async function readExact(
  handle: FileHandle,
  n: number,
  position: number,
  path: string,
): Promise<Uint8Array | null> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await handle.read(buf, got, n - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got === 0 && n > 0) return null;
  if (got < n)
    throw new StrataError(`"${path}" is truncated: a record ends early at byte ${position + got}`);
  return buf;
}

interface RecordHeader {
  structure: unknown;
  components: { dtype: NumericDType | "string"; shape: number[]; strings?: string[] }[];
}

/** Parses and checks a record's header; anything else than what the writer writes is an error. */
function parseHeader(bytes: Uint8Array, at: number, path: string): RecordHeader {
  const corrupt = (why: string): never => {
    throw new StrataError(`"${path}" is corrupt: the record at byte ${at} ${why}`);
  };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    return corrupt(`has a header that is not JSON (${(err as Error).message})`);
  }
  const components = (header as { components?: unknown } | null)?.components;
  if (typeof header !== "object" || header === null || !Array.isArray(components))
    return corrupt("has no component list");
  for (const c of components as Record<string, unknown>[]) {
    const shape = c?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      corrupt(`has a component of shape ${JSON.stringify(shape)}`);
    if (c.strings !== undefined) {
      if (!Array.isArray(c.strings) || !c.strings.every((v) => typeof v === "string"))
        corrupt("has a string component whose values are not strings");
    }
  }
  return header as RecordHeader;
}

/** The records of a file written by RecordFileWriter, one at a time. */
export async function* readRecords(path: string): AsyncGenerator<TensorRecord> {
  const handle = await open(path, "r");
  try {
    const magic = await readExact(handle, MAGIC.length, 0, path).catch(() => null);
    if (magic === null || !magic.every((b, i) => b === MAGIC[i]))
      throw new StrataError(`"${path}" is not a Strata dataset cache file`);
    // Every length is checked against the file's size before anything is allocated for it.
    const fileSize = (await handle.stat()).size;
    const truncated = (at: number, need: number): never => {
      throw new StrataError(
        `"${path}" is truncated: a record needs ${need} bytes at byte ${at}; the file has ${fileSize}`,
      );
    };
    let at = MAGIC.length;
    for (;;) {
      const len = await readExact(handle, 4, at, path);
      if (len === null) return;
      const headerLength = new DataView(len.buffer).getUint32(0, true);
      if (at + 4 + headerLength > fileSize) truncated(at + 4, headerLength);
      const headerBytes = await readExact(handle, headerLength, at + 4, path);
      if (headerBytes === null)
        throw new StrataError(`"${path}" is truncated: a record ends early at byte ${at + 4}`);
      const header = parseHeader(headerBytes, at, path);
      at += 4 + headerLength;
      const components: RecordComponent[] = [];
      for (const { dtype, shape, strings } of header.components) {
        if (dtype === "string" && Array.isArray(strings)) {
          components.push({ dtype, shape, data: strings });
          continue;
        }
        if (!NUMERIC_DTYPES.includes(dtype as NumericDType))
          throw new StrataError(`"${path}": unknown dtype ${JSON.stringify(dtype)} in a record`);
        const count = shape.reduce((a, b) => a * b, 1);
        const nbytes = count * allocate(dtype as NumericDType, 0).BYTES_PER_ELEMENT;
        if (!Number.isSafeInteger(nbytes) || at + nbytes > fileSize) truncated(at, nbytes);
        const data = allocate(dtype as NumericDType, count);
        const bytes = await readExact(handle, data.byteLength, at, path);
        if (bytes === null && data.byteLength > 0)
          throw new StrataError(`"${path}" is truncated: a record ends early at byte ${at}`);
        if (bytes) new Uint8Array(data.buffer).set(bytes);
        at += data.byteLength;
        components.push({ dtype: dtype as NumericDType, shape, data });
      }
      yield { structure: header.structure, components };
    }
  } finally {
    await handle.close();
  }
}
