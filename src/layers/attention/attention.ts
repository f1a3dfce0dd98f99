import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { softmax } from "../../ops/activations.js";
import type { TensorLike } from "../../ops/core.js";
import {
  add,
  cast,
  logicalAnd,
  logicalNot,
  multiply,
  subtract,
  tanh,
} from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { expandDims, transpose } from "../../ops/movement.js";
import { dropout as dropoutOp } from "../../ops/nn.js";
import { sum } from "../../ops/reduce.js";
import { ForkedSeed, SeedGenerator } from "../../tensor/random.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs, SymbolicTensor } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/** Keras's extra call arguments of the attention layers, beside `training` and `mask`. */
export interface AttentionCallOptions extends CallOptions {
  /** also return the attention probabilities: `[output, scores]` */
  returnAttentionScores?: boolean;
  /** position i of the query may not attend to positions j > i (decoder self-attention) */
  useCausalMask?: boolean;
}

export interface AttentionArgs extends LayerArgs {
  /** learn a scalar that multiplies the scores (a `scale` weight, initialized to 1) */
  useScale?: boolean;
  /** "dot": q·kᵀ; "concat": Σ tanh(q + k) over the features, times a learned scalar */
  scoreMode?: "dot" | "concat";
  /** dropout rate on the attention probabilities, in training */
  dropout?: number;
  seed?: number | null;
}

/** Keras's large negative logit for masked positions (its `_large_negative_number`). */
export const MASKED_LOGIT = -1e9;

/**
 * `[1, tq, tv]` boolean mask, true where row ≥ column: Keras's causal mask (computed there
 * by comparing cumulative sums of ones).
 */
export function causalMask(tq: number, tv: number): Tensor {
  const data = new Uint8Array(tq * tv);
  for (let i = 0; i < tq; i++) for (let j = 0; j <= Math.min(i, tv - 1); j++) data[i * tv + j] = 1;
  return fromValues(data, [1, tq, tv]);
}

/**
 * Remembers extra call options on the functional-graph node a symbolic call made, so a graph
 * runner can replay them (the base `Node` keeps only `training`; see the report to the base).
 */
export function recordCallOptions(out: unknown, extra: Record<string, unknown>): void {
  const first = Array.isArray(out) ? (out[0] as unknown) : out;
  if (first instanceof SymbolicTensor && first.node) Object.assign(first.node.callOptions, extra);
}

/** The rate a dropout option may take, checked with Keras's wording. */
export function checkRate(rate: number, where: string): number {
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
    throw new ValueError(
      `${where}: dropout must be a number in [0, 1); received dropout=${String(rate)}`,
    );
  }
  return rate;
}

type Shapes = ShapeSpec | readonly ShapeSpec[];

/**
 * Keras `Attention`: dot-product (Luong-style) attention over `[query, value]` or
 * `[query, value, key]` of shapes `[B, Tq, dim]`, `[B, Tv, dim]`, `[B, Tv, dim]`:
 * `softmax(scores(q, k)) · v`. Masks (a list `[queryMask, valueMask]`, or the inputs' own
 * masks) keep masked values out of the softmax and zero the outputs at masked query steps.
 */
export class Attention extends Layer {
  /** Keras's call arguments beyond training and mask. */
  static readonly callOptions: readonly string[] = ["returnAttentionScores", "useCausalMask"];
  /** Options the config does not carry (Keras's get_config leaves out the seed). */
  static readonly extraOptions: readonly string[] = ["seed"];
  readonly useScale: boolean;
  readonly scoreMode: "dot" | "concat";
  readonly dropout: number;
  scale: Variable | null = null;
  concatScoreWeight: Variable | null = null;
  private readonly seedGenerator: SeedGenerator;
  private extra: AttentionCallOptions = {};

  constructor(args: AttentionArgs = {}) {
    super(args);
    this.useScale = args.useScale ?? false;
    const mode = args.scoreMode ?? "dot";
    if (mode !== "dot" && mode !== "concat") {
      throw new ValueError(
        `${this.where()}: invalid score_mode; expected one of "dot", "concat"; received scoreMode=${JSON.stringify(mode)}`,
      );
    }
    this.scoreMode = mode;
    this.dropout = checkRate(args.dropout ?? 0, this.where());
    this.seedGenerator = new SeedGenerator(args.seed ?? undefined);
  }

  // Keras's call signature adds `return_attention_scores` and `use_causal_mask`.
  override apply(
    inputs: readonly SymbolicTensor[],
    opts: AttentionCallOptions & { returnAttentionScores: true },
  ): [SymbolicTensor, SymbolicTensor];
  override apply(
    inputs: readonly TensorLike[],
    opts: AttentionCallOptions & { returnAttentionScores: true },
  ): [Tensor, Tensor];
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: AttentionCallOptions,
  ): SymbolicTensor;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: AttentionCallOptions): Tensor;
  override apply(inputs: unknown, opts: AttentionCallOptions = {}): unknown {
    const { returnAttentionScores = false, useCausalMask = false, ...base } = opts;
    const outer = this.extra;
    this.extra = { returnAttentionScores, useCausalMask };
    try {
      const out: unknown = super.apply(inputs as never, base);
      recordCallOptions(out, { returnAttentionScores, useCausalMask });
      return out;
    } finally {
      this.extra = outer;
    }
  }

  override build(inputShape: Shapes): void {
    checkInputShapes(inputShape, this.constructor.name);
    if (this.useScale) {
      this.scale = this.addWeight({ name: "scale", shape: [], initializer: "ones" });
    }
    if (this.scoreMode === "concat") {
      this.concatScoreWeight = this.addWeight({
        name: "concat_score_weight",
        shape: [],
        initializer: "ones",
      });
    }
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const [q, v, k] = checkInputs(inputs, this.constructor.name);
    const masks = Array.isArray(opts.mask) ? opts.mask : [];
    if (opts.mask && !Array.isArray(opts.mask)) {
      throw new ValueError("the mask must be a list, namely [queryMask, valueMask]");
    }
    const qMask = masks[0] ?? null;
    const vMask = masks[1] ?? null;
    const scores = this.scores(q, k);
    // Masked keys get a logit of −1e9 (Keras subtracts 1e9 · ¬mask): their softmax weight is 0.
    let scoresMask: Tensor | null = vMask ? expandDims(cast(vMask, "bool"), -2) : null;
    if (this.extra.useCausalMask) {
      const causal = causalMask(scores.shape.at(-2)!, scores.shape.at(-1)!);
      scoresMask = scoresMask ? logicalAnd(scoresMask, causal) : causal;
    }
    const logits = scoresMask
      ? subtract(scores, multiply(cast(logicalNot(scoresMask), scores.dtype), -MASKED_LOGIT))
      : scores;
    let weights = softmax(logits, -1);
    if (opts.training && this.dropout > 0) {
      weights = dropoutOp(weights, this.dropout, {
        seed: new ForkedSeed(this.seedGenerator.generator),
      });
    }
    let result = matmul(weights, v);
    if (qMask) result = multiply(result, expandDims(cast(qMask, result.dtype), -1));
    return this.extra.returnAttentionScores ? [result, weights] : result;
  }

  /** [B, Tq, Tv] scores of each query step against each key step. */
  protected scores(q: Tensor, k: Tensor): Tensor {
    if (this.scoreMode === "dot") {
      const perm = k.shape.map((_, i) => i);
      [perm[perm.length - 1], perm[perm.length - 2]] = [
        perm[perm.length - 2]!,
        perm[perm.length - 1]!,
      ];
      const s = matmul(q, transpose(k, perm));
      return this.scale ? multiply(s, this.scale) : s;
    }
    // concat: w · Σ_d tanh(scale · (q[:, i, d] + k[:, j, d]))
    let pair = add(expandDims(q, -2), expandDims(k, -3));
    if (this.scale) pair = multiply(pair, this.scale);
    return multiply(sum(tanh(pair), -1), this.concatScoreWeight!);
  }

  /** Keras passes the query's mask on to the output. */
  override computeMask(
    _inputs: Tensor | Tensor[],
    mask: Tensor | null | readonly (Tensor | null)[],
  ): Tensor | null {
    return Array.isArray(mask) ? (mask[0] ?? null) : null;
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    const [q, v, k] = checkInputShapes(inputShape, this.constructor.name);
    const out = [...q.slice(0, -1), v.at(-1)!];
    return this.extra.returnAttentionScores ? [out, [...q.slice(0, -1), k.at(-2)!]] : out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      use_scale: this.useScale,
      score_mode: this.scoreMode,
      dropout: this.dropout,
    };
  }

  static fromConfig(config: Record<string, unknown>): Attention {
    return new Attention(fromKerasConfig(config) as AttentionArgs);
  }
}

export function checkInputShapes(
  inputShape: Shapes,
  name: string,
): [ShapeSpec, ShapeSpec, ShapeSpec] {
  const isList = inputShape.length > 0 && Array.isArray(inputShape[0]);
  if (!isList) {
    throw new ValueError(
      `${name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]; received one input of shape ${JSON.stringify(inputShape)}`,
    );
  }
  const shapes = inputShape as readonly ShapeSpec[];
  if (shapes.length < 2 || shapes.length > 3) {
    throw new ValueError(
      `${name} layer accepts a list of 2 or 3 inputs, namely [query, value] or [query, value, key]; received ${shapes.length}`,
    );
  }
  const [q, v] = shapes as [ShapeSpec, ShapeSpec];
  const k = shapes[2] ?? v;
  const known = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || b === null || a === b;
  if (q.length < 3 || v.length !== q.length || k.length !== q.length) {
    throw new ValueError(
      `query, value and key must have the same rank (at least 3: [batch, steps, dim]); received shapes ${JSON.stringify(shapes)}`,
    );
  }
  if (!known(q.at(-1), k.at(-1))) {
    throw new ValueError(
      `query and key must have the same last axis; received shapes ${JSON.stringify(shapes)}`,
    );
  }
  if (!known(v.at(-2), k.at(-2))) {
    throw new ValueError(
      `value and key must have the same number of steps; received shapes ${JSON.stringify(shapes)}`,
    );
  }
  return [q, v, k];
}

function checkInputs(inputs: Tensor | Tensor[], name: string): [Tensor, Tensor, Tensor] {
  if (!Array.isArray(inputs)) {
    throw new ValueError(
      `${name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]; received one tensor of shape [${inputs.shape}]`,
    );
  }
  checkInputShapes(
    inputs.map((t) => t.shape),
    name,
  );
  return [inputs[0]!, inputs[1]!, inputs[2] ?? inputs[1]!];
}

registerKerasLayers({ Attention });
