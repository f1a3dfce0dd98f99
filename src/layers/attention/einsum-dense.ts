import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { add } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape } from "../../ops/movement.js";
import { sizeOf } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";

export interface EinsumDenseArgs extends LayerArgs {
  biasAxes?: string | null;
  kernelInitializer?: string | Initializer | KerasObject;
  biasInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  biasRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
  biasConstraint?: string | Constraint | null;
}

/**
 * The projections inside MultiHeadAttention: Keras's `EinsumDense` for the equations attention
 * builds, `<free><bound>,<bound><out>-><free><out>` (e.g. "abc,cde->abde"): a tensordot of the
 * input's trailing bound axes with the kernel's leading ones, plus a bias over the out axes.
 * (Not the general EinsumDense layer: other equations are rejected.)
 */
export class EinsumDense extends Layer {
  kernel!: Variable;
  bias: Variable | null = null;
  private readonly bound: number;
  private readonly outDims: number[];

  constructor(
    readonly equation: string,
    /** Keras's `output_shape`: the output's shape without the batch axis (null: follows the input) */
    readonly partialOutputShape: readonly (number | null)[],
    private readonly args: EinsumDenseArgs = {},
  ) {
    super(args);
    const m = /^([a-z]+),([a-z]+)->([a-z]+)$/.exec(equation);
    const [input = "", kernel = "", output = ""] = m ? m.slice(1) : [];
    // The bound (contracted) letters lead the kernel and end the input.
    let bound = [...kernel].findIndex((c) => !input.includes(c));
    if (bound < 0) bound = kernel.length;
    const free = input.slice(0, input.length - bound);
    const rest = kernel.slice(bound);
    const fits =
      m !== null && bound > 0 && input.endsWith(kernel.slice(0, bound)) && output === free + rest;
    if (!fits) {
      throw new ValueError(
        `${this.where()}: only projection equations "<free><bound>,<bound><out>-><free><out>" are supported; received equation=${JSON.stringify(equation)}`,
      );
    }
    if (args.biasAxes && args.biasAxes !== rest) {
      throw new ValueError(
        `${this.where()}: biasAxes must be "${rest}" or null; received biasAxes=${JSON.stringify(args.biasAxes)}`,
      );
    }
    const outDims = partialOutputShape.slice(partialOutputShape.length - rest.length);
    if (outDims.length !== rest.length || !outDims.every((d) => Number.isInteger(d))) {
      throw new ValueError(
        `${this.where()}: outputShape must end with the ${rest.length} kernel output sizes; received ${JSON.stringify(partialOutputShape)}`,
      );
    }
    this.bound = bound;
    this.outDims = outDims as number[];
  }

  override build(inputShape: ShapeSpec): void {
    const boundDims = inputShape.slice(-this.bound);
    if (boundDims.some((d) => d === null)) {
      throw new ValueError(
        `the last ${this.bound} axes of the input must be known; received shape ${JSON.stringify(inputShape)}`,
      );
    }
    const a = this.args;
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [...(boundDims as number[]), ...this.outDims],
      initializer: a.kernelInitializer ?? "glorot_uniform",
      regularizer: a.kernelRegularizer,
      constraint: a.kernelConstraint,
    });
    if (a.biasAxes) {
      this.bias = this.addWeight({
        name: "bias",
        shape: this.outDims,
        initializer: a.biasInitializer ?? "zeros",
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    const boundDims = this.kernel.shape.slice(0, this.bound);
    const lead = inputs.shape.slice(0, inputs.rank - this.bound);
    if (inputs.shape.slice(-this.bound).join() !== boundDims.join()) {
      throw new ValueError(
        `expected the input to end with axes [${boundDims}]; received shape [${inputs.shape}]`,
      );
    }
    const x = reshape(inputs, [...lead, sizeOf(boundDims)]);
    const w = reshape(this.kernel, [sizeOf(boundDims), sizeOf(this.outDims)]);
    const y = reshape(matmul(x, w), [...lead, ...this.outDims]);
    return this.bias ? add(y, this.bias) : y;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return [...inputShape.slice(0, inputShape.length - this.bound), ...this.outDims];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      output_shape: [...this.partialOutputShape],
      equation: this.equation,
      activation: "linear",
      bias_axes: a.biasAxes ?? null,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
    };
  }

  static fromConfig(config: Record<string, unknown>): EinsumDense {
    const { equation, output_shape, ...rest } = config;
    return new EinsumDense(
      equation as string,
      output_shape as (number | null)[],
      fromKerasConfig(rest) as EinsumDenseArgs,
    );
  }
}
