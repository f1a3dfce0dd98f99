import { noGrad } from "../autodiff/tape.js";
import { DTypeError } from "../errors.js";
import { fromStrings, fromValues, type Tensor } from "../tensor/tensor.js";

/*
 * String tensors are host-only and have no kernels (API.md). The ops that only move values
 * (slicing, gathering, joining, transposing, broadcasting, tiling) run on them through their
 * positions: each string is numbered, the numeric op moves the numbers, and the numbers pick the
 * strings back. Every shape rule and error of those ops therefore holds for strings unchanged.
 */

/** Whether any of the tensors holds strings. */
export function anyStrings(ts: readonly Tensor[]): boolean {
  return ts.some((t) => t.dtype === "string");
}

/** `move` applied to string tensors through their positions (see above). */
export function moveStrings(ts: readonly Tensor[], move: (positions: Tensor[]) => Tensor): Tensor {
  const table: string[] = [];
  const positions = ts.map((t) => {
    if (t.dtype !== "string") {
      throw new DTypeError(
        `cannot combine a string tensor with a ${t.dtype} tensor (shape [${t.shape.join(",")}])`,
      );
    }
    const first = table.length;
    for (const s of t.stringValues()) table.push(s);
    return fromValues(
      Int32Array.from({ length: t.size }, (_, i) => first + i),
      t.shape,
    );
  });
  const moved = noGrad(() => move(positions));
  return fromStrings(
    Array.from(moved.dataSync(), (i) => table[i]!),
    moved.shape,
  );
}

/** Elementwise equality of two string tensors of the same shape (already broadcast). */
export function stringsEqual(a: Tensor, b: Tensor): Tensor {
  const x = a.stringValues();
  const y = b.stringValues();
  return fromValues(
    Uint8Array.from(x, (s, i) => Number(s === y[i])),
    a.shape,
  );
}
