/**
 * A batch seen as one element, for vectorizing a per-element function (JAX's `vmap`, which
 * Keras's `ops.vectorized_map` is on JAX, and tf.data's map vectorization): `fn(batched)` runs
 * once on a whole batch and gives what calling `fn` on each row and stacking would give.
 *
 * A `BatchedTensor` holds the stacked rows (axis 0 the batch) but shows the shape, rank and size
 * of one row, so code written for one element reads the shapes it expects. Only ops with a
 * batching rule (ops/vmap/rules.ts) accept it; every other path refuses it with
 * `NotVectorizable` — converting it to a tensor, reaching its storage, reading its values, or
 * drawing random numbers while a vectorized call runs (each row must get its own draws) — and
 * the caller then runs the function row by row instead. Refusing is always safe; a rule is the
 * only way a batched value flows on, so nothing wrong can come out silently.
 */
import { StrataError } from "../errors.js";
import type { DType } from "./dtype.js";
import type { Tensor } from "./tensor.js";

/** The function cannot run on a whole batch at once; run it row by row. */
export class NotVectorizable extends StrataError {}

export class BatchedTensor {
  /** `stacked` holds the rows along axis 0. */
  constructor(readonly stacked: Tensor) {}

  /** Rows in the batch. */
  get batchSize(): number {
    return this.stacked.shape[0]!;
  }
  /** One row's shape. */
  get shape(): readonly number[] {
    return this.stacked.shape.slice(1);
  }
  get rank(): number {
    return this.stacked.rank - 1;
  }
  get size(): number {
    return this.stacked.size / this.batchSize;
  }
  get dtype(): DType {
    return this.stacked.dtype;
  }

  // Reading one row's values, or handing the batch to a kernel, has no per-row meaning here.
  get storage(): never {
    throw refused("a kernel call without a batching rule");
  }
  dataSync(): never {
    throw refused("dataSync()");
  }
  data(): never {
    throw refused("data()");
  }
  item(): never {
    throw refused("item()");
  }
  toArray(): never {
    throw refused("toArray()");
  }
  stringValues(): never {
    throw refused("stringValues()");
  }
  toString(): string {
    return `BatchedTensor(rows of shape [${this.shape.join(", ")}], ${this.dtype}, batch of ${this.batchSize})`;
  }
}

export function isBatched(x: unknown): x is BatchedTensor {
  return x instanceof BatchedTensor;
}

function refused(what: string): NotVectorizable {
  return new NotVectorizable(`${what} cannot run on a whole batch at once`);
}

/** Throws NotVectorizable for `x` when it is batched (where a plain tensor is required). */
export function refuseBatched(x: unknown, what: string): void {
  if (x instanceof BatchedTensor) throw refused(what);
}

let depth = 0;

/** Runs `fn` as a vectorized call: random draws inside it are refused. */
export function whileVectorizing<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** Random draws have one value per call, not per row: refused inside a vectorized call. */
export function refuseWhileVectorizing(what: string): void {
  if (depth > 0) throw refused(what);
}
