import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { cast, divide, multiply, tanh } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { transpose } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, SymbolicTensor } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";
import { recordCallOptions } from "../attention/attention.js";
import { Embedding, type EmbeddingArgs } from "./embedding.js";

export interface ReversibleEmbeddingArgs extends EmbeddingArgs {
  /** Reverse with the transposed embeddings (default true), else with its own weight. */
  tieWeights?: boolean;
  /** The dtype the reverse matmul runs in (null: the layer's). */
  reverseDtype?: DType | null;
  /** Reverse logits become cap · tanh(logits / cap). */
  logitSoftCap?: number | null;
}

export interface ReversibleEmbeddingCallOptions extends CallOptions {
  /** Map [..., outputDim] vectors to [..., inputDim] logits instead of looking indices up. */
  reverse?: boolean;
}

/**
 * Keras `ReversibleEmbedding`: an Embedding that can also run backwards — `apply(x, {reverse:
 * true})` maps hidden vectors [..., outputDim] to vocabulary logits [..., inputDim] by
 * x · embeddingsᵀ (tied, the default) or x · reverse_embeddings ([outputDim, inputDim], its own
 * weight after "embeddings", initialized like it, when tieWeights is false), optionally in
 * `reverseDtype` and soft-capped (cap · tanh(logits / cap)). The forward call is Embedding's,
 * with its mask; the reverse call has none.
 */
export class ReversibleEmbedding extends Embedding {
  /** Keras's `reverse` call argument. */
  static readonly callOptions: readonly string[] = ["reverse"];
  readonly tieWeights: boolean;
  readonly reverseDtype: DType | null;
  readonly logitSoftCap: number | null;
  reverseEmbeddings: Variable | null = null;
  private reverse = false;
  private readonly initializerArg: EmbeddingArgs["embeddingsInitializer"];

  constructor(inputDim: number, outputDim: number, args: ReversibleEmbeddingArgs = {}) {
    const { tieWeights, reverseDtype, logitSoftCap, ...rest } = args;
    super(inputDim, outputDim, rest);
    this.tieWeights = tieWeights ?? true;
    this.reverseDtype = reverseDtype ?? null;
    const cap = logitSoftCap ?? null;
    if (cap !== null && !(typeof cap === "number" && cap > 0)) {
      throw new ValueError(
        `${this.where()}: logitSoftCap must be a positive number or null; received ` +
          `logitSoftCap=${String(logitSoftCap)}`,
      );
    }
    this.logitSoftCap = cap;
    this.initializerArg = rest.embeddingsInitializer;
  }

  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: ReversibleEmbeddingCallOptions,
  ): SymbolicTensor;
  override apply(
    inputs: TensorLike | readonly TensorLike[],
    opts?: ReversibleEmbeddingCallOptions,
  ): Tensor;
  override apply(inputs: unknown, opts: ReversibleEmbeddingCallOptions = {}): unknown {
    const { reverse = false, ...base } = opts;
    const outer = this.reverse;
    this.reverse = reverse;
    try {
      const out: unknown = super.apply(inputs as never, base);
      recordCallOptions(out, { reverse });
      return out;
    } finally {
      this.reverse = outer;
    }
  }

  override build(): void {
    super.build();
    if (!this.tieWeights) {
      this.reverseEmbeddings = this.addWeight({
        name: "reverse_embeddings",
        shape: [this.outputDim, this.inputDim],
        initializer: this.initializerArg ?? "uniform",
      });
    }
  }

  override call(inputs: Tensor): Tensor {
    if (!this.reverse) return super.call(inputs);
    if (inputs.shape.at(-1) !== this.outputDim) {
      throw new ValueError(
        `${this.where()}: a reverse call expects vectors of size outputDim=${this.outputDim} on ` +
          `the last axis; received shape [${inputs.shape.join(", ")}]`,
      );
    }
    let kernel: Tensor = this.tieWeights
      ? transpose(this.embeddings.value)
      : this.reverseEmbeddings!.value;
    let x = inputs;
    if (this.reverseDtype !== null) {
      x = cast(x, this.reverseDtype);
      kernel = cast(kernel, this.reverseDtype);
    } else if (x.dtype !== kernel.dtype) {
      x = cast(x, kernel.dtype);
    }
    const logits = matmul(x, kernel);
    if (this.logitSoftCap === null) return logits;
    return multiply(tanh(divide(logits, this.logitSoftCap)), this.logitSoftCap);
  }

  override computeMask(inputs: Tensor): Tensor | null {
    return this.reverse ? null : super.computeMask(inputs);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    if (!this.reverse) return super.computeOutputShape(inputShape);
    return [...inputShape.slice(0, -1), this.inputDim];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return this.reverse && this.reverseDtype !== null
      ? this.reverseDtype
      : super.computeOutputDtype(inputDtypes);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      tie_weights: this.tieWeights,
      reverse_dtype: this.reverseDtype,
      logit_soft_cap: this.logitSoftCap,
    };
  }

  static override fromConfig(config: Record<string, unknown>): ReversibleEmbedding {
    const { inputDim, outputDim, quantizationConfig, ...args } = fromKerasConfig(config);
    if (quantizationConfig !== null && quantizationConfig !== undefined) {
      throw new ValueError(
        `ReversibleEmbedding: quantized embeddings are not supported; received quantization_config`,
      );
    }
    return new ReversibleEmbedding(
      inputDim as number,
      outputDim as number,
      args as ReversibleEmbeddingArgs,
    );
  }
}

registerKerasLayers({ ReversibleEmbedding });
