/**
 * The data `FeatureSpace.adapt` reads, as a stream of name-keyed batches that each preprocessor's
 * `adapt` consumes column by column: an `st.data.Dataset` (or any iterable or async iterable) of
 * name-keyed elements, batched or not, or a name-keyed object of whole columns. As in Keras,
 * unbatched elements and whole columns are cut into batches of 32 rows, so approximate
 * statistics (Discretization's quantiles) merge the same batches Keras merges. The stream is
 * re-read once per preprocessor and never held whole.
 */
import { ValueError } from "../../../errors.js";
import { slice, stack } from "../../../ops/join.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { isRecord, valueTensor } from "./feature-input.js";

/** Keras's batch size for unbatched adapt data. */
const ADAPT_BATCH = 32;

/** What `adapt` takes: a dataset (any (async) iterable) of name-keyed elements, or columns. */
export type AdaptSource =
  Iterable<unknown> | AsyncIterable<unknown> | Readonly<Record<string, unknown>>;

type Batch = Record<string, Tensor>;

function elementOf(element: unknown, where: string, index: number): Batch {
  if (!isRecord(element)) {
    const kind = Array.isArray(element) ? "an array (an (x, y) pair?)" : typeof element;
    throw new ValueError(
      `${where}: adapt expects elements that are name-keyed objects of feature values (map a ` +
        `labeled dataset with (x, y) => x first); element ${index} is ${kind}`,
    );
  }
  const out: Batch = {};
  for (const [k, v] of Object.entries(element)) out[k] = valueTensor(v, `${where} adapt "${k}"`);
  return out;
}

function stackBatch(rows: readonly Batch[]): Batch {
  const out: Batch = {};
  for (const k of Object.keys(rows[0]!)) out[k] = stack(rows.map((r) => r[k]!));
  return out;
}

function rowsOf(columns: Batch, where: string): number {
  let rows: number | null = null;
  for (const [k, t] of Object.entries(columns)) {
    const n = t.rank === 0 ? 1 : t.shape[0]!;
    if (rows !== null && n !== rows) {
      throw new ValueError(
        `${where}: adapt expects columns of one length; "${k}" has ${n} rows, the others ${rows}`,
      );
    }
    rows = n;
  }
  return rows ?? 0;
}

async function* sliceColumns(columns: Batch, where: string): AsyncGenerator<Batch> {
  const rows = rowsOf(columns, where);
  for (let start = 0; start < rows; start += ADAPT_BATCH) {
    const size = Math.min(ADAPT_BATCH, rows - start);
    const batch: Batch = {};
    for (const [k, t] of Object.entries(columns)) {
      batch[k] = slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
    }
    yield batch;
  }
}

async function* elementBatches(
  source: Iterable<unknown> | AsyncIterable<unknown>,
  probe: string,
  where: string,
): AsyncGenerator<Batch> {
  let index = 0;
  let pending: Batch[] = [];
  let unbatched: boolean | null = null;
  for await (const element of source as AsyncIterable<unknown>) {
    const e = elementOf(element, where, index++);
    // Keras looks at the first adaptable feature of the first element to decide.
    unbatched ??= (e[probe] ?? Object.values(e)[0])?.rank === 0;
    if (!unbatched) {
      yield e;
      continue;
    }
    pending.push(e);
    if (pending.length === ADAPT_BATCH) {
      yield stackBatch(pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield stackBatch(pending);
}

/**
 * A function that starts one pass over `source` as name-keyed batches; `probe` is the feature
 * whose rank says whether the elements are batched.
 */
export function adaptPasses(
  source: AdaptSource,
  probe: string,
  where: string,
): () => AsyncGenerator<Batch> {
  if (
    typeof source === "object" &&
    source !== null &&
    (Symbol.asyncIterator in source || Symbol.iterator in source)
  ) {
    return () => elementBatches(source as Iterable<unknown>, probe, where);
  }
  if (isRecord(source)) {
    const columns: Batch = {};
    for (const [k, v] of Object.entries(source)) {
      columns[k] = valueTensor(v, `${where} adapt "${k}"`);
    }
    return () => sliceColumns(columns, where);
  }
  throw new ValueError(
    `${where}: adapt can only be called on a dataset of name-keyed elements (an st.data.Dataset ` +
      `or any iterable) or a name-keyed object of arrays; received ${source === null ? "null" : typeof source}`,
  );
}
