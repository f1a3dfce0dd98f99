import { add, multiply, tanh } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";
import { Attention, type AttentionArgs, checkInputShapes } from "./attention.js";

export interface AdditiveAttentionArgs extends Omit<AttentionArgs, "scoreMode"> {
  /** Learn a per-feature scale of the tanh terms (weight "scale", shape [dim]); default true. */
  useScale?: boolean;
}

/**
 * Keras `AdditiveAttention` (Bahdanau-style): Attention with scores
 * `Σ_d scale[d] · tanh(q[i, d] + k[j, d])` over the features, `scale` a learned [dim] vector
 * (glorot_uniform) when `useScale` (default true), else 1. Everything else — inputs
 * `[query, value(, key)]`, masks, causal mask, dropout on the probabilities, returned scores — is
 * Attention's. The config has no score_mode, as Keras's.
 */
export class AdditiveAttention extends Attention {
  /** Keras passes score_mode on to Attention and then ignores it: so does Strata. */
  static override readonly extraOptions: readonly string[] = ["scoreMode"];

  constructor(args: AdditiveAttentionArgs = {}) {
    super({ ...args, useScale: args.useScale ?? true, scoreMode: "dot" });
  }

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    const [q] = checkInputShapes(inputShape, this.constructor.name);
    if (this.useScale) {
      this.scale = this.addWeight({
        name: "scale",
        shape: [q.at(-1)!],
        initializer: "glorot_uniform",
      });
    }
  }

  protected override scores(q: Tensor, k: Tensor): Tensor {
    // [B, Tq, 1, dim] + [B, 1, Tv, dim] → Σ over dim of scale · tanh(·)
    const t = tanh(add(expandDims(q, -2), expandDims(k, -3)));
    return sum(this.scale ? multiply(t, this.scale) : t, -1);
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.score_mode;
    return config;
  }

  static override fromConfig(config: Record<string, unknown>): AdditiveAttention {
    return new AdditiveAttention(fromKerasConfig(config) as AdditiveAttentionArgs);
  }
}

registerKerasLayers({ AdditiveAttention });
