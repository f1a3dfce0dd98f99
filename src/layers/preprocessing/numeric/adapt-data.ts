/**
 * What `adapt` accepts, as one stream of batches: a tensor (or nested number array / typed array)
 * is the data itself, cut into `batchSize` rows when asked; any other iterable or async iterable
 * (an array of tensors, a generator, an `st.data.Dataset`) yields batches, and an `[x, y]` or
 * `[x, y, sampleWeight]` element stands for its `x`, as Keras's `adapt` reads a dataset. The
 * batches are read one at a time, so the layers that adapt never hold the whole data set.
 */
import { ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import { slice } from "../../../ops/join.js";
import { Tensor } from "../../../tensor/tensor.js";
import { Variable } from "../../../autodiff/variable.js";
import { declaredCount, withProgress } from "../../../utils/progbar.js";

/** A batch as adapt reads it, or an (x, y, …) tuple whose first entry is the batch. */
export type AdaptBatch = TensorLike | readonly [TensorLike, ...unknown[]];

/** The data `adapt` takes: all of it at once, or batches from any (async) iterable. */
export type AdaptData = TensorLike | Iterable<AdaptBatch> | AsyncIterable<AdaptBatch>;

export interface AdaptOptions {
  /** rows per batch when `data` is a tensor or array (all of it in one batch by default) */
  batchSize?: number;
  /** stop after this many batches (needed for an endless dataset) */
  steps?: number;
  /** 1 (default): a progress line over the batches, on a terminal; 0: none. */
  verbose?: 0 | 1;
}

function isNumberNest(x: unknown): boolean {
  if (typeof x === "number" || typeof x === "boolean") return true;
  return Array.isArray(x) && (x.length === 0 || isNumberNest(x[0]));
}

/** Whether `data` is one array of values rather than a stream of batches. */
function isWhole(data: unknown): data is TensorLike {
  return (
    data instanceof Tensor ||
    data instanceof Variable ||
    ArrayBuffer.isView(data) ||
    // an empty list is an empty stream of batches, as in Keras
    (isNumberNest(data) && !(Array.isArray(data) && data.length === 0))
  );
}

function batchOf(element: unknown, where: string, index: number): Tensor {
  if (isWhole(element)) return asTensor(element);
  if (Array.isArray(element) && element.length > 0 && isWhole(element[0])) {
    return asTensor(element[0] as TensorLike);
  }
  throw new ValueError(
    `${where}: adapt expects batches that are tensors or number arrays, or (x, y) tuples of ` +
      `them; batch ${index} is ${Array.isArray(element) ? "an array of non-tensors" : typeof element}`,
  );
}

function checkCount(value: number | undefined, where: string, arg: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${where}: adapt ${arg} must be a positive integer; received ${value}`);
  }
}

/**
 * The batches of `data` in order, at most `steps` of them, with a progress line over them; an
 * empty stream is an error.
 */
export function adaptBatches(
  data: AdaptData,
  opts: AdaptOptions,
  where: string,
): AsyncGenerator<Tensor> {
  checkCount(opts.batchSize, where, "batchSize");
  checkCount(opts.steps, where, "steps");
  let total: number | null;
  if (isWhole(data)) {
    const t = data instanceof Tensor || data instanceof Variable ? data : null;
    const rows = t ? (t.shape[0] ?? 1) : null;
    total =
      rows === null || opts.batchSize === undefined
        ? null
        : Math.min(Math.ceil(rows / opts.batchSize), opts.steps ?? Infinity);
  } else {
    total = declaredCount(data, opts.steps);
  }
  return withProgress(batchesOf(data, opts, where), total, {
    verbose: opts.verbose ?? 1,
    unitName: "batch",
    label: "adapt: ",
  });
}

async function* batchesOf(
  data: AdaptData,
  opts: AdaptOptions,
  where: string,
): AsyncGenerator<Tensor> {
  const steps = opts.steps ?? Infinity;
  let count = 0;
  if (isWhole(data)) {
    const whole = asTensor(data);
    const rows = whole.rank === 0 ? 1 : whole.shape[0]!;
    const size = opts.batchSize ?? Math.max(rows, 1);
    if (whole.rank === 0 || size >= rows) {
      yield whole;
      return;
    }
    for (let start = 0; start < rows && count < steps; start += size, count++) {
      const end = Math.min(start + size, rows);
      yield slice(
        whole,
        [start, ...whole.shape.slice(1).map(() => 0)],
        [end - start, ...whole.shape.slice(1)],
      );
    }
    return;
  }
  if (
    data === null ||
    typeof data !== "object" ||
    !(Symbol.asyncIterator in data || Symbol.iterator in data)
  ) {
    throw new ValueError(
      `${where}: adapt expects a tensor, a number array, or an iterable of batches (such as an ` +
        `st.data.Dataset); received ${data === null ? "null" : typeof data}`,
    );
  }
  for await (const element of data as AsyncIterable<unknown>) {
    if (count >= steps) break;
    yield batchOf(element, where, count);
    count++;
  }
  if (count === 0) {
    throw new ValueError(
      `${where}: adapt received no batches; pass a non-empty tensor, array or dataset`,
    );
  }
}
