/**
 * `st.data.Dataset`: a lazy, streaming pipeline as tf.data's. A Dataset is a recipe for passes:
 * nothing is read until it is iterated (`for await`), and every iteration is a new pass (a new
 * shuffle order, a new generator), except what `cache()` keeps.
 */
import { availableParallelism } from "node:os";
import { ValueError } from "../../errors.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";
import { type PaddedShape, batchPass, paddedBatchPass, unbatchPass } from "./batching.js";
import { cachePass, prefetchPass } from "./buffering.js";
import {
  UNKNOWN_CARDINALITY,
  batchCardinality,
  concatenateCardinality,
  repeatCardinality,
  skipCardinality,
  takeCardinality,
  zipCardinality,
} from "./cardinality.js";
import { fileCachePass } from "./file-cache.js";
import { filterPass, mapPass } from "./map.js";
import { isAsyncFunction, mapBatchPass } from "./map-batch.js";
import { checkInt, checkKeys } from "./options.js";
import {
  concatenatePass,
  enumeratePass,
  repeatPass,
  skipPass,
  takePass,
  zipPass,
} from "./passes.js";
import { type RowPlan, batchRowsPass, rowsPass, withIndices } from "./rows.js";
import { shufflePass } from "./shuffle.js";
import { type Pass, generatorSource, rangeSource, sliceSource } from "./sources.js";
import type { Element } from "./structure.js";

/** tf.data.AUTOTUNE: let the pipeline pick the parallelism or the buffer size. */
export const AUTOTUNE = -1;
/** What AUTOTUNE gives prefetch: a few elements ahead keeps the consumer fed. */
const AUTOTUNE_PREFETCH = 4;
/**
 * What AUTOTUNE gives map: calls in flight per core. Async work (reading files, decoding in
 * sharp's and libuv's threads) waits more than it computes, so a few calls a core keep those
 * threads busy (28×28 PNGs through imageDatasetFromDirectory on 2 cores: 2 in flight ~1,800
 * images/s, 8 ~2,600); a sync function runs one call at a time whatever the setting.
 */
const AUTOTUNE_MAP_PER_CORE = 4;

type Numbers = number | boolean | string | readonly Numbers[];
/**
 * What fromTensorSlices takes: tensors, number arrays or string arrays (a string column), alone
 * or nested in arrays and objects.
 */
export type SliceInput =
  Tensor | TypedArray | Numbers | readonly SliceInput[] | { readonly [name: string]: SliceInput };
/** The element type of `fromTensorSlices(x)`: x's structure with a tensor per component. */
export type Sliced<X> = X extends Tensor | TypedArray | Numbers
  ? Tensor
  : X extends readonly unknown[]
    ? { -readonly [K in keyof X]: Sliced<X[K]> }
    : X extends object
      ? { -readonly [K in keyof X]: Sliced<X[K]> }
      : Element;

type ElementOf<D> = D extends Dataset<infer T> ? T : never;

export interface BatchOptions {
  dropRemainder?: boolean;
}
/** A per-component option: one value for a tensor element, or the element's structure of them. */
export type PerComponent<V> =
  V | readonly PerComponent<V>[] | { readonly [name: string]: PerComponent<V> };
export interface PaddedBatchOptions {
  /** Per component; null or -1 on an axis pads to the batch's longest (the default everywhere). */
  paddedShapes?:
    | PaddedShape
    | readonly PerComponent<PaddedShape>[]
    | { readonly [name: string]: PerComponent<PaddedShape> };
  /** One number for every component, or one per component; 0 by default. */
  paddingValues?: PerComponent<number>;
  dropRemainder?: boolean;
}
export interface ShuffleOptions {
  seed?: number;
  reshuffleEachIteration?: boolean;
}
export interface MapOptions {
  numParallelCalls?: number;
}

export class Dataset<T = Element> implements AsyncIterable<T> {
  private constructor(
    private readonly pass: Pass<T>,
    private readonly size: number,
    /**
     * The batch size when this dataset is itself a `batch` / `paddedBatch` step (tf.data's
     * `_batch_size`, which Keras's `splitDataset` reads to unbatch and batch again); null for
     * every other step, even one downstream of a batch, as in tf.data.
     */
    readonly batchSize: number | null = null,
    /** Rows of tensors not cut yet (fromTensorSlices, then steps that only reorder): rows.ts. */
    private readonly rows: RowPlan | null = null,
    /** When this dataset is `input.map(fn)`: a batch right after it fuses with it (map-batch.ts). */
    private readonly mapped: {
      readonly input: Dataset<unknown>;
      readonly fn: (x: unknown) => unknown;
      readonly parallel: number;
    } | null = null,
  ) {}

  /** A dataset of `plan`'s rows, cut one by one unless a batch gathers them. */
  private static ofRows<T>(plan: RowPlan, size: number): Dataset<T> {
    return new Dataset(rowsPass(plan) as Pass<T>, size, null, plan);
  }

  /** Slices every component along its first axis; all must share that dimension. */
  static fromTensorSlices<const X extends SliceInput>(x: X): Dataset<Sliced<X>> {
    const { rows, size } = sliceSource(x);
    return Dataset.ofRows(rows, size);
  }

  /**
   * Elements from a (sync or async) generator function, called afresh for every pass, or from any
   * (async) iterable object, iterated afresh for every pass. An iterable that cannot restart (a
   * generator object, already called) yields one pass only: later passes are empty, so `fit`
   * over several epochs warns that the input ran out of data and stops, as Keras does for a
   * one-shot generator. Pass the generator function to get every epoch.
   */
  static fromGenerator<T = Element>(
    source:
      | (() => Iterable<unknown> | AsyncIterable<unknown>)
      | Iterable<unknown>
      | AsyncIterable<unknown>,
  ): Dataset<T> {
    const ok =
      typeof source === "function" ||
      (typeof source === "object" &&
        source !== null &&
        (Symbol.asyncIterator in source || Symbol.iterator in source));
    if (!ok) {
      throw new ValueError(
        `Dataset.fromGenerator: expected a generator function or an (async) iterable; received ${source === null ? "null" : typeof source}`,
      );
    }
    return new Dataset(generatorSource(source) as Pass<T>, UNKNOWN_CARDINALITY);
  }

  /** `range(stop)` or `range(start, stop, step = 1)`: int32 scalars, as Python's range. */
  static range(stop: number): Dataset<Tensor>;
  static range(start: number, stop: number, step?: number): Dataset<Tensor>;
  static range(a: number, b?: number, step = 1): Dataset<Tensor> {
    const [start, stop] = b === undefined ? [0, a] : [a, b];
    for (const [name, v] of [
      ["start", start],
      ["stop", stop],
      ["step", step],
    ] as const) {
      if (!Number.isInteger(v))
        throw new ValueError(`Dataset.range: ${name} must be an integer; received ${name}=${v}`);
    }
    if (step === 0) throw new ValueError("Dataset.range: step must not be 0; received step=0");
    const { pass, size } = rangeSource(start, stop, step);
    return new Dataset(pass, size);
  }

  /** Elements of every dataset side by side (an array or a name-keyed object of datasets). */
  static zip<const D extends readonly Dataset<unknown>[]>(
    datasets: D,
  ): Dataset<{ -readonly [K in keyof D]: ElementOf<D[K]> }>;
  static zip<D extends Record<string, Dataset<unknown>>>(
    datasets: D,
  ): Dataset<{ [K in keyof D]: ElementOf<D[K]> }>;
  static zip(
    datasets: readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>,
  ): Dataset<unknown> {
    const list = Array.isArray(datasets) ? datasets : Object.values(datasets);
    if (list.length === 0 || !list.every((d) => d instanceof Dataset)) {
      throw new ValueError(
        "Dataset.zip: expected a non-empty array or object of Datasets; received " +
          (list.length === 0 ? "none" : "something that is not a Dataset"),
      );
    }
    const zipped = zipPass(list.map((d) => d.pass));
    const keys = Array.isArray(datasets) ? null : Object.keys(datasets);
    const pass: Pass<unknown> =
      keys === null
        ? zipped
        : async function* () {
            for await (const row of zipped())
              yield Object.fromEntries(keys.map((k, i) => [k, row[i]]));
          };
    return new Dataset(pass, zipCardinality(list.map((d) => d.size)));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.pass()[Symbol.asyncIterator]();
  }

  /** Elements in a pass; INFINITE_CARDINALITY or UNKNOWN_CARDINALITY when not known. */
  cardinality(): number {
    return this.size;
  }

  /** Stacks `batchSize` consecutive elements along a new first axis, component by component. */
  batch(batchSize: number, opts: BatchOptions = {}): Dataset<T> {
    checkKeys("Dataset.batch", opts, ["dropRemainder"]);
    checkInt("Dataset.batch", "batchSize", batchSize, 1);
    const drop = opts.dropRemainder ?? false;
    const m = this.mapped;
    const pass =
      m && !isAsyncFunction(m.fn)
        ? (mapBatchPass(m.input.pass, m.input.rows, m.fn, m.parallel, batchSize, drop) as Pass<T>)
        : this.rows
          ? (batchRowsPass(this.rows, batchSize, drop) as Pass<T>)
          : batchPass(this.pass, batchSize, drop);
    return new Dataset(pass, batchCardinality(this.size, batchSize, drop), batchSize);
  }

  /**
   * tf.data's padded_batch: batches elements whose components differ in size, padding each at
   * the end of its axes to `paddedShapes` (null or -1: to the batch's longest; by default every
   * axis) with `paddingValues` (0 by default).
   */
  paddedBatch(batchSize: number, opts: PaddedBatchOptions = {}): Dataset<T> {
    checkKeys("Dataset.paddedBatch", opts, ["paddedShapes", "paddingValues", "dropRemainder"]);
    checkInt("Dataset.paddedBatch", "batchSize", batchSize, 1);
    const drop = opts.dropRemainder ?? false;
    return new Dataset(
      paddedBatchPass(this.pass, batchSize, drop, opts.paddedShapes, opts.paddingValues),
      batchCardinality(this.size, batchSize, drop),
      batchSize,
    );
  }

  /** Splits each element into its rows along the first axis. */
  unbatch(): Dataset<T> {
    return new Dataset(unbatchPass(this.pass), UNKNOWN_CARDINALITY);
  }

  /** tf.data's buffered shuffle; a new order each pass unless `reshuffleEachIteration` is false. */
  shuffle(bufferSize: number, opts: ShuffleOptions = {}): Dataset<T> {
    checkKeys("Dataset.shuffle", opts, ["seed", "reshuffleEachIteration"]);
    checkInt("Dataset.shuffle", "bufferSize", bufferSize, 1);
    if (opts.seed !== undefined && !Number.isInteger(opts.seed))
      throw new ValueError(`Dataset.shuffle: seed must be an integer; received seed=${opts.seed}`);
    const reshuffle = opts.reshuffleEachIteration ?? true;
    if (this.rows) {
      const plan = withIndices(this.rows, (p) => shufflePass(p, bufferSize, opts.seed, reshuffle));
      return Dataset.ofRows(plan, this.size);
    }
    return new Dataset(shufflePass(this.pass, bufferSize, opts.seed, reshuffle), this.size);
  }

  /**
   * Applies `fn` (sync or async) to every element. With `numParallelCalls` > 1 or AUTOTUNE,
   * several async calls run at once; elements keep their order.
   */
  map<U>(fn: (x: T) => U | Promise<U>, opts: MapOptions = {}): Dataset<U> {
    checkKeys("Dataset.map", opts, ["numParallelCalls"]);
    if (typeof fn !== "function")
      throw new ValueError(`Dataset.map: expected a function; received ${typeof fn}`);
    let parallel = opts.numParallelCalls ?? 1;
    if (parallel === AUTOTUNE) parallel = AUTOTUNE_MAP_PER_CORE * availableParallelism();
    else checkInt("Dataset.map", "numParallelCalls", parallel, 1);
    return new Dataset(mapPass(this.pass, fn, parallel), this.size, null, null, {
      input: this,
      fn: fn as (x: unknown) => unknown,
      parallel,
    });
  }

  /** Keeps the elements for which `predicate` returns true (or a true scalar tensor). */
  filter(predicate: (x: T) => unknown | Promise<unknown>): Dataset<T> {
    if (typeof predicate !== "function")
      throw new ValueError(`Dataset.filter: expected a function; received ${typeof predicate}`);
    return new Dataset(filterPass(this.pass, predicate), UNKNOWN_CARDINALITY);
  }

  /** Repeats the dataset `count` times; forever without a count (or with -1, as tf.data). */
  repeat(count?: number | null): Dataset<T> {
    const times = count === undefined || count === null || count === -1 ? null : count;
    if (times !== null) checkInt("Dataset.repeat", "count", times, 0);
    const size = repeatCardinality(this.size, times);
    if (this.rows)
      return Dataset.ofRows(
        withIndices(this.rows, (p) => repeatPass(p, times)),
        size,
      );
    return new Dataset(repeatPass(this.pass, times), size);
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    checkInt("Dataset.take", "count", count, 0);
    const size = takeCardinality(this.size, count);
    if (this.rows)
      return Dataset.ofRows(
        withIndices(this.rows, (p) => takePass(p, count)),
        size,
      );
    return new Dataset(takePass(this.pass, count), size);
  }

  /** Everything after the first `count` elements. */
  skip(count: number): Dataset<T> {
    checkInt("Dataset.skip", "count", count, 0);
    const size = skipCardinality(this.size, count);
    if (this.rows)
      return Dataset.ofRows(
        withIndices(this.rows, (p) => skipPass(p, count)),
        size,
      );
    return new Dataset(skipPass(this.pass, count), size);
  }

  /** This dataset's elements beside the others': `a.zip(b)` yields `[a_i, b_i]`. */
  zip<const D extends readonly Dataset<unknown>[]>(
    ...others: D
  ): Dataset<[T, ...{ -readonly [K in keyof D]: ElementOf<D[K]> }]> {
    return Dataset.zip([this, ...others]) as unknown as Dataset<
      [T, ...{ -readonly [K in keyof D]: ElementOf<D[K]> }]
    >;
  }

  /** This dataset's elements, then `other`'s. */
  concatenate<U>(other: Dataset<U>): Dataset<T | U> {
    if (!(other instanceof Dataset))
      throw new ValueError(`Dataset.concatenate: expected a Dataset; received ${typeof other}`);
    return new Dataset(
      concatenatePass(this.pass, other.pass),
      concatenateCardinality(this.size, other.size),
    );
  }

  /** `[index, element]` pairs, the index an int32 scalar counting from `start`. */
  enumerate(start = 0): Dataset<[Tensor, T]> {
    if (!Number.isInteger(start))
      throw new ValueError(`Dataset.enumerate: start must be an integer; received start=${start}`);
    return new Dataset(enumeratePass(this.pass, start), this.size);
  }

  /**
   * Keeps the first complete pass and replays it: in memory, or with a `filename` in that file
   * (written atomically when a pass completes; a later pass, or another Dataset cached to the
   * same file, reads it and never runs the upstream pipeline). A pass left early keeps nothing.
   */
  cache(filename = ""): Dataset<T> {
    if (typeof filename !== "string")
      throw new ValueError(`Dataset.cache: filename must be a string; received ${typeof filename}`);
    const pass = filename === "" ? cachePass(this.pass) : fileCachePass(this.pass, filename);
    return new Dataset(pass, this.size);
  }

  /** Produces up to `bufferSize` elements ahead of the consumer (AUTOTUNE: a few). */
  prefetch(bufferSize: number): Dataset<T> {
    const n = bufferSize === AUTOTUNE ? AUTOTUNE_PREFETCH : bufferSize;
    checkInt("Dataset.prefetch", "bufferSize", n, 0);
    return n === 0 ? this : new Dataset(prefetchPass(this.pass, n), this.size);
  }
}
