/**
 * Keras's `encode_categorical_inputs`, shared by CategoryEncoding and Discretization: integer
 * indices in [0, depth) become "one_hot" rows (a new last axis, or in place of a last axis of
 * size 1), or per-sample "multi_hot" / "count" vectors (reduced over axis 1, or axis 0 for a
 * rank-1 input, as Keras does), optionally weighted per entry in "count" mode.
 */
import { ValueError } from "../../../errors.js";
import { oneHot } from "../../../ops/gather.js";
import { cast, multiply } from "../../../ops/elementwise.js";
import { expandDims, reshape } from "../../../ops/movement.js";
import { max, sum } from "../../../ops/reduce.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import type { ShapeSpec } from "../../shape-spec.js";

export type EncodingMode = "one_hot" | "multi_hot" | "count";

/** Checks an `outputMode` option against the modes a layer allows. */
export function checkOutputMode<M extends string>(
  mode: unknown,
  allowed: readonly M[],
  where: string,
): M {
  if (typeof mode !== "string" || !(allowed as readonly string[]).includes(mode)) {
    throw new ValueError(
      `${where}: outputMode must be one of ${allowed.map((m) => `"${m}"`).join(", ")}; received ${JSON.stringify(mode)}`,
    );
  }
  return mode as M;
}

/** Strata has no sparse tensors: `sparse: true` is refused, as Keras refuses it off TensorFlow. */
export function checkNotSparse(sparse: unknown, where: string): false {
  if (sparse === true) {
    throw new ValueError(`${where}: sparse=true needs sparse tensors, which Strata does not have`);
  }
  return false;
}

/** The encoded tensor of int32 `indices` (each in [0, depth)). */
export function encodeCategorical(
  indices: Tensor,
  mode: EncodingMode,
  depth: number,
  dtype: DType,
  countWeights?: Tensor,
): Tensor {
  const x = indices.rank === 0 ? reshape(indices, [1]) : indices;
  const reduceAxis = x.rank > 1 ? 1 : 0;
  if (mode === "one_hot") {
    const squeezed = x.rank > 1 && x.shape[x.rank - 1] === 1 ? reshape(x, x.shape.slice(0, -1)) : x;
    return oneHot(squeezed, depth, -1, dtype);
  }
  if (mode === "multi_hot") return max(oneHot(x, depth, -1, dtype), reduceAxis);
  const hot = oneHot(x, depth, -1, countWeights ? countWeights.dtype : dtype);
  const weighted = countWeights
    ? multiply(hot, expandDims(cast(countWeights, hot.dtype), -1))
    : hot;
  return sum(weighted, reduceAxis);
}

/** The output shape `encodeCategorical` gives for an input shape (Keras's compute_output_shape). */
export function encodedShape(inputShape: ShapeSpec, mode: EncodingMode, depth: number): ShapeSpec {
  if (inputShape.length === 0) return [depth];
  if (mode === "one_hot") {
    return inputShape.length > 1 && inputShape[inputShape.length - 1] === 1
      ? [...inputShape.slice(0, -1), depth]
      : [...inputShape, depth];
  }
  return inputShape.length >= 2 ? [inputShape[0] ?? null, ...inputShape.slice(2), depth] : [depth];
}
