import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { softmax } from "../../ops/activations.js";
import { cast, multiply, sigmoid, where } from "../../ops/elementwise.js";
import { repeat } from "../../ops/join.js";
import { matmul } from "../../ops/linalg.js";
import { expandDims, transpose } from "../../ops/movement.js";
import { dropout as dropoutOp } from "../../ops/nn.js";
import { ForkedSeed, SeedGenerator } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import type { CallOptions, LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";
import { MASKED_LOGIT, checkRate } from "./attention.js";
import { EinsumDense } from "../core/einsum-dense.js";
import { mergeAttentionMasks } from "./multi-head-attention-masks.js";
import { MultiHeadCallLayer } from "./multi-head-call.js";
import { type Shapes, inputShapes, listMessage } from "./multi-head-attention-shapes.js";

export interface GroupedQueryAttentionArgs extends LayerArgs {
  /** Size of each head (query, key and value). */
  headDim: number;
  numQueryHeads: number;
  /** Key/value heads; numQueryHeads must be a multiple of it. */
  numKeyValueHeads: number;
  /** Dropout rate on the attention probabilities, in training. */
  dropout?: number;
  useBias?: boolean;
  /** Each query step attends only to key steps at most `slidingWindow − 1` away. */
  slidingWindow?: number | null;
  /**
   * Keras's switch for fused flash-attention kernels. It changes speed, not results, so Strata
   * accepts and ignores it (true with dropout > 0 is refused, as Keras refuses it); it is not
   * part of Keras's config either.
   */
  flashAttention?: boolean | null;
  /** Gated attention: the heads' output times sigmoid(a "gate" projection of the query). */
  useGate?: boolean;
  kernelInitializer?: string | Initializer | KerasObject;
  biasInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  biasRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
  biasConstraint?: string | Constraint | null;
  seed?: number | null;
}

/**
 * Keras `GroupedQueryAttention` (exported as `GroupQueryAttention`; configs name the class
 * GroupedQueryAttention; Ainslie et al., 2023):
 * `numQueryHeads` query heads share `numKeyValueHeads` key/value heads, each key/value head
 * repeated numQueryHeads / numKeyValueHeads times. Inputs `[query, value(, key)]` of shapes
 * [B, T, dim], [B, S, dim], [B, S, dim]; output [B, T, dim]; returned scores [B, heads, T, S].
 * Sub-layers (and weights) are Keras's, in its order: query kernel [dim, Hq, headDim] (+ bias
 * [Hq, headDim]), key and value [dim, Hkv, headDim], gate (with useGate) like query, and
 * attention_output [Hq, headDim, dim] (+ bias [dim]). Masks as MultiHeadAttention's. As Keras's
 * fused path does, a query row with every key masked averages the values uniformly, unless the
 * scores are returned or dropout > 0, where Keras's masked softmax gives it zeros.
 */
export class GroupedQueryAttention extends MultiHeadCallLayer {
  readonly headDim: number;
  readonly numQueryHeads: number;
  readonly numKeyValueHeads: number;
  readonly numRepeats: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly useGate: boolean;
  readonly slidingWindow: number | null;
  // Declared in Keras's build order: `weights` lists sub-layers in property order.
  queryDense!: EinsumDense;
  keyDense!: EinsumDense;
  gateDense: EinsumDense | null = null;
  valueDense!: EinsumDense;
  outputDense!: EinsumDense;
  private readonly seedGenerator: SeedGenerator;
  private readonly args: GroupedQueryAttentionArgs;

  constructor(args: GroupedQueryAttentionArgs) {
    super({ ...args, activityRegularizer: null });
    this.args = args ?? ({} as GroupedQueryAttentionArgs);
    const a = this.args;
    const positive = (v: unknown, name: string): number => {
      if (!Number.isInteger(v) || (v as number) <= 0) {
        throw new ValueError(
          `${this.where()}: ${name} must be a positive integer; received ${name}=${String(v)}`,
        );
      }
      return v as number;
    };
    this.headDim = positive(a.headDim, "headDim");
    this.numQueryHeads = positive(a.numQueryHeads, "numQueryHeads");
    this.numKeyValueHeads = positive(a.numKeyValueHeads, "numKeyValueHeads");
    if (this.numQueryHeads % this.numKeyValueHeads !== 0) {
      throw new ValueError(
        `${this.where()}: numQueryHeads must be divisible by numKeyValueHeads; received ` +
          `numQueryHeads=${this.numQueryHeads}, numKeyValueHeads=${this.numKeyValueHeads}`,
      );
    }
    this.numRepeats = this.numQueryHeads / this.numKeyValueHeads;
    this.dropout = checkRate(a.dropout ?? 0, this.where());
    this.useBias = a.useBias ?? true;
    this.useGate = a.useGate ?? false;
    this.slidingWindow = a.slidingWindow ?? null;
    if (this.slidingWindow !== null) positive(this.slidingWindow, "slidingWindow");
    if (a.flashAttention && this.dropout > 0) {
      throw new ValueError(
        `${this.where()}: dropout is not supported when flash attention is enabled; ` +
          `received flashAttention=true, dropout=${this.dropout}`,
      );
    }
    this.seedGenerator = new SeedGenerator(a.seed ?? undefined);
    this.supportsMasking = true;
  }

  override build(inputShape: Shapes): void {
    const [q, v, k] = inputShapes(inputShape);
    if (q.length !== 3) {
      throw new ValueError(
        `${this.where()}: query, value and key must be [batch, steps, features]; received ` +
          `shapes ${JSON.stringify([q, v, k])}`,
      );
    }
    const a = this.args;
    const common = {
      kernelInitializer: a.kernelInitializer ?? "glorot_uniform",
      biasInitializer: a.biasInitializer ?? "zeros",
      kernelRegularizer: a.kernelRegularizer,
      biasRegularizer: a.biasRegularizer,
      kernelConstraint: a.kernelConstraint,
      biasConstraint: a.biasConstraint,
      activityRegularizer: a.activityRegularizer,
      dtype: this.dtype,
      trainable: this.trainable,
    };
    const make = (
      equation: string,
      out: (number | null)[],
      bias: string,
      name: string,
      shape: ShapeSpec,
    ): EinsumDense => {
      const layer = new EinsumDense(equation, out, {
        ...common,
        biasAxes: this.useBias ? bias : null,
        name,
      });
      layer.ensureBuilt(shape);
      return layer;
    };
    const hq = this.numQueryHeads;
    const hkv = this.numKeyValueHeads;
    const d = this.headDim;
    this.queryDense = make("bqm,muh->bquh", [null, hq, d], "uh", "query", q);
    this.keyDense = make("bkm,mvh->bkvh", [null, hkv, d], "vh", "key", k);
    if (this.useGate) this.gateDense = make("bqm,muh->bquh", [null, hq, d], "uh", "gate", q);
    this.valueDense = make("bkm,mvh->bkvh", [null, hkv, d], "vh", "value", v);
    this.outputDense = make("bquh,uhm->bqm", [null, q.at(-1)!], "m", "attention_output", [
      null,
      null,
      hq,
      d,
    ]);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    if (!Array.isArray(inputs))
      throw new ValueError(listMessage(`one tensor of shape [${inputs.shape}]`));
    inputShapes(inputs.map((t) => t.shape));
    const [query, value] = inputs as [Tensor, Tensor];
    const key = inputs[2] ?? value;
    const masks = Array.isArray(opts.mask) ? opts.mask : [];
    const mask = mergeAttentionMasks(query, value, {
      queryMask: masks[0] ?? null,
      valueMask: masks[1] ?? null,
      keyMask: inputs[2] ? (masks[2] ?? null) : null,
      useCausalMask: this.extra.useCausalMask ?? false,
      slidingWindow: this.slidingWindow,
      attentionMask: this.extra.attentionMask,
    });
    const gate = this.gateDense ? sigmoid(this.gateDense.apply(query)) : null;
    const q = this.queryDense.apply(query); // [B, T, Hq, D]
    const k = repeat(this.keyDense.apply(key), this.numRepeats, 2); // [B, S, Hq, D]
    const v = repeat(this.valueDense.apply(value), this.numRepeats, 2);
    const returnScores = this.extra.returnAttentionScores ?? false;
    const qh = transpose(multiply(q, 1 / Math.sqrt(this.headDim)), [0, 2, 1, 3]); // [B, H, T, D]
    let scores = matmul(qh, transpose(k, [0, 2, 3, 1])); // [B, H, T, S]
    if (mask) {
      const m = expandDims(cast(mask, "bool"), 1); // [B or 1, 1, T, S]
      scores = softmax(where(m, scores, MASKED_LOGIT), -1);
      if (returnScores || this.dropout > 0) scores = where(m, scores, 0);
    } else {
      scores = softmax(scores, -1);
    }
    const dropped =
      opts.training && this.dropout > 0
        ? dropoutOp(scores, this.dropout, { seed: new ForkedSeed(this.seedGenerator.generator) })
        : scores;
    let heads = transpose(matmul(dropped, transpose(v, [0, 2, 1, 3])), [0, 2, 1, 3]); // [B,T,H,D]
    if (gate) heads = multiply(heads, gate);
    const out = this.outputDense.apply(heads);
    return returnScores ? [out, scores] : out;
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    const [q, v] = inputShapes(inputShape);
    if (!this.extra.returnAttentionScores) return q;
    return [q, [q[0]!, this.numQueryHeads, q[1]!, v[1]!]];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      head_dim: this.headDim,
      num_query_heads: this.numQueryHeads,
      num_key_value_heads: this.numKeyValueHeads,
      use_bias: this.useBias,
      use_gate: this.useGate,
      sliding_window: this.slidingWindow,
      dropout: this.dropout,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      activity_regularizer: serializeRegularizer(a.activityRegularizer),
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
      seed: a.seed ?? null,
    };
  }

  static fromConfig(config: Record<string, unknown>): GroupedQueryAttention {
    return new GroupedQueryAttention(
      fromKerasConfig(config) as unknown as GroupedQueryAttentionArgs,
    );
  }
}

registerKerasLayers({ GroupedQueryAttention });
