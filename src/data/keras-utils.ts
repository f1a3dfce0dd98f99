/**
 * The smaller `keras.utils` helpers of `st.utils` that are about the session and the graph
 * rather than data: seeds, automatic names, symbolic tensors, and packing a step's data.
 */
import { ValueError } from "../errors.js";
import { SymbolicTensor, resetNames } from "../layers/layer.js";
import { InputLayer } from "../layers/core/input.js";
import { setSeed } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";

/** Keras `utils.set_random_seed`: every later initializer, shuffle, dropout and draw repeats. */
export function setRandomSeed(seed: number): void {
  setSeed(seed);
}

/** Keras `utils.clear_session`: restarts the automatic names ("dense", "dense_1" …). */
export function clearSession(): void {
  resetNames();
}

/** Keras `utils.is_keras_tensor`: whether `x` is a symbolic tensor of a functional model. */
export function isKerasTensor(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}

/**
 * Keras `utils.get_source_inputs`: the `Input` tensors a symbolic tensor is computed from, in
 * the order first reached (depth first through each call's inputs).
 */
export function getSourceInputs(tensor: SymbolicTensor): SymbolicTensor[] {
  if (!(tensor instanceof SymbolicTensor)) {
    throw new ValueError(
      `getSourceInputs: expected a symbolic tensor (from st.Input or a layer call on one); received ${String(tensor)}`,
    );
  }
  const found: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor) => {
    if (seen.has(t)) return;
    seen.add(t);
    const node = t.node;
    if (!node || node.layer instanceof InputLayer || node.inputs.length === 0) {
      found.push(t);
      return;
    }
    for (const input of node.inputs) visit(input);
  };
  visit(tensor);
  return found;
}

/**
 * Keras `utils.pack_x_y_sample_weight`: what a step's `data` is for these parts — `x` alone
 * (or `[x]` when x is itself a list), `[x, y]`, or `[x, y, sampleWeight]`.
 */
export function packXYSampleWeight(x: unknown, y?: unknown, sampleWeight?: Tensor | null): unknown {
  if (y === undefined || y === null) return Array.isArray(x) ? [x] : x;
  if (sampleWeight === undefined || sampleWeight === null) return [x, y];
  return [x, y, sampleWeight];
}
