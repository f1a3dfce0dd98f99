/**
 * Batching of concurrent predict requests (TF Serving's `--enable_batching`): requests queue up,
 * and the rows of several run as one call of the model, whose outputs are split back by row
 * ranges. A batch is run when it holds `maxBatchSize` rows or `batchTimeoutMs` after its first
 * request came; with a timeout of 0 it runs once the requests that have arrived in the current
 * turn of the event loop are queued, so a busy model batches whatever piled up meanwhile and an
 * idle one adds no wait. Only requests whose rows have the same shapes and dtypes are batched
 * together; a request larger than `maxBatchSize` runs alone, in chunks of `maxBatchSize` rows.
 */
import { type Column, concatColumns, rowSize } from "./columns.js";
import type { NamedColumn } from "./predict-response.js";

export interface BatchOptions {
  /** the most rows one model call takes */
  readonly maxBatchSize: number;
  /** the longest a request waits for others to join its batch, in milliseconds */
  readonly batchTimeoutMs: number;
}

/** Runs the model on columns with a common number of rows; returns the output columns. */
export type RunBatch = (inputs: readonly Column[]) => readonly NamedColumn[];

/** What a request gets back: the batch's outputs and its rows in them. */
export interface BatchSlice {
  readonly outputs: readonly NamedColumn[];
  readonly start: number;
  readonly end: number;
}

interface Pending {
  readonly inputs: readonly Column[];
  readonly rows: number;
  readonly key: string;
  resolve(slice: BatchSlice): void;
  reject(err: unknown): void;
}

/** Observes each model call, for the metrics. */
export type BatchObserver = (rows: number) => void;

export class Batcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: {
    kind: "immediate" | "timeout";
    handle: NodeJS.Timeout | NodeJS.Immediate;
  } | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: RunBatch,
    private readonly opts: BatchOptions,
    private readonly observe: BatchObserver = () => {},
  ) {}

  /** Rows waiting for a model call. */
  get pendingRows(): number {
    return this.queuedRows;
  }

  submit(inputs: readonly Column[]): Promise<BatchSlice> {
    const rows = inputs[0]!.shape[0]!;
    const key = inputs.map((c) => `${c.dtype}${c.shape.slice(1).join("x")}`).join("|");
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, rows, key, resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves once every request queued so far has its answer. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    const full = this.queuedRows >= this.opts.maxBatchSize;
    if (this.timer !== null) {
      // A waiting batch that has just filled up runs now rather than at its timeout.
      if (!full || this.timer.kind === "immediate") return;
      clearTimeout(this.timer.handle as NodeJS.Timeout);
    }
    this.timer =
      full || this.opts.batchTimeoutMs <= 0
        ? { kind: "immediate", handle: setImmediate(() => this.flush()) }
        : { kind: "timeout", handle: setTimeout(() => this.flush(), this.opts.batchTimeoutMs) };
  }

  private flush(): void {
    this.timer = null;
    const batch = this.take();
    if (batch.length > 0) this.runBatch(batch);
    if (this.queue.length > 0) {
      this.timer = { kind: "immediate", handle: setImmediate(() => this.flush()) };
    } else {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** The first request and those after it of the same row shapes, up to maxBatchSize rows. */
  private take(): Pending[] {
    const first = this.queue[0];
    if (!first) return [];
    const batch: Pending[] = [];
    let rows = 0;
    this.queue = this.queue.filter((p) => {
      if (p.key !== first.key || (batch.length > 0 && rows + p.rows > this.opts.maxBatchSize)) {
        return true;
      }
      batch.push(p);
      rows += p.rows;
      return false;
    });
    this.queuedRows -= rows;
    return batch;
  }

  private runBatch(batch: readonly Pending[]): void {
    try {
      const inputs = batch[0]!.inputs.map((_, i) => concatColumns(batch.map((p) => p.inputs[i]!)));
      const outputs = this.runChunked(inputs);
      let start = 0;
      for (const p of batch) {
        p.resolve({ outputs, start, end: start + p.rows });
        start += p.rows;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** One model call, or several of maxBatchSize rows for a single oversized request. */
  private runChunked(inputs: readonly Column[]): readonly NamedColumn[] {
    const rows = inputs[0]!.shape[0]!;
    const max = this.opts.maxBatchSize;
    if (rows <= max) {
      this.observe(rows);
      return this.run(inputs);
    }
    const parts: (readonly NamedColumn[])[] = [];
    for (let s = 0; s < rows; s += max) {
      const chunk = inputs.map((c) => sliceRows(c, s, Math.min(rows, s + max)));
      this.observe(chunk[0]!.shape[0]!);
      parts.push(this.run(chunk));
    }
    return parts[0]!.map((o, i) => ({ ...concatColumns(parts.map((p) => p[i]!)), name: o.name }));
  }
}

function sliceRows(c: Column, start: number, end: number): Column {
  const n = rowSize(c.shape);
  return {
    dtype: c.dtype,
    values: c.values.slice(start * n, end * n),
    shape: [end - start, ...c.shape.slice(1)],
  };
}
