/** batch and unbatch: stacking elements along a new first axis, and cutting them apart again. */
import { ValueError } from "../../errors.js";
import { take } from "../../ops/gather.js";
import { stack } from "../../ops/join.js";
import { tensor } from "../../tensor/creation.js";
import type { Pass } from "./sources.js";
import { describe, flatten, leafTensor, sameStructure, unflatten } from "./structure.js";

/** Stacks each component of `items` (elements of one structure) along a new first axis. */
function stackElements<T>(items: readonly T[]): T {
  const first = items[0];
  const columns = flatten(first).map(() => [] as ReturnType<typeof leafTensor>[]);
  for (const item of items) {
    if (!sameStructure(first, item)) {
      throw new ValueError(
        `Dataset.batch: every element must have the same structure; received ${describe(first)} and ${describe(item)}`,
      );
    }
    flatten(item).forEach((leaf, i) => columns[i]!.push(leafTensor(leaf, "Dataset.batch")));
  }
  const stacked = columns.map((col) => {
    const shape = col[0]!.shape.join(",");
    const other = col.find((t) => t.shape.join(",") !== shape);
    if (other) {
      throw new ValueError(
        `Dataset.batch: cannot batch components of different shapes; received [${shape}] and [${other.shape.join(",")}]`,
      );
    }
    return stack(col, 0);
  });
  return unflatten(first, stacked) as T;
}

export function batchPass<T>(input: Pass<T>, batchSize: number, dropRemainder: boolean): Pass<T> {
  return async function* () {
    let buffer: T[] = [];
    for await (const item of input()) {
      buffer.push(item);
      if (buffer.length === batchSize) {
        yield stackElements(buffer);
        buffer = [];
      }
    }
    if (buffer.length > 0 && !dropRemainder) yield stackElements(buffer);
  };
}

/** Each element's rows, one by one; every component must have the same first dimension. */
export function unbatchPass<T>(input: Pass<T>): Pass<T> {
  return async function* () {
    for await (const item of input()) {
      const leaves = flatten(item).map((l) => leafTensor(l, "Dataset.unbatch"));
      const rows = leaves[0]?.shape[0];
      if (leaves.some((t) => t.rank === 0 || t.shape[0] !== rows)) {
        throw new ValueError(
          `Dataset.unbatch: every component needs the same first dimension; received shapes ${leaves.map((t) => `[${t.shape.join(",")}]`).join(", ")}`,
        );
      }
      for (let i = 0; i < (rows ?? 0); i++) {
        const idx = tensor(new Int32Array([i]), []);
        yield unflatten(
          item,
          leaves.map((t) => take(t, idx, 0)),
        ) as T;
      }
    }
  };
}
