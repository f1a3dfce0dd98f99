/**
 * `map(fn).batch(n)` fused, as tf.data fuses map and batch and vectorizes the map: the inputs of
 * a batch are gathered first (one gather per component when they are fromTensorSlices rows,
 * rows.ts), and `fn` runs once on the whole batch when it can (ops/vmap: every op it uses has a
 * batching rule, it reads no values and draws no random numbers); otherwise, from that batch on,
 * map and batch run apart as written (numParallelCalls included). The batches are the same
 * either way; the one call saves a call, a row cut and a stack per element, most of what a
 * per-element map costs (bench/dataset-fit.ts). The first batch decides for the dataset: a
 * function that cannot run on a batch is not tried again. As in tf.data, where a map function is
 * traced once, `fn` must not count on being called once per element.
 */
import { callOnBatch } from "../../ops/vmap/vectorized-map.js";
import { batchPass, stackElements } from "./batching.js";
import { mapPass } from "./map.js";
import type { RowPlan } from "./rows.js";
import type { Pass } from "./sources.js";

/** The inputs of one batch: stacked (as batch would stack them), or one by one. */
interface Group<T> {
  size: number;
  stacked(): unknown;
  elements(): T[];
}

function groups<T>(
  input: Pass<T>,
  rows: RowPlan | null,
  batchSize: number,
  dropRemainder: boolean,
): () => AsyncGenerator<Group<T>> {
  return async function* () {
    if (rows) {
      let buffer: number[] = [];
      const group = (is: number[]): Group<T> => ({
        size: is.length,
        stacked: () => rows.rows(is),
        elements: () => is.map((i) => rows.row(i) as T),
      });
      for await (const i of rows.indices()) {
        buffer.push(i);
        if (buffer.length === batchSize) {
          yield group(buffer);
          buffer = [];
        }
      }
      if (buffer.length > 0 && !dropRemainder) yield group(buffer);
      return;
    }
    let buffer: T[] = [];
    const group = (items: T[]): Group<T> => ({
      size: items.length,
      stacked: () => stackElements(items),
      elements: () => items,
    });
    for await (const item of input()) {
      buffer.push(item);
      if (buffer.length === batchSize) {
        yield group(buffer);
        buffer = [];
      }
    }
    if (buffer.length > 0 && !dropRemainder) yield group(buffer);
  };
}

/** An `async function`, which cannot run on a batch in one synchronous call. */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor.name === "AsyncFunction";
}

export function mapBatchPass<T, U>(
  input: Pass<T>,
  rows: RowPlan | null,
  fn: (x: T) => U | Promise<U>,
  parallel: number,
  batchSize: number,
  dropRemainder: boolean,
): Pass<U> {
  const inputGroups = groups(input, rows, batchSize, dropRemainder);
  let wholeBatch = true;
  return async function* () {
    const it = inputGroups();
    let refused: Group<T> | null = null;
    while (wholeBatch) {
      const next = await it.next();
      if (next.done) return;
      const out = callOnBatch(fn as (x: never) => unknown, next.value.stacked(), next.value.size);
      if (out === null) {
        wholeBatch = false;
        refused = next.value;
      } else {
        yield out as U;
      }
    }
    // From here element by element, as map and batch apart would (numParallelCalls included).
    const elements = async function* () {
      if (refused) yield* refused.elements();
      for await (const group of it) yield* group.elements();
    };
    yield* batchPass(mapPass(elements, fn, parallel), batchSize, dropRemainder)();
  };
}
