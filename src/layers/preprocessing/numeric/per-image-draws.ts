/**
 * Host draws shared by the colour augmentation layers: one random value per image of a batch,
 * from the layer's seeded stream, shaped to broadcast against the batch ([B, 1, 1, 1]).
 */
import { tensor } from "../../../tensor/creation.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Generator } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";

/** `n` draws uniform in [low, high). */
export function uniformDraws(rng: Generator, n: number, low: number, high: number): number[] {
  return Array.from({ length: n }, () => low + (high - low) * rng.uniform());
}

/** Per-image values as a [B, 1, 1, 1] tensor of `dtype`. */
export function perImage(values: readonly number[], dtype: DType = "float32"): Tensor {
  return tensor([...values], [values.length, 1, 1, 1], dtype);
}
