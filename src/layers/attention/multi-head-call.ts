/**
 * What MultiHeadAttention and GroupedQueryAttention share: Keras's extra call arguments
 * (`attentionMask`, `useCausalMask`, `returnAttentionScores`), held for the duration of one
 * call so `call` can read them, and recorded on the outputs so functional models replay them.
 */
import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, SymbolicTensor } from "../layer.js";
import { type AttentionCallOptions, recordCallOptions } from "./attention.js";

export interface MultiHeadAttentionCallOptions extends AttentionCallOptions {
  /**
   * Boolean `[B, T, S]` mask (broadcast over the heads and a missing batch axis): 1 where a query
   * step may attend to a key step. Combined (AND) with the inputs' masks and the causal mask.
   */
  attentionMask?: TensorLike | null;
}

export abstract class MultiHeadCallLayer extends Layer {
  /** Keras's call arguments beyond training and mask. */
  static readonly callOptions: readonly string[] = [
    "attentionMask",
    "returnAttentionScores",
    "useCausalMask",
  ];
  /** The current call's extra arguments (empty between calls). */
  protected extra: MultiHeadAttentionCallOptions = {};

  // Keras's call adds attention_mask, use_causal_mask and return_attention_scores.
  override apply(
    inputs: readonly SymbolicTensor[],
    opts: MultiHeadAttentionCallOptions & { returnAttentionScores: true },
  ): [SymbolicTensor, SymbolicTensor];
  override apply(
    inputs: readonly TensorLike[],
    opts: MultiHeadAttentionCallOptions & { returnAttentionScores: true },
  ): [Tensor, Tensor];
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: MultiHeadAttentionCallOptions,
  ): SymbolicTensor;
  override apply(
    inputs: TensorLike | readonly TensorLike[],
    opts?: MultiHeadAttentionCallOptions,
  ): Tensor;
  override apply(inputs: unknown, opts: MultiHeadAttentionCallOptions = {}): unknown {
    const {
      returnAttentionScores = false,
      useCausalMask = false,
      attentionMask = null,
      ...base
    } = opts;
    if (attentionMask instanceof SymbolicTensor) {
      throw new ValueError(
        `${this.where()}: a symbolic attentionMask is not supported in functional models yet; ` +
          `pass it when calling on tensors, or mask the inputs (Embedding maskZero, Masking)`,
      );
    }
    const outer = this.extra;
    this.extra = { returnAttentionScores, useCausalMask, attentionMask };
    try {
      const out: unknown = super.apply(inputs as never, base);
      recordCallOptions(out, { returnAttentionScores, useCausalMask });
      return out;
    } finally {
      this.extra = outer;
    }
  }
}
