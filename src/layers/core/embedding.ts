import { eagerRegion } from "../../jit/index.js";
import type { Variable } from "../../autodiff/variable.js";
import { DTypeError, ValueError } from "../../errors.js";
import { take } from "../../ops/gather.js";
import { notEqual } from "../../ops/elementwise.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface EmbeddingArgs extends LayerArgs {
  /** Default "uniform": Keras's RandomUniform(-0.05, 0.05). */
  embeddingsInitializer?: string | Initializer | KerasObject;
  embeddingsRegularizer?: string | Regularizer | null;
  embeddingsConstraint?: string | Constraint | null;
  /** Index 0 is padding: the output mask is `inputs != 0` (so inputDim = vocabulary + 1). */
  maskZero?: boolean;
  /** Deprecated in Keras 3 and ignored, accepted so old code and configs still load. */
  inputLength?: number | null;
}

/**
 * Keras `Embedding`: row `i` of an [inputDim, outputDim] table for each integer index i, so
 * [batch, …] ids give [batch, …, outputDim]. The gradient with respect to the table is a
 * scatter-add of dy into the rows that were looked up (repeated ids accumulate): take's rule.
 */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  embeddings!: Variable;

  constructor(
    inputDim: number,
    outputDim: number,
    private readonly args: EmbeddingArgs = {},
  ) {
    super(args);
    for (const [key, value] of [
      ["inputDim", inputDim],
      ["outputDim", outputDim],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new ValueError(
          `${this.where()}: ${key} must be a positive integer; received ${key}=${value}`,
        );
      }
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.maskZero = args.maskZero ?? false;
    this.supportsMasking = this.maskZero;
  }

  override build(): void {
    this.embeddings = this.addWeight({
      name: "embeddings",
      shape: [this.inputDim, this.outputDim],
      initializer: this.args.embeddingsInitializer ?? "uniform",
      regularizer: this.args.embeddingsRegularizer,
      constraint: this.args.embeddingsConstraint,
    });
  }

  call(inputs: Tensor): Tensor {
    if (inputs.dtype === "bool") {
      throw new DTypeError(
        `expected integer indices (int32, or whole-valued floats); received a bool tensor`,
      );
    }
    // Checked here so the message speaks of the vocabulary, not of take's axis; as an eager
    // region, so that a compiled step checks every call's indices (src/jit/).
    eagerRegion("Embedding indices", [inputs], ([t]) => this.checkIndices(t!));
    return take(this.embeddings, inputs, 0);
  }

  private checkIndices(inputs: Tensor): void {
    const data = inputs.dataSync();
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!(Number.isInteger(v) && v >= 0 && v < this.inputDim)) {
        throw new ValueError(
          `input indices must be integers in [0, ${this.inputDim}) (inputDim=${this.inputDim}); received ${v}`,
        );
      }
    }
  }

  override computeMask(inputs: Tensor): Tensor | null {
    return this.maskZero ? notEqual(inputs, 0) : null;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    const base = super.getConfig();
    delete base.activity_regularizer;
    return {
      ...base,
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(a.embeddingsInitializer, "uniform"),
      embeddings_regularizer: serializeRegularizer(a.embeddingsRegularizer),
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
      embeddings_constraint: serializeConstraint(a.embeddingsConstraint),
      mask_zero: this.maskZero,
      quantization_config: null,
    };
  }

  static fromConfig(config: Record<string, unknown>): Embedding {
    const { inputDim, outputDim, quantizationConfig, ...args } = fromKerasConfig(config);
    if (quantizationConfig !== null && quantizationConfig !== undefined) {
      throw new ValueError(
        `Embedding: quantized embeddings are not supported; received quantization_config`,
      );
    }
    return new Embedding(inputDim as number, outputDim as number, args as EmbeddingArgs);
  }
}

registerKerasLayers({ Embedding });
