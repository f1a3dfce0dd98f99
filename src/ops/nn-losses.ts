/**
 * keras.ops.nn's cross-entropies (elementwise / per-sample values, as Keras's backends compute
 * them: probabilities clipped to [ε, 1 − ε], categorical outputs renormalized) and
 * dotProductAttention (Keras's (batch, seq, heads, dim) layout, grouped-query heads, bias, mask,
 * causal masking and logit soft-capping), composed of ops.
 */
import { isFlashAttentionEnabled } from "./flash-attention-config.js";
import { EPSILON } from "../tensor/config.js"; // Keras's backend.epsilon(), read when the op runs
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { logSoftmax, softmax } from "./activations.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  add,
  clip,
  divide,
  log,
  logicalAnd,
  multiply,
  negative,
  sigmoid,
  subtract,
  tanh,
  where,
} from "./elementwise.js";
import { oneHot } from "./gather.js";
import { repeat } from "./join.js";
import { reshape, squeeze } from "./movement.js";
import { sum } from "./reduce.js";
import { floatInput, intInput } from "./host-map.js";
import { einsum } from "./numpy-products.js";

function sameShape(t: Tensor, o: Tensor, op: string): void {
  if (t.rank !== o.rank || t.shape.some((d, i) => d !== o.shape[i])) {
    throw new ShapeError(
      `${op}: target and output must have the same shape; received ${fmtShape(t.shape)} and ${fmtShape(o.shape)}`,
    );
  }
}

/** Elementwise −(t log p + (1 − t) log(1 − p)), p = output (sigmoid of it with `fromLogits`). */
export function binaryCrossentropy(
  target: TensorLike,
  output: TensorLike,
  fromLogits = false,
): Tensor {
  const o = floatInput(output);
  const t = castTo(asTensor(target), o.dtype);
  sameShape(t, o, "binaryCrossentropy");
  const p = clip(fromLogits ? sigmoid(o) : o, EPSILON, 1 - EPSILON);
  return negative(add(multiply(t, log(p)), multiply(subtract(1, t), log(subtract(1, p)))));
}

function categoricalLogProb(o: Tensor, fromLogits: boolean, axis: number): Tensor {
  if (fromLogits) return logSoftmax(o, axis);
  return log(clip(divide(o, sum(o, axis, true)), EPSILON, 1 - EPSILON));
}

/** −Σ target · log p along `axis`. */
export function categoricalCrossentropy(
  target: TensorLike,
  output: TensorLike,
  fromLogits = false,
  axis = -1,
): Tensor {
  const o = floatInput(output);
  const t = castTo(asTensor(target), o.dtype);
  sameShape(t, o, "categoricalCrossentropy");
  if (o.rank < 1)
    throw new ShapeError("categoricalCrossentropy: target and output must be at least rank 1");
  return negative(sum(multiply(t, categoricalLogProb(o, fromLogits, axis)), axis));
}

/** categoricalCrossentropy with integer class targets (a trailing size-1 axis is dropped). */
export function sparseCategoricalCrossentropy(
  target: TensorLike,
  output: TensorLike,
  fromLogits = false,
  axis = -1,
): Tensor {
  const o = floatInput(output);
  let t = castTo(intInput(target, "sparseCategoricalCrossentropy", "target"), "int32");
  if (o.rank < 1)
    throw new ShapeError("sparseCategoricalCrossentropy: output must be at least rank 1");
  if (t.rank === o.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  if (t.rank !== o.rank - 1 || t.shape.some((d, i) => d !== o.shape[i])) {
    throw new ShapeError(
      `sparseCategoricalCrossentropy: target must have output's shape up to the last axis; received ${fmtShape(t.shape)} and ${fmtShape(o.shape)}`,
    );
  }
  const hot = castTo(oneHot(t, o.shape[o.rank - 1]!, axis, "float32"), o.dtype);
  return negative(sum(multiply(hot, categoricalLogProb(o, fromLogits, axis)), axis));
}

/**
 * softmax(q·kᵀ · scale + bias, masked) · v over (batch, seq, heads, dim) tensors; key/value may
 * have fewer heads (grouped-query attention: each serves heads / kvHeads query heads). `mask` is
 * bool, broadcast to (batch, heads, T, S), true where attention is allowed; `isCausal` masks
 * keys after each query. `flashAttention` null (the default) takes `st.config`'s setting
 * (isFlashAttentionEnabled: null, "auto", or false); Strata has no flash-attention kernel, so
 * "auto" and false both compute the attention above, and `true` raises, as Keras raises when
 * flash attention is not supported on the device.
 */
export function dotProductAttention(
  query: TensorLike,
  key: TensorLike,
  value: TensorLike,
  bias: TensorLike | null = null,
  mask: TensorLike | null = null,
  scale: number | null = null,
  isCausal = false,
  flashAttention: boolean | null = null,
  attnLogitsSoftCap: number | null = null,
): Tensor {
  if ((flashAttention ?? isFlashAttentionEnabled()) === true) {
    throw new ValueError(
      "dotProductAttention: flash attention is not supported on this device (Strata has no " +
        "flash-attention kernel); received flashAttention=true. Pass null (auto, the default) or false",
    );
  }
  const q = floatInput(query);
  let k = castTo(floatInput(key), q.dtype);
  let v = castTo(floatInput(value), q.dtype);
  for (const [name, t] of [
    ["query", q],
    ["key", k],
    ["value", v],
  ] as const) {
    if (t.rank !== 4 && t.rank !== 3) {
      throw new ShapeError(
        `dotProductAttention: ${name} must be (batch, seq, heads, dim) or (seq, heads, dim); received ${fmtShape(t.shape)}`,
      );
    }
  }
  const unbatched = q.rank === 3;
  const q4 = unbatched ? reshape(q, [1, ...q.shape]) : q;
  if (unbatched) {
    k = reshape(k, [1, ...k.shape]);
    v = reshape(v, [1, ...v.shape]);
  }
  const heads = q4.shape[2]!;
  const kvHeads = k.shape[2]!;
  if (heads % kvHeads !== 0) {
    throw new ShapeError(
      `dotProductAttention: query heads (${heads}) must be a multiple of key heads (${kvHeads})`,
    );
  }
  if (kvHeads !== heads) {
    k = repeat(k, heads / kvHeads, 2);
    v = repeat(v, heads / kvHeads, 2);
  }
  const dim = q4.shape[3]!;
  let logits = multiply(einsum("btnh,bsnh->bnts", q4, k), scale ?? 1 / Math.sqrt(dim));
  if (bias !== null) logits = add(logits, castTo(asTensor(bias), q.dtype));
  if (attnLogitsSoftCap !== null)
    logits = multiply(tanh(divide(logits, attnLogitsSoftCap)), attnLogitsSoftCap);
  const T = q4.shape[1]!;
  const S = k.shape[1]!;
  let allowed: Tensor | null = mask === null ? null : castTo(asTensor(mask), "bool");
  if (isCausal) {
    const causal = tensor(
      Uint8Array.from({ length: T * S }, (_, i) => (i % S <= Math.floor(i / S) ? 1 : 0)),
      [T, S],
      "bool",
    );
    allowed = allowed ? logicalAnd(allowed, causal) : causal;
  }
  // Keras's large negative (−0.7 · float32 max), so a fully masked row stays finite.
  if (allowed) logits = where(allowed, logits, -0.7 * 3.38953e38);
  const probs = softmax(logits, -1);
  const out = einsum("bnts,bsnh->btnh", probs, v);
  return unbatched ? reshape(out, out.shape.slice(1)) : out;
}
