/**
 * `st.utils.splitDataset` (Keras's `keras.utils.split_dataset`): a dataset, or tensors and arrays
 * of one length, split into a left and a right Dataset (train / test). Like Keras it reads the
 * data once, into memory, and slices the two sides from it. A dataset whose last step is `batch`
 * is split by elements, not batches: it is unbatched first and both sides are batched again with
 * its batch size (Keras checks the same thing, tf.data's `_batch_size`, so a batch followed by
 * another step such as prefetch is split by batches, as in Keras).
 */
import { ValueError } from "../errors.js";
import { stack } from "../ops/join.js";
import { SeedGenerator } from "../tensor/random.js";
import { INFINITE_CARDINALITY } from "./dataset/cardinality.js";
import { Dataset, type SliceInput } from "./dataset/dataset.js";
import { checkKeys } from "./dataset/options.js";
import { type Element, flatten, leafTensor, unflatten } from "./dataset/structure.js";

export interface SplitDatasetOptions {
  /** A fraction in (0, 1) or a count of elements; the complement of rightSize when omitted. */
  leftSize?: number | null;
  /** A fraction in (0, 1) or a count of elements; the complement of leftSize when omitted. */
  rightSize?: number | null;
  /** Shuffle the elements before splitting (false by default). */
  shuffle?: boolean;
  seed?: number | null;
}

const where = "splitDataset";

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A size option as a count of the `total` elements (null: not given). */
function countOf(name: string, size: number | null | undefined, total: number): number | null {
  if (size === undefined || size === null) return null;
  if (typeof size !== "number" || !Number.isFinite(size) || size <= 0) {
    throw new ValueError(
      `${where}: ${name} must be a fraction in (0, 1) or a positive integer; received ${name}=${String(size)}`,
    );
  }
  if (!Number.isInteger(size)) {
    if (size >= 1)
      throw new ValueError(
        `${where}: a fractional ${name} must be in (0, 1); received ${name}=${size}`,
      );
    return roundHalfEven(size * total);
  }
  if (size > total) {
    throw new ValueError(
      `${where}: ${name}=${size} is larger than the dataset (${total} elements)`,
    );
  }
  return size;
}

/** fromTensorSlices without its element type (the split elements are untyped Elements). */
const slices = Dataset.fromTensorSlices as (x: unknown) => Dataset<Element>;

/** The elements stacked back into columns, as fromTensorSlices takes them. */
function sliced(items: readonly Element[]): Dataset<Element> {
  const first = items[0]!;
  const columns = flatten(first).map((_, i) =>
    stack(
      items.map((e) => leafTensor(flatten(e)[i], where)),
      0,
    ),
  );
  return slices(unflatten(first, columns));
}

/** Returns `[left, right]`: the first leftSize elements and the last rightSize ones. */
export async function splitDataset<T = Element>(
  dataset: Dataset<T> | SliceInput,
  opts: SplitDatasetOptions = {},
): Promise<[Dataset<T>, Dataset<T>]> {
  checkKeys(where, opts, ["leftSize", "rightSize", "shuffle", "seed"]);
  const given = dataset instanceof Dataset ? (dataset as Dataset<Element>) : slices(dataset);
  const batchSize = given.batchSize;
  const ds = batchSize === null ? given : given.unbatch();
  if (given.cardinality() === INFINITE_CARDINALITY)
    throw new ValueError(`${where}: cannot split an infinite dataset (it repeats forever)`);
  const items: Element[] = [];
  for await (const e of ds) items.push(e);
  const total = items.length;
  if (total === 0)
    throw new ValueError(`${where}: the dataset is empty; there is nothing to split`);
  let left = countOf("leftSize", opts.leftSize, total);
  let right = countOf("rightSize", opts.rightSize, total);
  if (left === null && right === null) left = roundHalfEven(0.5 * total);
  left ??= total - right!;
  right ??= total - left;
  if (left + right > total) {
    throw new ValueError(
      `${where}: leftSize + rightSize must be at most the dataset's ${total} elements; received ${left} + ${right}`,
    );
  }
  for (const [side, n] of [
    ["left", left],
    ["right", right],
  ] as const) {
    if (n === 0) {
      throw new ValueError(
        `${where}: with ${total} elements, leftSize=${String(opts.leftSize)} and rightSize=${String(opts.rightSize)} leave the ${side} side empty; adjust them`,
      );
    }
  }
  if (opts.shuffle) {
    const g = new SeedGenerator(opts.seed ?? undefined).generator;
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(g.uniform() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
  }
  const side = (part: Element[]): Dataset<T> => {
    const d = sliced(part);
    return (batchSize === null ? d : d.batch(batchSize)) as Dataset<T>;
  };
  return [side(items.slice(0, left)), side(items.slice(total - right))];
}
