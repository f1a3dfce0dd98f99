import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast, logicalAnd } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { causalMask } from "./attention.js";

// The boolean masks MultiHeadAttention combines before its softmax.

/** `[1, t, s]`, true where |i − j| < window: the symmetric sliding-window band. */
export function bandMask(t: number, s: number, window: number): Tensor {
  const data = new Uint8Array(t * s);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < s; j++) data[i * s + j] = Math.abs(i - j) < window ? 1 : 0;
  return fromValues(data, [1, t, s]);
}

export interface MaskParts {
  queryMask: Tensor | null;
  valueMask: Tensor | null;
  keyMask: Tensor | null;
  useCausalMask: boolean;
  slidingWindow: number | null;
  attentionMask: TensorLike | null | undefined;
}

/**
 * Keras's merged mask: query [B,T,1] & value [B,1,S] & key [B,1,S] & causal/band [1,T,S] & given.
 * Null when nothing masks.
 */
export function mergeAttentionMasks(query: Tensor, value: Tensor, m: MaskParts): Tensor | null {
  const parts: Tensor[] = [];
  if (m.queryMask) parts.push(expandDims(cast(m.queryMask, "bool"), -1));
  if (m.valueMask) parts.push(expandDims(cast(m.valueMask, "bool"), -2));
  if (m.keyMask) parts.push(expandDims(cast(m.keyMask, "bool"), -2));
  const t = query.shape[1]!;
  const s = value.shape[1]!;
  if (m.useCausalMask) parts.push(causalMask(t, s));
  if (m.slidingWindow !== null) parts.push(bandMask(t, s, m.slidingWindow));
  if (m.attentionMask !== null && m.attentionMask !== undefined) {
    parts.push(cast(asTensor(m.attentionMask), "bool"));
  }
  return parts.length === 0 ? null : parts.reduce((x, y) => logicalAnd(x, y));
}
