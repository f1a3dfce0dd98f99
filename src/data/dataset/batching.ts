/** batch and unbatch: stacking elements along a new first axis, and cutting them apart again. */
import { ValueError } from "../../errors.js";
import { take } from "../../ops/gather.js";
import { stack } from "../../ops/join.js";
import { pad } from "../../ops/pad.js";
import { tensor } from "../../tensor/creation.js";
import type { Pass } from "./sources.js";
import { describe, flatten, leafTensor, sameStructure, unflatten } from "./structure.js";

/** Stacks each component of `items` (elements of one structure) along a new first axis. */
export function stackElements<T>(items: readonly T[]): T {
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

/** A padded shape: a size per axis, null or -1 where the batch's longest element decides. */
export type PaddedShape = readonly (number | null)[];

/** `spec` cut at `like`'s leaves: one entry per component (a leaf of `like` takes spec whole). */
function specPerLeaf(like: unknown, spec: unknown, what: string, where: string): unknown[] {
  const fail = (): never => {
    throw new ValueError(
      `${where}: ${what} must follow the element's structure ${describe(like)}; received ${JSON.stringify(spec)}`,
    );
  };
  if (flatten(like).length === 1 && flatten(like)[0] === like) return [spec];
  if (Array.isArray(like)) {
    if (!Array.isArray(spec) || spec.length !== like.length) fail();
    return like.flatMap((l, i) => specPerLeaf(l, (spec as unknown[])[i], what, where));
  }
  const rec = like as Record<string, unknown>;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail();
  const s = spec as Record<string, unknown>;
  if (Object.keys(s).some((k) => !(k in rec))) fail();
  return Object.keys(rec).flatMap((k) => specPerLeaf(rec[k], s[k], what, where));
}

const fmt = (shape: readonly (number | null)[]): string =>
  `[${shape.map((d) => (d === null ? "null" : d)).join(", ")}]`;

/**
 * tf.data's padded_batch: each component of the batch's elements is padded at the end of every
 * axis to `paddedShapes`' size there, or to the longest element's size where that is null or -1
 * (everywhere without paddedShapes), filled with its padding value, then stacked.
 */
function padAndStack<T>(
  items: readonly T[],
  paddedShapes: unknown,
  paddingValues: unknown,
  where: string,
): T {
  const first = items[0];
  for (const item of items) {
    if (!sameStructure(first, item)) {
      throw new ValueError(
        `${where}: every element must have the same structure; received ${describe(first)} and ${describe(item)}`,
      );
    }
  }
  const columns = flatten(first).map((_, i) =>
    items.map((item) => leafTensor(flatten(item)[i], where)),
  );
  const shapes =
    paddedShapes === undefined
      ? columns.map(() => null)
      : specPerLeaf(first, paddedShapes, "paddedShapes", where);
  const values =
    paddingValues === undefined
      ? columns.map(() => 0)
      : typeof paddingValues === "number" || typeof paddingValues === "boolean"
        ? columns.map(() => Number(paddingValues))
        : specPerLeaf(first, paddingValues, "paddingValues", where);
  const stacked = columns.map((col, c) => {
    const rank = col[0]!.rank;
    const other = col.find((t) => t.rank !== rank);
    if (other) {
      throw new ValueError(
        `${where}: elements of one component must have the same rank; received shapes ${fmt(col[0]!.shape)} and ${fmt(other.shape)}`,
      );
    }
    const spec = shapes[c] as PaddedShape | null;
    if (spec !== null && (!Array.isArray(spec) || spec.length !== rank)) {
      throw new ValueError(
        `${where}: paddedShapes ${JSON.stringify(spec)} does not match the rank of a component of shape ${fmt(col[0]!.shape)}`,
      );
    }
    const value = values[c];
    if (typeof value !== "number" && typeof value !== "boolean") {
      throw new ValueError(
        `${where}: a padding value must be a number; received ${JSON.stringify(value)}`,
      );
    }
    const target = col[0]!.shape.map((_, axis) => {
      const fixed = spec?.[axis];
      const longest = Math.max(...col.map((t) => t.shape[axis]!));
      if (fixed === null || fixed === undefined || fixed === -1) return longest;
      if (!Number.isInteger(fixed) || fixed < 0)
        throw new ValueError(`${where}: invalid paddedShapes ${fmt(spec!)}`);
      if (longest > fixed) {
        const t = col.find((e) => e.shape[axis]! > fixed)!;
        throw new ValueError(
          `${where}: an element of shape ${fmt(t.shape)} is larger than its padded shape ${fmt(spec!)}`,
        );
      }
      return fixed;
    });
    const padded = col.map((t) =>
      pad(
        t,
        t.shape.map((d, axis) => [0, target[axis]! - d]),
        "constant",
        Number(value),
      ),
    );
    return stack(padded, 0);
  });
  return unflatten(first, stacked) as T;
}

export function paddedBatchPass<T>(
  input: Pass<T>,
  batchSize: number,
  dropRemainder: boolean,
  paddedShapes: unknown,
  paddingValues: unknown,
): Pass<T> {
  const where = "Dataset.paddedBatch";
  return async function* () {
    let buffer: T[] = [];
    for await (const item of input()) {
      buffer.push(item);
      if (buffer.length === batchSize) {
        yield padAndStack(buffer, paddedShapes, paddingValues, where);
        buffer = [];
      }
    }
    if (buffer.length > 0 && !dropRemainder)
      yield padAndStack(buffer, paddedShapes, paddingValues, where);
  };
}
