import { ValueError } from "../../errors.js";
import type { ShapeSpec } from "../shape-spec.js";

// Shape checks and einsum equations for MultiHeadAttention.

export type Shapes = ShapeSpec | readonly ShapeSpec[];

/** Keras's `_build_proj_equation`: e.g. (2, 1, 2) → ["abc,cde->abde", "de"]. */
export function projectionEquation(free: number, bound: number, out: number): [string, string] {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const f = letters.slice(0, free);
  const b = letters.slice(free, free + bound);
  const o = letters.slice(free + bound, free + bound + out);
  return [`${f}${b},${b}${o}->${f}${o}`, o];
}

/** [query, value, key] shapes (key defaults to value), checked as Keras's layer checks them. */
export function inputShapes(inputShape: Shapes): [ShapeSpec, ShapeSpec, ShapeSpec] {
  const isList = inputShape.length > 0 && Array.isArray(inputShape[0]);
  if (!isList)
    throw new ValueError(listMessage(`one input of shape ${JSON.stringify(inputShape)}`));
  const shapes = inputShape as readonly ShapeSpec[];
  if (shapes.length < 2 || shapes.length > 3)
    throw new ValueError(listMessage(`${shapes.length} inputs`));
  const [q, v] = shapes as [ShapeSpec, ShapeSpec];
  const k = shapes[2] ?? v;
  if (q.length < 3) {
    throw new ValueError(
      `the query must have at least 3 axes ([batch, steps, dim]); received shape ${JSON.stringify(q)}`,
    );
  }
  if (v.length !== q.length || k.length !== q.length) {
    throw new ValueError(
      `query, value and key must have the same rank; received shapes ${JSON.stringify(shapes)}`,
    );
  }
  const vk = v.slice(1, -1).every((d, i) => d === null || k[i + 1] === null || d === k[i + 1]);
  if (!vk) {
    throw new ValueError(
      `all dimensions of value and key, except the last one, must be equal; received value_shape=${JSON.stringify(v)} and key_shape=${JSON.stringify(k)}`,
    );
  }
  return [q, v, k];
}

export function listMessage(received: string): string {
  return `MultiHeadAttention must be called on a list of inputs, namely [query, value] or [query, value, key]; received ${received}`;
}

/** The integers start, start + 1, …, stop − 1. */
export function range(start: number, stop: number): number[] {
  return Array.from({ length: Math.max(0, stop - start) }, (_, i) => start + i);
}
