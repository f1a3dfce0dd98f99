/**
 * An interim weights file, until Keras's `.weights.h5` lands: one JSON document, written atomically.
 *
 * ```json
 * { "format": "strata.weights", "version": 1, "byte_order": "little",
 *   "weights":   [{ "name": "dense/kernel", "shape": [4, 2], "dtype": "float32", "data": "<base64>" }, …],
 *   "optimizer": [{ "name": "sgd/iteration", "shape": [], "dtype": "int32", "data": "<base64>" }, …] }
 * ```
 *
 * `data` is the tensor's row-major elements as little-endian bytes (float32/float64/int32; bool as
 * one byte each), base64-encoded. `weights` are the model's variables in `model.weights` order (they
 * are matched by position, as Keras matches by layer order: names differ between two instances of
 * one architecture); `optimizer`, present once the optimizer is built, holds its variables in
 * `optimizer.variables` order (iteration, learning rate, slots). One self-contained file keeps the
 * write atomic: a JSON + binary pair could not be replaced in a single rename.
 */
import { readFile } from "node:fs/promises";
import { endianness } from "node:os";
import { StrataError, fmtShape } from "../errors.js";
import { NUMERIC_DTYPES, type NumericDType, type TypedArray, allocate } from "../tensor/dtype.js";
import { writeFileAtomic } from "./atomic-write.js";

export const WEIGHTS_FORMAT = "strata.weights";
export const WEIGHTS_VERSION = 1;

/** One saved tensor. */
export interface WeightEntry {
  name: string;
  shape: readonly number[];
  dtype: NumericDType;
  data: TypedArray;
}

/** What a weights file holds. */
export interface WeightsFile {
  weights: WeightEntry[];
  /** The optimizer's variables; null when it was not built (or there was none) at save time. */
  optimizer: WeightEntry[] | null;
}

const BYTES: Record<NumericDType, number> = { float32: 4, float64: 8, int32: 4, uint8: 1, bool: 1 };
const BIG_ENDIAN = endianness() === "BE";

/** Swaps each element's bytes in place (only ever needed on big-endian machines). */
function swapBytes(bytes: Buffer, width: number): void {
  if (width === 4) bytes.swap32();
  else if (width === 8) bytes.swap64();
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function encode(e: WeightEntry, path: string): Record<string, unknown> {
  if (!(NUMERIC_DTYPES as readonly string[]).includes(e.dtype)) {
    throw new StrataError(
      `Cannot save "${path}": weight "${e.name}" has unknown dtype ${String(e.dtype)}`,
    );
  }
  if (e.data.length !== sizeOf(e.shape)) {
    throw new StrataError(
      `Cannot save "${path}": weight "${e.name}" has shape ${fmtShape(e.shape)} (${sizeOf(e.shape)} elements) ` +
        `but ${e.data.length} values`,
    );
  }
  const bytes = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  let out = bytes;
  if (BIG_ENDIAN && BYTES[e.dtype] > 1) {
    out = Buffer.from(bytes);
    swapBytes(out, BYTES[e.dtype]);
  }
  return { name: e.name, shape: [...e.shape], dtype: e.dtype, data: out.toString("base64") };
}

/** Saves weights (and optionally optimizer variables) to `path`, atomically. */
export async function saveWeightsFile(
  path: string,
  weights: readonly WeightEntry[],
  opts: { optimizer?: readonly WeightEntry[] | null } = {},
): Promise<void> {
  // Encode everything before touching the disk: a bad entry must not cost the previous file.
  const doc: Record<string, unknown> = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    byte_order: "little",
    weights: weights.map((e) => encode(e, path)),
  };
  if (opts.optimizer) doc.optimizer = opts.optimizer.map((e) => encode(e, path));
  await writeFileAtomic(path, JSON.stringify(doc));
}

function decode(raw: unknown, index: number, section: string, path: string): WeightEntry {
  const bad = (why: string) =>
    new StrataError(`"${path}" is not a valid Strata weights file: ${section}[${index}] ${why}`);
  if (typeof raw !== "object" || raw === null) throw bad("is not an object");
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== "string") throw bad("has no name");
  const name = r.name;
  if (!Array.isArray(r.shape) || !r.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw bad(`("${name}") has an invalid shape ${JSON.stringify(r.shape)}`);
  }
  const shape = r.shape as number[];
  if (typeof r.dtype !== "string" || !(NUMERIC_DTYPES as readonly string[]).includes(r.dtype)) {
    throw bad(`("${name}") has an unknown dtype ${JSON.stringify(r.dtype)}`);
  }
  const dtype = r.dtype as NumericDType;
  if (typeof r.data !== "string") throw bad(`("${name}") has no data`);
  const bytes = Buffer.from(r.data, "base64");
  const expected = sizeOf(shape) * BYTES[dtype];
  if (bytes.length !== expected) {
    throw new StrataError(
      `"${path}" is corrupt: weight "${name}" of shape ${fmtShape(shape)} and dtype ${dtype} needs ` +
        `${expected} bytes of data; found ${bytes.length}`,
    );
  }
  if (BIG_ENDIAN && BYTES[dtype] > 1) swapBytes(bytes, BYTES[dtype]);
  // Copy into a fresh typed array: the Buffer's memory may be pooled and unaligned.
  const data = allocate(dtype, sizeOf(shape));
  new Uint8Array(data.buffer).set(bytes);
  return { name, shape, dtype, data };
}

/** Reads and validates a file written by `saveWeightsFile`. */
export async function loadWeightsFile(path: string): Promise<WeightsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new StrataError(`No weights file found at "${path}"`);
    if (code === "EISDIR")
      throw new StrataError(`Cannot read weights from "${path}": it is a directory`);
    throw err;
  }
  return parseWeightsFile(text, path);
}

/** Validates the text of a file written by `saveWeightsFile`; `path` names it in errors. */
export function parseWeightsFile(text: string, path: string): WeightsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StrataError(
      `"${path}" is not a valid Strata weights file: ${(err as Error).message}`,
    );
  }
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== "object" || d === null || d.format !== WEIGHTS_FORMAT) {
    throw new StrataError(
      `"${path}" is not a Strata weights file (expected "format": "${WEIGHTS_FORMAT}")`,
    );
  }
  if (typeof d.version !== "number" || d.version > WEIGHTS_VERSION) {
    throw new StrataError(
      `"${path}" has weights format version ${String(d.version)}; this Strata reads version ${WEIGHTS_VERSION}`,
    );
  }
  if (!Array.isArray(d.weights)) {
    throw new StrataError(`"${path}" is not a valid Strata weights file: "weights" is not a list`);
  }
  if (d.optimizer !== undefined && !Array.isArray(d.optimizer)) {
    throw new StrataError(
      `"${path}" is not a valid Strata weights file: "optimizer" is not a list`,
    );
  }
  return {
    weights: d.weights.map((w, i) => decode(w, i, "weights", path)),
    optimizer: Array.isArray(d.optimizer)
      ? d.optimizer.map((w, i) => decode(w, i, "optimizer", path))
      : null,
  };
}

/** A Variable (or anything shaped like one) as a file entry. */
export function entryOf(v: {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: NumericDType;
  readonly value: { dataSync(): TypedArray };
}): WeightEntry {
  return { name: v.name, shape: v.shape, dtype: v.dtype, data: v.value.dataSync() };
}

/**
 * Checks that loaded entries fit the variables they are meant for, one by one in order: same
 * count, same shapes. `owner` names the model in messages.
 */
export function checkWeightsMatch(
  path: string,
  owner: string,
  expected: readonly { readonly name: string; readonly shape: readonly number[] }[],
  loaded: readonly WeightEntry[],
): void {
  if (expected.length !== loaded.length) {
    const hint =
      expected.length === 0
        ? " (the model has no weights yet: build it, e.g. call it on data, before loading)"
        : "";
    throw new StrataError(
      `Cannot load weights from "${path}" into ${owner}: the file has ${loaded.length} weights, ` +
        `the model has ${expected.length}${hint}`,
    );
  }
  expected.forEach((v, i) => {
    const e = loaded[i]!;
    if (v.shape.length !== e.shape.length || v.shape.some((d, k) => d !== e.shape[k])) {
      throw new StrataError(
        `Cannot load weights from "${path}" into ${owner}: weight ${i} "${v.name}" has shape ` +
          `${fmtShape(v.shape)}, the file's "${e.name}" has shape ${fmtShape(e.shape)}`,
      );
    }
  });
}
