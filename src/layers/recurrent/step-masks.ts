import { ValueError } from "../../errors.js";
import { keepSteps } from "../../ops/rnn.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { fmtSpec } from "../shape-spec.js";

/* A recurrent layer's mask [batch, time] in the forms its step loop and its fused pass use. */

/** The mask [batch, time] as 0/1 per sample and step, or null when nothing is masked. */
export function keepArray(mask: Tensor | null, batch: number, steps: number): Uint8Array | null {
  if (!mask) return null;
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
    throw new ValueError(
      `expected a mask of shape ${fmtSpec([batch, steps])}; received ${fmtSpec(mask.shape)}`,
    );
  }
  return keepSteps(mask);
}

/** keep [batch, steps] with each sample's steps in reverse order. */
export function reverseSteps(keep: Uint8Array, batch: number, steps: number): Uint8Array {
  const out = new Uint8Array(keep.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) out[b * steps + t] = keep[b * steps + steps - 1 - t]!;
  }
  return out;
}

/**
 * Where the fused pass's per-step state is the loop's output (1) and where the loop outputs zeros
 * (0): at masked steps with zeroOutputForMask, else before a sample's first valid step. Null when
 * it is the output everywhere.
 */
export function outputMask(
  keep: Uint8Array,
  batch: number,
  steps: number,
  zeroOutputForMask: boolean,
): Uint8Array | null {
  if (zeroOutputForMask) return keep;
  const shown = new Uint8Array(keep.length);
  let all = true;
  for (let b = 0; b < batch; b++) {
    let seen = 0;
    for (let t = 0; t < steps; t++) {
      seen |= keep[b * steps + t]!;
      shown[b * steps + t] = seen;
      if (!seen) all = false;
    }
  }
  return all ? null : shown;
}

/** The last step's column of a [batch, steps] 0/1 array, or null when it is all ones. */
export function lastSteps(shown: Uint8Array, batch: number, steps: number): Uint8Array | null {
  const out = new Uint8Array(batch);
  let all = true;
  for (let b = 0; b < batch; b++) {
    out[b] = shown[b * steps + steps - 1]!;
    if (!out[b]) all = false;
  }
  return all ? null : out;
}

/**
 * The mask [batch, time] as one [batch, 1] bool tensor per timestep, or null for a timestep where
 * nothing is masked (so fully valid steps cost no extra ops).
 */
export function timestepMasks(
  mask: Tensor | null,
  batch: number,
  steps: number,
): (Tensor | null)[] | null {
  const keep = keepArray(mask, batch, steps);
  if (!keep) return null;
  const out: (Tensor | null)[] = [];
  for (let t = 0; t < steps; t++) {
    const step = new Uint8Array(batch);
    let all = true;
    for (let b = 0; b < batch; b++) {
      step[b] = keep[b * steps + t]!;
      if (!step[b]) all = false;
    }
    out.push(all ? null : fromValues(step, [batch, 1]));
  }
  return out;
}
