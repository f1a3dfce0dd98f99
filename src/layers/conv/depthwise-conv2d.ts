import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { depthwiseConv } from "../../ops/conv.js";
import { add } from "../../ops/elementwise.js";
import type { Variable } from "../../autodiff/variable.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { Layer } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import {
  activationName,
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import {
  type ConvGeometryArgs,
  baseConfig,
  checkCallInputs,
  checkPositive,
  convOutputShape,
  standardizeGeometry,
} from "./base-conv.js";
import { checkInputRank, knownChannels } from "./conv-utils.js";
import { registerKerasLayers } from "../registry.js";

export interface DepthwiseConvArgs extends ConvGeometryArgs {
  /** Filters per input channel (default 1): the output has inC · depthMultiplier channels. */
  depthMultiplier?: number;
  depthwiseInitializer?: string | Initializer | KerasObject;
  depthwiseRegularizer?: string | Regularizer | null;
  depthwiseConstraint?: string | Constraint | null;
}

type KernelSize = number | readonly number[];

/**
 * Keras's BaseDepthwiseConv: every input channel c convolved with its own `depthMultiplier`
 * filters (kernel (k…, inC, mult)); output channel c·mult + m, plus a bias of inC·mult.
 */
export abstract class BaseDepthwiseConv extends Layer {
  readonly rank: number;
  readonly depthMultiplier: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat = "channels_last";
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;
  private inChannels = 0;

  constructor(
    rank: number,
    kernelSize: KernelSize,
    protected readonly args: DepthwiseConvArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.rank = rank;
    this.depthMultiplier = checkPositive(args.depthMultiplier ?? 1, "depthMultiplier", where);
    const g = standardizeGeometry(rank, kernelSize, args, where, false);
    this.kernelSize = g.kernelSize;
    this.strides = g.strides;
    this.padding = g.padding as "valid" | "same";
    this.dilationRate = g.dilationRate;
    this.activation = getActivation(args.activation ?? "linear");
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: ShapeSpec): void {
    const where = this.where();
    checkInputRank(inputShape, this.rank, where);
    const c = knownChannels(inputShape, where);
    this.computeOutputShape(inputShape);
    this.inChannels = c;
    const a = this.args;
    // Keras names the depthwise weight "kernel" here (not "depthwise_kernel" as in SeparableConv).
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [...this.kernelSize, c, this.depthMultiplier],
      initializer: a.depthwiseInitializer ?? "glorot_uniform",
      regularizer: a.depthwiseRegularizer,
      constraint: a.depthwiseConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: "bias",
        shape: [c * this.depthMultiplier],
        initializer: a.biasInitializer ?? "zeros",
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    checkCallInputs(inputs, this.rank, this.inChannels, this.where());
    const y = depthwiseConv(inputs, this.kernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
    });
    return this.activation(this.bias ? add(y, this.bias) : y);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, this.rank, this.where());
    const c = inputShape[this.rank + 1]!;
    return convOutputShape(
      inputShape,
      this,
      c === null ? null : c * this.depthMultiplier,
      this.where(),
    );
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...baseConfig(super.getConfig()),
      depth_multiplier: this.depthMultiplier,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: activationName(this.activation, a.activation),
      use_bias: this.useBias,
      depthwise_initializer: serializeInitializer(a.depthwiseInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      depthwise_regularizer: serializeRegularizer(a.depthwiseRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
      depthwise_constraint: serializeConstraint(a.depthwiseConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
    };
  }
}

/** Depthwise 1-D convolution over (batch, steps, channels). */
export class DepthwiseConv1D extends BaseDepthwiseConv {
  constructor(kernelSize: KernelSize, args: DepthwiseConvArgs = {}) {
    super(1, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): DepthwiseConv1D {
    return new DepthwiseConv1D(
      config.kernel_size as KernelSize,
      fromKerasConfig(config) as DepthwiseConvArgs,
    );
  }
}

/** Depthwise 2-D convolution over (batch, height, width, channels) (MobileNet's building block). */
export class DepthwiseConv2D extends BaseDepthwiseConv {
  constructor(kernelSize: KernelSize, args: DepthwiseConvArgs = {}) {
    super(2, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): DepthwiseConv2D {
    return new DepthwiseConv2D(
      config.kernel_size as KernelSize,
      fromKerasConfig(config) as DepthwiseConvArgs,
    );
  }
}

registerKerasLayers({ DepthwiseConv1D, DepthwiseConv2D });
