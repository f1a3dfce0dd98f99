/**
 * How Layer.apply reads its inputs: a list of inputs or one, the shape `build` sees, and the
 * shapes as error messages print them.
 */
import { Variable } from "../autodiff/variable.js";
import { Tensor } from "../tensor/tensor.js";
import type { Shapes } from "./layer-types.js";
import { type ShapeSpec, SymbolicTensor, fmtSpec } from "./symbolic.js";

/** The shape `build` sees: the batch axis unknown, as in the symbolic case. */
export function batchless(shape: readonly number[]): ShapeSpec {
  return shape.length === 0 ? shape : [null, ...shape.slice(1)];
}

export function isTensorish(x: unknown): boolean {
  return x instanceof Tensor || x instanceof SymbolicTensor || x instanceof Variable;
}

export function fmtShapes(s: Shapes): string {
  return Array.isArray(s[0]) ? (s as ShapeSpec[]).map(fmtSpec).join(", ") : fmtSpec(s as ShapeSpec);
}
