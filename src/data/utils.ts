/**
 * Data utilities of `st.utils` (Keras's `keras.utils`).
 */
import { ValueError } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { TypedArray } from "../tensor/dtype.js";
import { type NestedArray, Tensor, fromValues } from "../tensor/tensor.js";

/**
 * `keras.utils.to_categorical(x, num_classes)`: integer class labels → one-hot float32 rows.
 *
 * The result has shape `[...y.shape, numClasses]`, except that a trailing axis of size 1 is
 * dropped first when y has rank > 1 (Keras: labels of shape [N, 1] give [N, numClasses]).
 * `numClasses` defaults to `max(y) + 1` (also when it is 0 or null, as Keras's `if not num_classes`).
 * Labels must be non-negative integers below `numClasses` (NumPy would wrap negative labels around
 * and Keras would truncate 2.5 to 2; both are reported as errors here instead).
 */
export function toCategorical(
  y: Tensor | NestedArray | TypedArray | readonly number[],
  numClasses?: number | null,
): Tensor {
  const where = "toCategorical";
  const t =
    y instanceof Tensor
      ? y
      : tensor(y as NestedArray, undefined, ArrayBuffer.isView(y) ? undefined : "float64");
  let shape = [...t.shape];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const labels = t.dataSync();
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new ValueError(
        `${where}: labels must be non-negative integers. Received: y[${i}]=${v} (flat index)`,
      );
    }
    if (v > max) max = v;
  }
  let classes = numClasses ?? 0;
  if (!classes) {
    if (labels.length === 0) {
      throw new ValueError(`${where}: cannot infer numClasses from an empty y; pass numClasses`);
    }
    classes = max + 1;
  }
  if (!Number.isInteger(classes) || classes < 0) {
    throw new ValueError(
      `${where}: numClasses must be a positive integer. Received: numClasses=${numClasses}`,
    );
  }
  if (max >= classes) {
    throw new ValueError(
      `${where}: label ${max} is out of range for numClasses=${classes} (labels must be below it)`,
    );
  }
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return fromValues(out, [...shape, classes]);
}

export { padSequences, type PadSequencesOptions } from "./pad-sequences.js";
export { kFold, type Fold } from "./k-fold.js";
export { splitDataset, type SplitDatasetOptions } from "./split-dataset.js";
export * from "./files/index.js";
export * from "../layers/preprocessing/feature-space/index.js";
export { unpackXYSampleWeight } from "../train/data-adapter.js";
export {
  setRandomSeed,
  clearSession,
  isKerasTensor,
  getSourceInputs,
  packXYSampleWeight,
} from "./keras-utils.js";
export * as boundingBoxes from "../utils/bounding-boxes/index.js";
export { diagnose, type Diagnosis, type DiagnosisKind } from "../train/diagnose.js";
export { Progbar, type ProgbarOptions, type ProgressStream } from "../utils/progbar.js";
export { normalize } from "./numerical-utils.js";
export { PyDataset, Sequence, type PyDatasetOptions } from "./py-dataset.js";
export { Config } from "../utils/config.js";
export { standardizeDtype } from "../tensor/dtype-utils.js";
export {
  enableInteractiveLogging,
  disableInteractiveLogging,
  isInteractiveLoggingEnabled,
} from "../utils/io-utils.js";
