/**
 * Keras's `encode_categorical_inputs` for the hashing and lookup layers: integer ids (already
 * computed on the host from strings or integers) become the layer's output in one of Keras's
 * output modes. Ids outside [0, depth) (a dropped mask token) count nowhere, as in TF's bincount.
 */
import { ValueError } from "../../../errors.js";
import type { DType } from "../../../tensor/dtype.js";
import { type Tensor, fromValues } from "../../../tensor/tensor.js";
import type { ShapeSpec } from "../../shape-spec.js";

export type CategoricalMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";

/** Output shape of `mode` for inputs of `shape` (Keras's call, which compute_output_shape follows). */
export function categoricalShape(
  shape: ShapeSpec,
  mode: CategoricalMode,
  depth: number | null,
): ShapeSpec {
  if (mode === "int") return [...shape];
  const s = shape.length === 0 ? [1] : [...shape];
  if (mode === "one_hot") {
    return s.length > 1 && s[s.length - 1] === 1 ? [...s.slice(0, -1), depth] : [...s, depth];
  }
  return [...s.slice(0, -1), depth];
}

/** Typed storage for `dtype` holding `n` zeros. */
function zerosOf(dtype: DType, n: number): Float32Array | Float64Array | Int32Array {
  if (dtype === "float64") return new Float64Array(n);
  if (dtype === "int32") return new Int32Array(n);
  if (dtype === "float32") return new Float32Array(n);
  throw new ValueError(
    `categorical output: dtype must be float32, float64 or int32; received dtype=${dtype}`,
  );
}

/**
 * Encodes `ids` (row-major, with `shape`) in `mode`: "int" keeps them, "one_hot" adds a `depth`
 * axis (replacing a trailing axis of 1), "multi_hot" / "count" / "tf_idf" reduce the last axis to
 * `depth` presence flags, counts, or counts × `idfWeights`.
 */
export function encodeCategorical(
  ids: Int32Array,
  shape: readonly number[],
  mode: CategoricalMode,
  depth: number,
  dtype: DType,
  idfWeights?: ArrayLike<number>,
): Tensor {
  if (mode === "int") return fromValues(Int32Array.from(ids), [...shape]);
  const outShape = categoricalShape(shape, mode, depth) as number[];
  const out = zerosOf(
    dtype,
    outShape.reduce((a, b) => a * b, 1),
  );
  if (mode === "one_hot") {
    ids.forEach((id, i) => {
      if (id >= 0 && id < depth) out[i * depth + id] = 1;
    });
    return fromValues(out, outShape);
  }
  const s = shape.length === 0 ? [1] : shape;
  const sample = s[s.length - 1]!;
  const rows = outShape.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < sample; k++) {
      const id = ids[r * sample + k]!;
      if (id < 0 || id >= depth) continue;
      if (mode === "multi_hot") out[r * depth + id] = 1;
      else out[r * depth + id]! += 1;
    }
  }
  if (mode === "tf_idf") {
    if (!idfWeights) throw new ValueError(`output_mode "tf_idf" needs idf weights`);
    for (let i = 0; i < out.length; i++) out[i]! *= idfWeights[i % depth] ?? 0;
  }
  return fromValues(out, outShape);
}
