import { ValueError } from "../../errors.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { biasActivation } from "../../ops/bias-relu.js";
import { matmul } from "../../ops/linalg.js";
import type { Variable } from "../../autodiff/variable.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import {
  activationName,
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { registerKerasLayers } from "../registry.js";

export interface DenseArgs extends LayerArgs {
  activation?: string | Activation | null;
  useBias?: boolean;
  kernelInitializer?: string | Initializer | KerasObject;
  biasInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  biasRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
  biasConstraint?: string | Constraint | null;
}

/** `output = activation(inputs · kernel + bias)` over the last axis. */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(
    units: number,
    private readonly args: DenseArgs = {},
  ) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(
        `${this.where()}: units must be a positive integer; received units=${units}`,
      );
    }
    this.units = units;
    this.activation = getActivation(args.activation ?? "linear");
    this.useBias = args.useBias ?? true;
    this.supportsMasking = true;
  }

  override build(inputShape: ShapeSpec): void {
    const inputDim = inputShape.at(-1);
    if (inputDim === null || inputDim === undefined) {
      throw new ValueError(
        `the last axis of the input must be known; received shape ${JSON.stringify(inputShape)}`,
      );
    }
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [inputDim, this.units],
      initializer: this.args.kernelInitializer ?? "glorot_uniform",
      regularizer: this.args.kernelRegularizer,
      constraint: this.args.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: "bias",
        shape: [this.units],
        initializer: this.args.biasInitializer ?? "zeros",
        regularizer: this.args.biasRegularizer,
        constraint: this.args.biasConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    if (inputs.shape.at(-1) !== this.kernel.shape[0]) {
      throw new ValueError(
        `expected the last axis of the input to be ${this.kernel.shape[0]}; received shape [${inputs.shape}]`,
      );
    }
    return biasActivation(matmul(inputs, this.kernel), this.bias, this.activation);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const inputDim = inputShape.at(-1);
    // A built layer checks its input, as Keras's InputSpec does, so a misfit fails at declaration.
    if (this.built && inputDim !== null && inputDim !== this.kernel.shape[0]) {
      throw new ValueError(
        `expected the last axis of the input to be ${this.kernel.shape[0]}; received shape ${JSON.stringify(inputShape)}`,
      );
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationName(this.activation, a.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
      // Keras 3.16 writes the (unsupported here) quantization setting; null means none.
      quantization_config: null,
    };
  }

  static fromConfig(config: Record<string, unknown>): Dense {
    return new Dense(config.units as number, fromKerasConfig(config) as DenseArgs);
  }
}

registerKerasLayers({ Dense });
