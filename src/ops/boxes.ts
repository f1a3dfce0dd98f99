import { record } from "../autodiff/tape.js";
import { ValueError } from "../errors.js";
import { full } from "../tensor/creation.js";
import { collapseAxes, sizeOf, stridesOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { empty, kernels } from "./core.js";
import { moveStrings } from "./strings.js";

// Strided box copies, shared by slice, pad, concatenate and flip (one kernel call each), and the
// integer-argument check shared by slice, tile and repeat.

/**
 * Copies the box of `shape` read from src at `from` (moving `step` per axis, -1 to walk backwards)
 * into dst at `to`. Slice, pad, concatenate and flip are each one or a few of these copies.
 */
export function copyBox(
  src: Tensor,
  from: readonly number[],
  step: readonly number[],
  dst: Tensor,
  to: readonly number[],
  shape: readonly number[],
): void {
  if (sizeOf(shape) === 0) return;
  const ss = stridesOf(src.shape);
  const ds = stridesOf(dst.shape);
  let srcOffset = 0;
  let dstOffset = 0;
  shape.forEach((_, i) => {
    srcOffset += from[i]! * ss[i]!;
    dstOffset += to[i]! * ds[i]!;
  });
  const plan = collapseAxes(shape, [ss.map((s, i) => s * step[i]!), ds]);
  kernels().copy(src.storage, srcOffset, dst.storage, dstOffset, plan);
}

export const zerosOf = (n: number): number[] => new Array<number>(n).fill(0);
export const onesOf = (n: number): number[] => new Array<number>(n).fill(1);

/** The box of `size` at `start` in x. d slice = dy placed back at `start` in zeros. */
export function sliceBox(x: Tensor, start: readonly number[], size: readonly number[]): Tensor {
  if (x.dtype === "string") return moveStrings([x], ([p]) => sliceBox(p!, start, size));
  const out = empty(size, x.dtype);
  copyBox(x, start, onesOf(x.rank), out, zerosOf(x.rank), size);
  return record(out, [x], (dy) => [embed(dy, start, x.shape)]);
}

/** x written at `start` into a tensor of `shape` filled with `fill`. d embed = the slice at `start`. */
export function embed(
  x: Tensor,
  start: readonly number[],
  shape: readonly number[],
  fill = 0,
): Tensor {
  const out = fill === 0 ? empty(shape, x.dtype) : full(shape, fill, x.dtype);
  copyBox(x, zerosOf(x.rank), onesOf(x.rank), out, start, x.shape);
  return record(out, [x], (dy) => [sliceBox(dy, start, x.shape)]);
}

/** `min` null: any integer. */
export function checkInts(
  values: readonly number[],
  op: string,
  arg: string,
  min: number | null = 0,
): void {
  if (
    !Array.isArray(values) ||
    values.some((v) => !Number.isInteger(v) || (min !== null && v < min))
  ) {
    const what =
      min === null ? "integers" : min === 0 ? "non-negative integers" : `integers ≥ ${min}`;
    throw new ValueError(`${op}: ${arg} must be ${what}; received ${JSON.stringify(values)}`);
  }
}
