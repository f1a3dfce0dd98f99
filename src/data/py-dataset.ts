/**
 * Keras's `utils.PyDataset` (and its older name `utils.Sequence`): a dataset written as a class
 * that says how many batches it has and gives batch `index` on request — Keras's `__len__` /
 * `num_batches` and `__getitem__` as `length` / `numBatches` and `getItem(index)` — with
 * `onEpochBegin()` / `onEpochEnd()` hooks. `fit`, `evaluate` and `predict` take it as they take
 * any dataset: each epoch asks for batches 0 … numBatches − 1 (in a shuffled order when fit's
 * `shuffle` is true, as Keras's PyDatasetAdapter does), calling `onEpochBegin` before the first and
 * `onEpochEnd` once the pass ends. `getItem` may return a promise; with `workers > 1` that many
 * calls run at once (ahead of the loop, in order), which overlaps file reads or decoding.
 * A `numBatches` of null means endless: give fit a `stepsPerEpoch`.
 */
import { ValueError } from "../errors.js";

export interface PyDatasetOptions {
  /** How many `getItem` calls may run at once. Default 1. */
  workers?: number;
  /**
   * Keras runs getItem in worker processes when true; Strata runs it in this process, so only
   * false is accepted (use `workers` with an async `getItem` to overlap work).
   */
  useMultiprocessing?: boolean;
  /** How many batches may be prepared ahead of the loop. Default 10. */
  maxQueueSize?: number;
}

/** A seeded shuffle of 0 … n − 1 (mulberry32 from the epoch number), so runs repeat. */
function shuffledIndices(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let a = (seed + 0x6d2b79f5) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export abstract class PyDataset {
  readonly workers: number;
  readonly useMultiprocessing: boolean;
  readonly maxQueueSize: number;
  private epochsStarted = 0;

  constructor(opts: PyDatasetOptions = {}) {
    const known = new Set(["workers", "useMultiprocessing", "maxQueueSize"]);
    for (const key of Object.keys(opts)) {
      if (!known.has(key)) {
        throw new ValueError(
          `PyDataset: unknown option "${key}"; expected workers, useMultiprocessing or maxQueueSize`,
        );
      }
    }
    this.workers = opts.workers ?? 1;
    this.useMultiprocessing = opts.useMultiprocessing ?? false;
    this.maxQueueSize = opts.maxQueueSize ?? 10;
    if (!Number.isInteger(this.workers) || this.workers < 1) {
      throw new ValueError(`PyDataset: workers must be an integer ≥ 1; received ${this.workers}`);
    }
    if (!Number.isInteger(this.maxQueueSize) || this.maxQueueSize < 1) {
      throw new ValueError(
        `PyDataset: maxQueueSize must be an integer ≥ 1; received ${this.maxQueueSize}`,
      );
    }
    if (this.useMultiprocessing) {
      throw new ValueError(
        "PyDataset: useMultiprocessing=true is not available: Strata calls getItem in this " +
          "process; make getItem async and set workers > 1 to overlap its work",
      );
    }
  }

  /** Keras `__getitem__`: batch `index` — `x`, `[x, y]` or `[x, y, sampleWeight]`. */
  abstract getItem(index: number): unknown;

  /**
   * Keras `__len__`: the number of batches. Override this or `numBatches`; with neither, the
   * dataset is endless.
   */
  get length(): number | undefined {
    return undefined;
  }

  /** Keras `num_batches`: the number of batches, or null when endless. Defaults to `length`. */
  get numBatches(): number | null {
    const n = this.length;
    return typeof n === "number" ? n : null;
  }

  /** Called before the first batch of every epoch. */
  onEpochBegin(): void | Promise<void> {}

  /** Called once every epoch's pass has ended. */
  onEpochEnd(): void | Promise<void> {}

  /** tf.data-style cardinality, which the loops read: −1 (INFINITE) when endless. */
  cardinality(): number {
    const n = this.numBatches;
    return n === null ? -1 : n;
  }

  /** Keras `__iter__`: batches 0, 1, … in order, without the epoch hooks. */
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    yield* this.items(this.indices(false));
  }

  /** One epoch's pass as fit / evaluate / predict read it (see the file comment). */
  async *epochPass(shuffle: boolean): AsyncGenerator<unknown> {
    await this.onEpochBegin();
    try {
      yield* this.items(this.indices(shuffle));
    } finally {
      this.epochsStarted++;
      await this.onEpochEnd();
    }
  }

  private *indices(shuffle: boolean): Generator<number> {
    const n = this.numBatches;
    if (n === null) {
      for (let i = 0; ; i++) yield i;
    }
    if (!Number.isInteger(n) || n < 0) {
      throw new ValueError(`PyDataset: numBatches must be a non-negative integer; received ${n}`);
    }
    yield* shuffle
      ? shuffledIndices(n, this.epochsStarted)
      : Array.from({ length: n }, (_, i) => i);
  }

  /** getItem over `indices`, up to `workers` calls in flight (bounded by maxQueueSize), in order. */
  private async *items(indices: Generator<number>): AsyncGenerator<unknown> {
    const ahead = Math.min(this.workers, this.maxQueueSize);
    if (ahead <= 1) {
      // One worker: each batch is asked for only when the loop wants it, as Keras does.
      for (const i of indices) yield await this.getItem(i);
      return;
    }
    const queue: Promise<unknown>[] = [];
    const fill = () => {
      while (queue.length < ahead) {
        const next = indices.next();
        if (next.done) return;
        const result = Promise.resolve().then(() => this.getItem(next.value));
        result.catch(() => undefined); // awaited below; keeps an early failure from going unhandled
        queue.push(result);
      }
    };
    fill();
    while (queue.length > 0) {
      const item = await queue.shift()!;
      fill();
      yield item;
    }
  }
}

/** Keras `utils.Sequence`: Keras 3's name for the same contract as PyDataset. */
export { PyDataset as Sequence };
