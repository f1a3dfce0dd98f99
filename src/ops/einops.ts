/**
 * keras.ops.rearrange: einops-style axis rearrangement, "b (h h1) (w w1) c -> b h w (c h1 w1)".
 * As Keras's einops.py: input axes named one per dimension, parenthesised groups split a
 * dimension (the lengths given in `axesLengths`, at most one per group inferred), output groups
 * merge axes; the op is one reshape, one transpose and one reshape, so gradients come with them.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "./core.js";
import { reshape, transpose } from "./movement.js";

/** One side of a pattern: a list of groups, each a list of axis names (a bare name is a group of one). */
function parseSide(side: string, pattern: string): string[][] {
  const groups: string[][] = [];
  const token = /\(([^()]*)\)|(\w+)|(\S)/g;
  for (const m of side.matchAll(token)) {
    if (m[3] !== undefined)
      throw new ValueError(
        `rearrange: unexpected ${JSON.stringify(m[3])} in pattern ${JSON.stringify(pattern)}; ` +
          "expected axis names and parenthesised groups of them",
      );
    if (m[1] !== undefined) {
      const names = m[1].trim().split(/\s+/).filter(Boolean);
      if (names.some((n) => !/^\w+$/.test(n)))
        throw new ValueError(
          `rearrange: bad group "(${m[1]})" in pattern ${JSON.stringify(pattern)}`,
        );
      groups.push(names);
    } else groups.push([m[2]!]);
  }
  return groups;
}

/**
 * Rearranges the axes of `tensor` by an einops `pattern` ("in -> out"); `axesLengths` gives the
 * lengths of axes split out of an input dimension, e.g. `rearrange(x, "(h w) c -> h w c", {h: 2})`.
 */
export function rearrange(
  tensor: TensorLike,
  pattern: string,
  axesLengths: Readonly<Record<string, number>> = {},
): Tensor {
  const x = asTensor(tensor);
  const sides = pattern.split(/\s*->\s*/);
  if (sides.length !== 2)
    throw new ValueError(
      `rearrange: pattern must have one "->"; received ${JSON.stringify(pattern)}`,
    );
  const input = parseSide(sides[0]!, pattern);
  const output = parseSide(sides[1]!, pattern);
  if (input.length !== x.rank)
    throw new ShapeError(
      `rearrange: the pattern's input side names ${input.length} dimensions, but the tensor has ` +
        `shape ${fmtShape(x.shape)}`,
    );
  // the length of every input axis: given, inferred from its group's dimension, or the dimension
  const lengths = new Map<string, number>();
  input.forEach((group, i) => {
    const dim = x.shape[i]!;
    if (group.length === 1 && !(group[0]! in axesLengths)) {
      lengths.set(group[0]!, dim);
      return;
    }
    const unknown = group.filter((a) => !(a in axesLengths));
    if (unknown.length > 1)
      throw new ValueError(
        `rearrange: cannot infer both ${unknown.join(" and ")} in (${group.join(" ")}); give all but one in axesLengths`,
      );
    const known = group.filter((a) => a in axesLengths).reduce((p, a) => p * axesLengths[a]!, 1);
    for (const a of group) lengths.set(a, axesLengths[a] ?? Math.floor(dim / known));
    const total = group.reduce((p, a) => p * lengths.get(a)!, 1);
    if (total !== dim)
      throw new ShapeError(
        `rearrange: (${group.join(" ")}) has length ${total} (${group.map((a) => `${a}=${lengths.get(a)}`).join(", ")}), ` +
          `but dimension ${i} of shape ${fmtShape(x.shape)} is ${dim}`,
      );
  });
  const flatIn = input.flat();
  const flatOut = output.flat();
  for (const names of [flatIn, flatOut]) {
    const dup = names.find((a, i) => names.indexOf(a) !== i);
    if (dup !== undefined)
      throw new ValueError(
        `rearrange: axis ${dup} appears twice on one side of ${JSON.stringify(pattern)}`,
      );
  }
  const missing = flatOut.find((a) => !lengths.has(a)) ?? flatIn.find((a) => !flatOut.includes(a));
  if (missing !== undefined)
    throw new ValueError(
      `rearrange: axis ${missing} must appear on both sides of ${JSON.stringify(pattern)}`,
    );
  const split = flatIn.map((a) => lengths.get(a)!);
  const order = flatOut.map((a) => flatIn.indexOf(a));
  const outShape = output.map((g) => g.reduce((p, a) => p * lengths.get(a)!, 1));
  return reshape(transpose(reshape(x, split), order), outShape);
}
