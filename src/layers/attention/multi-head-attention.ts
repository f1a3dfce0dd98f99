import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { softmax } from "../../ops/activations.js";
import { cast, multiply, where } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { expandDims, reshape, transpose } from "../../ops/movement.js";
import { dropout as dropoutOp } from "../../ops/nn.js";
import { ForkedSeed, SeedGenerator } from "../../tensor/random.js";
import { sizeOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import type { CallOptions, LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { MASKED_LOGIT, checkRate } from "./attention.js";
import { EinsumDense } from "../core/einsum-dense.js";
import { MultiHeadCallLayer } from "./multi-head-call.js";
import { mergeAttentionMasks } from "./multi-head-attention-masks.js";
import {
  type Shapes,
  inputShapes,
  listMessage,
  projectionEquation,
  range,
} from "./multi-head-attention-shapes.js";
import { registerKerasLayers } from "../registry.js";

export type { MultiHeadAttentionCallOptions } from "./multi-head-call.js";

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  /** size of each head for query and key */
  keyDim: number;
  /** size of each head for value (default keyDim) */
  valueDim?: number | null;
  /** dropout rate on the attention probabilities, in training */
  dropout?: number;
  useBias?: boolean;
  /** shape of the output besides the batch and sequence axes (default: the query's last axis) */
  outputShape?: number | readonly number[] | null;
  /** axes attention runs over (default: all but batch, heads and features) */
  attentionAxes?: number | readonly number[] | null;
  /** each query step attends only to key steps at most `slidingWindow − 1` away (a band) */
  slidingWindow?: number | null;
  /** Keras 3.15's gated attention; not supported yet (only false) */
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
 * Keras `MultiHeadAttention` (Vaswani et al., 2017). Called as `mha.apply([query, value])` or
 * `mha.apply([query, value, key])`: projects query/key/value to `numHeads` heads, takes
 * `softmax(q·kᵀ / sqrt(keyDim))` over the key steps (masked positions excluded), mixes the values
 * with it and projects the heads back to `outputShape`. Sub-layers and weights are Keras's:
 * `query`, `key`, `value` kernels `[dim, heads, keyDim]` with biases `[heads, keyDim]`, and
 * `attention_output` kernel `[heads, valueDim, outDim]` with bias `[outDim]`, in that order.
 */
export class MultiHeadAttention extends MultiHeadCallLayer {
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: number[] | null;
  /** As given until built; then the resolved axes, as Keras's config shows them. */
  attentionAxes: number[] | null;
  readonly slidingWindow: number | null;
  // Declared in Keras's order: `weights` lists sub-layers in property order.
  queryDense!: EinsumDense;
  keyDense!: EinsumDense;
  valueDense!: EinsumDense;
  outputDense!: EinsumDense;
  private readonly seedGenerator: SeedGenerator;
  private readonly args: MultiHeadAttentionArgs;

  constructor(args: MultiHeadAttentionArgs) {
    // Keras hands the activity regularizer to the projections, not to the layer's own output.
    super({ ...args, activityRegularizer: null });
    this.args = args ?? ({} as MultiHeadAttentionArgs);
    const a = this.args;
    const positive = (v: unknown, name: string): number => {
      if (!Number.isInteger(v) || (v as number) <= 0) {
        throw new ValueError(
          `${this.where()}: ${name} must be a positive integer; received ${name}=${String(v)}`,
        );
      }
      return v as number;
    };
    this.numHeads = positive(a.numHeads, "numHeads");
    this.keyDim = positive(a.keyDim, "keyDim");
    this.valueDim = a.valueDim ? positive(a.valueDim, "valueDim") : this.keyDim;
    this.dropout = checkRate(a.dropout ?? 0, this.where());
    this.useBias = a.useBias ?? true;
    const out = a.outputShape;
    const outList = typeof out === "number" ? [out] : out && out.length > 0 ? [...out] : null;
    outList?.forEach((d) => positive(d, "outputShape"));
    this.outputShape = outList;
    const axes = a.attentionAxes;
    const axesList = typeof axes === "number" ? [axes] : axes ? [...axes] : null;
    if (axesList && !axesList.every((x) => Number.isInteger(x))) {
      throw new ValueError(
        `${this.where()}: attentionAxes must be an int or a list of ints; received attentionAxes=${JSON.stringify(axes)}`,
      );
    }
    this.attentionAxes = axesList;
    this.slidingWindow = a.slidingWindow ?? null;
    if (this.slidingWindow !== null) positive(this.slidingWindow, "slidingWindow");
    if (a.useGate) {
      throw new ValueError(
        `${this.where()}: useGate=true (gated attention) is not supported yet; received useGate=true`,
      );
    }
    this.seedGenerator = new SeedGenerator(a.seed ?? undefined);
    this.supportsMasking = true;
  }

  override build(inputShape: Shapes): void {
    const [q, v, k] = inputShapes(inputShape);
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
    const project = (
      shape: ShapeSpec,
      heads: number[],
      bound: number,
      name: string,
    ): EinsumDense => {
      const [equation, biasAxes] = projectionEquation(shape.length - bound, bound, heads.length);
      const outShape = [...shape.slice(1, -bound).map(() => null), ...heads];
      const layer = new EinsumDense(equation, outShape, {
        ...common,
        biasAxes: this.useBias ? biasAxes : null,
        name,
      });
      layer.ensureBuilt(shape);
      return layer;
    };
    this.queryDense = project(q, [this.numHeads, this.keyDim], 1, "query");
    this.keyDense = project(k, [this.numHeads, this.keyDim], 1, "key");
    this.valueDense = project(v, [this.numHeads, this.valueDim], 1, "value");
    // Projected tensors have rank q.length + 1: [B, …, heads, dim]. Keras resolves a negative
    // attention axis against that rank minus one.
    const rank = q.length + 1;
    this.attentionAxes = (this.attentionAxes ?? range(1, rank - 2)).map((x) =>
      x >= 0 ? x : rank - 1 + x,
    );
    if (
      this.attentionAxes.some((x) => x < 1 || x > rank - 3) ||
      new Set(this.attentionAxes).size < this.attentionAxes.length
    ) {
      throw new ValueError(
        `attentionAxes must be distinct axes of the query other than the batch and feature axes; received attentionAxes=${JSON.stringify(this.args.attentionAxes)} for query shape ${JSON.stringify(q)}`,
      );
    }
    const outShape = this.outputShape ?? [q.at(-1)!];
    this.outputDense = project(
      [...q.slice(0, -1), this.numHeads, this.valueDim],
      outShape,
      2,
      "attention_output",
    );
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
    const q = this.queryDense.apply(query); // [B, T, N, H]
    const k = this.keyDense.apply(key); // [B, S, N, H]
    const v = this.valueDense.apply(value); // [B, S, N, Hv]
    const [output, scores] = this.attend(q, k, v, mask, opts.training ?? false);
    const out = this.outputDense.apply(output);
    return this.extra.returnAttentionScores ? [out, scores] : out;
  }

  /**
   * Dot-product attention on projected tensors. For attention axes A, the other axes (batch,
   * heads, non-attention axes) are batch axes: scores[b…, t…, s…] = Σ_h q[t…, h]·k[s…, h] / sqrt(H),
   * probabilities are the softmax over the s axes, and out[t…] = Σ_s p[t…, s…]·v[s…].
   */
  private attend(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | null,
    training: boolean,
  ): [Tensor, Tensor] {
    const rank = q.rank;
    const axes = this.attentionAxes!;
    const batchAxes = range(0, rank - 1).filter((x) => !axes.includes(x));
    const perm = [...batchAxes, ...axes, rank - 1];
    const flat = (x: Tensor): Tensor => {
      const t = transpose(x, perm);
      return reshape(t, [...t.shape.slice(0, batchAxes.length), -1, t.shape.at(-1)!]);
    };
    const batchShape = batchAxes.map((x) => q.shape[x]!);
    const tShape = axes.map((x) => q.shape[x]!);
    const sShape = axes.map((x) => k.shape[x]!);
    const qf = multiply(flat(q), 1 / Math.sqrt(this.keyDim));
    const kf = flat(k);
    const swap = [...range(0, batchAxes.length), batchAxes.length + 1, batchAxes.length];
    let scores = reshape(matmul(qf, transpose(kf, swap)), [...batchShape, ...tShape, ...sShape]);
    const softAxes = range(scores.rank - axes.length, scores.rank);
    if (mask) {
      // The mask ([B, T, S]) gains the axes it lacks just before the query attention axes.
      let m = cast(mask, "bool");
      while (m.rank < scores.rank) m = expandDims(m, -axes.length * 2 - 1);
      scores = softmax(where(m, scores, MASKED_LOGIT), softAxes);
      // A row with every key masked would come out uniform; Keras zeroes it instead.
      scores = where(m, scores, 0);
    } else {
      scores = softmax(scores, softAxes);
    }
    const dropped =
      training && this.dropout > 0
        ? dropoutOp(scores, this.dropout, { seed: new ForkedSeed(this.seedGenerator.generator) })
        : scores;
    const p = reshape(dropped, [...batchShape, sizeOf(tShape), sizeOf(sShape)]);
    const mixed = matmul(p, flat(v)); // [batch…, T, Hv]
    const unflat = reshape(mixed, [...batchShape, ...tShape, v.shape.at(-1)!]);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [transpose(unflat, inverse), scores];
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    const [q, v] = inputShapes(inputShape);
    const out = [...q.slice(0, -1), ...(this.outputShape ?? [q.at(-1)!])];
    if (!this.extra.returnAttentionScores) return out;
    const rank = q.length + 1;
    const axes = this.attentionAxes ?? range(1, rank - 2);
    const projected = [...q.slice(0, -1), this.numHeads];
    const batch = range(0, rank - 1)
      .filter((x) => !axes.includes(x))
      .map((x) => projected[x]!);
    return [out, [...batch, ...axes.map((x) => q[x]!), ...axes.map((x) => v[x]!)]];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      use_gate: false,
      output_shape: this.outputShape ? [...this.outputShape] : null,
      attention_axes: this.attentionAxes ? [...this.attentionAxes] : null,
      sliding_window: this.slidingWindow,
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

  static fromConfig(config: Record<string, unknown>): MultiHeadAttention {
    return new MultiHeadAttention(fromKerasConfig(config) as unknown as MultiHeadAttentionArgs);
  }
}

registerKerasLayers({ MultiHeadAttention });
