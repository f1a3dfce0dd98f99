/**
 * Keras's `ops.vectorized_map(function, elements)`: `function` applied to each row of `elements`
 * (a tensor, or an array / name-keyed object of tensors, rows along axis 0) and the results
 * stacked. It runs as one call on the whole batch (tensor/batched.ts) when every op the function
 * uses has a batching rule, as JAX's vmap does, and row by row otherwise; `callOnBatch` is that
 * one call, which `Dataset.map(...).batch(...)` uses too.
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import {
  BatchedTensor,
  NotVectorizable,
  isBatched,
  whileVectorizing,
} from "../../tensor/batched.js";
import { tensor } from "../../tensor/creation.js";
import { Tensor } from "../../tensor/tensor.js";
import { take } from "../gather.js";
import { stack } from "../join.js";
import { broadcastTo, expandDims } from "../movement.js";

/** A structure with every leaf (whatever is not an array or a plain object) replaced by `f(leaf)`. */
function mapLeaves(x: unknown, f: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(x)) return x.map((v) => mapLeaves(v, f));
  if (typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapLeaves(v, f)]));
  return f(x);
}

function leavesOf(x: unknown): unknown[] {
  const leaves: unknown[] = [];
  mapLeaves(x, (leaf) => leaves.push(leaf));
  return leaves;
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";

/**
 * `fn` called once on `stacked` (a structure of tensors with `n` rows each), each tensor seen as a
 * batch of rows: the stacked per-row results, or null when `fn` cannot run that way (an op
 * without a batching rule, a value read, a random draw, an async result, or any error, which the
 * row-by-row run then reports as it happens).
 */
export function callOnBatch(fn: (rows: never) => unknown, stacked: unknown, n: number): unknown {
  let out: unknown;
  try {
    const rows = mapLeaves(stacked, (leaf) => {
      if (!(leaf instanceof Tensor)) throw new NotVectorizable("a component that is not a tensor");
      return new BatchedTensor(leaf);
    });
    out = whileVectorizing(() => fn(rows as never));
  } catch {
    return null;
  }
  if (isThenable(out)) {
    // Its rows are computed again one by one; this result, or its failure, is not wanted.
    out.then(undefined, () => {});
    return null;
  }
  let whole = true;
  const result = mapLeaves(out, (leaf) => {
    if (isBatched(leaf) && leaf.batchSize === n) return leaf.stacked;
    // A result that does not depend on the row is the same in every row.
    if (leaf instanceof Tensor) return broadcastTo(expandDims(leaf, 0), [n, ...leaf.shape]);
    whole = false;
    return null;
  });
  return whole ? result : null;
}

/** Keras `ops.vectorized_map`: `fn` on each row of `elements`, stacked. */
export function vectorizedMap<R = Tensor>(fn: (row: never) => R, elements: unknown): R {
  const leaves = leavesOf(elements);
  if (leaves.length === 0 || !leaves.every((t) => t instanceof Tensor && t.rank > 0)) {
    throw new ValueError(
      "vectorizedMap: elements must be a tensor or an array / object of tensors, each of rank ≥ 1",
    );
  }
  const n = (leaves[0] as Tensor).shape[0]!;
  const other = (leaves as Tensor[]).find((t) => t.shape[0] !== n);
  if (other) {
    throw new ShapeError(
      `vectorizedMap: every tensor in elements must have the same first dimension; received ${fmtShape((leaves[0] as Tensor).shape)} and ${fmtShape(other.shape)}`,
    );
  }
  const whole = callOnBatch(fn, elements, n);
  if (whole !== null) return whole as R;
  if (n === 0) throw new ValueError("vectorizedMap: elements have no rows to map over");
  const results: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const index = tensor(new Int32Array([i]), []);
    results.push(fn(mapLeaves(elements, (t) => take(t as Tensor, index, 0)) as never));
  }
  return stackResults(results) as R;
}

/** Per-row results (one structure of tensors each) stacked leaf by leaf. */
function stackResults(results: readonly unknown[]): unknown {
  const columns = results.map(leavesOf);
  let k = 0;
  return mapLeaves(results[0], () => {
    const column = columns.map((leaves) => leaves[k]);
    k++;
    if (!column.every((t) => t instanceof Tensor)) {
      throw new ValueError(
        "vectorizedMap: the function must return tensors (or a structure of them)",
      );
    }
    return stack(column as Tensor[], 0);
  });
}
