/**
 * What TextVectorization's `adapt` reads, as Keras's: an array of strings, a string tensor, or an
 * iterable / async iterable of batches (a generator, an `st.data.Dataset`), streamed one batch at a
 * time so a file-backed data set is never held in memory. `steps` stops after that many batches; an
 * infinite dataset needs it.
 */
import { ValueError } from "../../../errors.js";
import { Tensor, fromStrings } from "../../../tensor/tensor.js";
import { declaredCount, withProgress } from "../../../utils/progbar.js";

/** A batch of texts: a string tensor, strings, or [[string], ...] rows. */
export type TextBatch = Tensor | string | readonly string[] | readonly (readonly string[])[];

/** Data `adapt` accepts. */
export type AdaptData =
  | Tensor
  | readonly string[]
  | readonly (readonly string[])[]
  | Iterable<TextBatch>
  | AsyncIterable<TextBatch>;

export interface AdaptOptions {
  /** For arrays and tensors: texts per batch read (Keras's `batch_size`); default all at once. */
  batchSize?: number | null;
  /** Batches to read from an iterable or dataset (Keras's `steps`); default until it ends. */
  steps?: number | null;
  /** 1 (default): a progress line over the batches, on a terminal; 0: none. */
  verbose?: 0 | 1;
}

/** tf.data's INFINITE_CARDINALITY, as `st.data` reports it. */
const INFINITE = -1;

/** One batch as a string tensor ([n] strings or [n, 1] rows). */
export function textBatch(batch: unknown, where: string): Tensor {
  if (batch instanceof Tensor) {
    if (batch.dtype !== "string") {
      throw new ValueError(`${where}: adapt expects string data; received a ${batch.dtype} tensor`);
    }
    return batch;
  }
  if (typeof batch === "string") return fromStrings([batch], [1]);
  if (Array.isArray(batch)) {
    if (batch.every((s) => typeof s === "string"))
      return fromStrings(batch as string[], [batch.length]);
    if (batch.every((r) => Array.isArray(r) && r.every((s) => typeof s === "string"))) {
      const rows = batch as string[][];
      const width = rows[0]?.length ?? 0;
      if (rows.some((r) => r.length !== width)) {
        throw new ValueError(`${where}: adapt received rows of strings of different lengths`);
      }
      return fromStrings(rows.flat(), [rows.length, width]);
    }
  }
  const kind = Array.isArray(batch) ? "an array holding non-strings" : typeof batch;
  throw new ValueError(
    `${where}: adapt expects strings (a string tensor, an array of strings, or batches of ` +
      `them; a dataset must yield text only, e.g. ds.map(([x, y]) => x)); received ${kind}`,
  );
}

function isArrayLike(data: unknown): data is readonly unknown[] {
  return Array.isArray(data);
}

/** The batches of `data`, one string tensor at a time, with a progress line over them. */
export function adaptBatches(
  data: AdaptData,
  options: AdaptOptions,
  where: string,
): AsyncGenerator<Tensor> {
  const { batchSize, steps } = options;
  const rows =
    data instanceof Tensor ? (data.shape[0] ?? 1) : isArrayLike(data) ? data.length : null;
  const total =
    rows === null
      ? declaredCount(data, steps)
      : Math.min(Math.ceil(rows / (batchSize ?? Math.max(rows, 1))), steps ?? Infinity);
  return withProgress(batchesOf(data, options, where), total, {
    verbose: options.verbose ?? 1,
    unitName: "batch",
    label: "adapt: ",
  });
}

async function* batchesOf(
  data: AdaptData,
  options: AdaptOptions,
  where: string,
): AsyncGenerator<Tensor> {
  const { batchSize, steps } = options;
  if (steps !== undefined && steps !== null && (!Number.isInteger(steps) || steps < 0)) {
    throw new ValueError(`${where}: steps must be a non-negative integer; received steps=${steps}`);
  }
  if (data instanceof Tensor || isArrayLike(data)) {
    const all = textBatch(data, where);
    const n = all.shape[0] ?? 1;
    const size = batchSize ?? n;
    if (!Number.isInteger(size) || size < 1) {
      throw new ValueError(`${where}: batchSize must be a positive integer; received ${batchSize}`);
    }
    const values = all.stringValues();
    const width = all.shape.length === 0 ? 1 : values.length / Math.max(n, 1);
    for (let i = 0; i < n || (n === 0 && i === 0); i += size) {
      const rows = Math.min(size, n - i);
      yield fromStrings(values.slice(i * width, (i + rows) * width), [rows, ...all.shape.slice(1)]);
      if (n === 0) break;
    }
    return;
  }
  const cardinality = (data as { cardinality?: () => number }).cardinality?.();
  if (cardinality === INFINITE && (steps === undefined || steps === null)) {
    throw new ValueError(
      `${where}: adapt received an infinite dataset; pass steps to say how many batches to read`,
    );
  }
  let i = 0;
  if (steps === 0) return;
  for await (const batch of data as AsyncIterable<TextBatch>) {
    yield textBatch(batch, where);
    i += 1;
    if (steps !== undefined && steps !== null && i >= steps) return;
  }
}
