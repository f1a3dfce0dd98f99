/**
 * Rows not yet cut: a `fromTensorSlices` dataset, and what shuffle / take / skip / repeat make of
 * it, is a stream of row indices into its tensors. Those steps only reorder and count elements, so
 * they run on the indices, and `batch` gathers each batch with one `take` per component instead
 * of cutting every row and stacking them again — the same elements, in the same order, for a
 * fraction of the work. Any other step (map, filter, …) cuts the rows one by one, as before.
 */
import { take } from "../../ops/gather.js";
import { tensor } from "../../tensor/creation.js";
import { type Tensor, fromStrings } from "../../tensor/tensor.js";
import { type Element, unflatten } from "./structure.js";

/** A pass, as sources.ts names it (not imported: sources.ts builds on this module). */
type Pass<T> = () => AsyncIterable<T>;

export interface RowPlan {
  /** The row indices of one pass. */
  indices: Pass<number>;
  /** The element at row i. */
  row(i: number): Element;
  /** The rows at `is` stacked along a new first axis, as `batch` would stack them. */
  rows(is: readonly number[]): Element;
}

/** The rows of `leaves` (same first dimension), rebuilt into `structure`. */
export function rowPlan(structure: unknown, leaves: readonly Tensor[], n: number): RowPlan {
  const cut = leaves.map((t) => {
    if (t.dtype !== "string") {
      return (is: readonly number[], scalar: boolean) =>
        take(t, tensor(Int32Array.from(is), scalar ? [] : [is.length]), 0);
    }
    // String rows are cut from the values: take() on strings moves every position of the column.
    const values = t.stringValues();
    const rowShape = t.shape.slice(1);
    const width = rowShape.reduce((a, d) => a * d, 1);
    return (is: readonly number[], scalar: boolean) =>
      fromStrings(
        is.flatMap((i) => values.slice(i * width, (i + 1) * width)),
        scalar ? rowShape : [is.length, ...rowShape],
      );
  });
  return {
    indices: async function* () {
      for (let i = 0; i < n; i++) yield i;
    },
    row: (i) =>
      unflatten(
        structure,
        cut.map((c) => c([i], true)),
      ) as Element,
    rows: (is) =>
      unflatten(
        structure,
        cut.map((c) => c(is, false)),
      ) as Element,
  };
}

/** The same rows in the order (and number) `reorder` gives their indices. */
export function withIndices(plan: RowPlan, reorder: (p: Pass<number>) => Pass<number>): RowPlan {
  return { ...plan, indices: reorder(plan.indices) };
}

/** One element per index. */
export function rowsPass(plan: RowPlan): Pass<Element> {
  return async function* () {
    for await (const i of plan.indices()) yield plan.row(i);
  };
}

/** `batch` over the indices: one gather per batch and component. */
export function batchRowsPass(
  plan: RowPlan,
  batchSize: number,
  dropRemainder: boolean,
): Pass<Element> {
  return async function* () {
    let buffer: number[] = [];
    for await (const i of plan.indices()) {
      buffer.push(i);
      if (buffer.length === batchSize) {
        yield plan.rows(buffer);
        buffer = [];
      }
    }
    if (buffer.length > 0 && !dropRemainder) yield plan.rows(buffer);
  };
}
