/** Where a Dataset's elements start: slices of tensors, a range of integers, a generator. */
import { ValueError } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type RowPlan, rowPlan } from "./rows.js";
import { type Element, flatten, leafTensor, toElement, unflatten } from "./structure.js";

/** One pass over a dataset: every call starts a new one. */
export type Pass<T> = () => AsyncIterable<T>;

/**
 * The leaves of `x` as tensors, as rows to cut. An array counts as a tensor's values when it holds
 * only (nested) numbers or strings, and as a tuple of components otherwise.
 */
export function sliceSource(x: unknown): { rows: RowPlan; size: number } {
  const where = "Dataset.fromTensorSlices";
  const leaves = flatten(x).map((l) => leafTensor(l, where));
  if (leaves.length === 0) throw new ValueError(`${where}: received no tensors`);
  const scalar = leaves.find((t) => t.rank === 0);
  const size = leaves[0]!.shape[0];
  if (scalar || leaves.some((t) => t.shape[0] !== size)) {
    throw new ValueError(
      `${where}: every component must have the same size on its first axis; received shapes ` +
        leaves.map((t) => `[${t.shape.join(",")}]`).join(", "),
    );
  }
  // The structure with its leaves as tensors: walking x itself would test every value of an
  // array column for each element.
  return { rows: rowPlan(unflatten(x, leaves), leaves, size!), size: size! };
}

/** Python's range(start, stop, step): int32 scalars. */
export function rangeSource(
  start: number,
  stop: number,
  step: number,
): { pass: Pass<Tensor>; size: number } {
  const size = Math.max(0, Math.ceil((stop - start) / step));
  async function* pass(): AsyncGenerator<Tensor> {
    for (let i = 0; i < size; i++) yield tensor(new Int32Array([start + i * step]), []);
  }
  return { pass, size };
}

type Iterables = Iterable<unknown> | AsyncIterable<unknown>;

function isIterable(x: unknown): x is Iterables {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    (Symbol.asyncIterator in x || Symbol.iterator in x)
  );
}

/**
 * A fresh iteration per pass; numbers and number arrays it yields become tensors. `source` is a
 * generator function (called each pass) or an iterable object (iterated afresh each pass: an
 * array or any restartable iterable gives every pass; a generator object is used up after one).
 */
export function generatorSource(source: (() => Iterables) | Iterables): Pass<Element> {
  const where = "Dataset.fromGenerator";
  return async function* pass(): AsyncGenerator<Element> {
    const it = typeof source === "function" && !isIterable(source) ? source() : source;
    if (!isIterable(it)) {
      throw new ValueError(
        `${where}: the function must return a generator (or any iterable); received ${typeof it}`,
      );
    }
    for await (const v of it as AsyncIterable<unknown>) yield toElement(v, where);
  };
}
