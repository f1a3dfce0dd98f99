import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { separableConv } from "../../ops/conv.js";
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

export interface SeparableConvArgs extends ConvGeometryArgs {
  /** Depthwise filters per input channel (default 1). */
  depthMultiplier?: number;
  depthwiseInitializer?: string | Initializer | KerasObject;
  pointwiseInitializer?: string | Initializer | KerasObject;
  depthwiseRegularizer?: string | Regularizer | null;
  pointwiseRegularizer?: string | Regularizer | null;
  depthwiseConstraint?: string | Constraint | null;
  pointwiseConstraint?: string | Constraint | null;
}

type KernelSize = number | readonly number[];

/**
 * Keras's BaseSeparableConv: a depthwise convolution (each input channel with its own
 * `depthMultiplier` filters, kernel (k…, inC, mult)) followed by a 1×1 convolution mixing the
 * inC·mult channels into `filters` (kernel (1…, inC·mult, filters)), then bias and activation.
 * Far fewer weights than a full convolution: k·inC·mult + inC·mult·filters instead of k·inC·filters.
 */
export abstract class BaseSeparableConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat = "channels_last";
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  depthwiseKernel!: Variable;
  pointwiseKernel!: Variable;
  bias: Variable | null = null;
  private inChannels = 0;

  constructor(
    rank: number,
    filters: number,
    kernelSize: KernelSize,
    protected readonly args: SeparableConvArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.rank = rank;
    this.filters = checkPositive(filters, "filters", where);
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
    // Keras's creation order (and so its weight order): depthwise, pointwise, bias.
    this.depthwiseKernel = this.addWeight({
      name: "depthwise_kernel",
      shape: [...this.kernelSize, c, this.depthMultiplier],
      initializer: a.depthwiseInitializer ?? "glorot_uniform",
      regularizer: a.depthwiseRegularizer,
      constraint: a.depthwiseConstraint,
    });
    this.pointwiseKernel = this.addWeight({
      name: "pointwise_kernel",
      shape: [...new Array<number>(this.rank).fill(1), c * this.depthMultiplier, this.filters],
      initializer: a.pointwiseInitializer ?? "glorot_uniform",
      regularizer: a.pointwiseRegularizer,
      constraint: a.pointwiseConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: "bias",
        shape: [this.filters],
        initializer: a.biasInitializer ?? "zeros",
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    checkCallInputs(inputs, this.rank, this.inChannels, this.where());
    const y = separableConv(inputs, this.depthwiseKernel, this.pointwiseKernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
    });
    return this.activation(this.bias ? add(y, this.bias) : y);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return convOutputShape(inputShape, this, this.filters, this.where());
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...baseConfig(super.getConfig()),
      depth_multiplier: this.depthMultiplier,
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: activationName(this.activation, a.activation),
      use_bias: this.useBias,
      depthwise_initializer: serializeInitializer(a.depthwiseInitializer, "glorot_uniform"),
      pointwise_initializer: serializeInitializer(a.pointwiseInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      depthwise_regularizer: serializeRegularizer(a.depthwiseRegularizer),
      pointwise_regularizer: serializeRegularizer(a.pointwiseRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
      depthwise_constraint: serializeConstraint(a.depthwiseConstraint),
      pointwise_constraint: serializeConstraint(a.pointwiseConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
    };
  }
}

function fromConfigArgs(config: Record<string, unknown>): [number, KernelSize, SeparableConvArgs] {
  return [
    config.filters as number,
    config.kernel_size as KernelSize,
    fromKerasConfig(config) as SeparableConvArgs,
  ];
}

/** Depthwise-separable 1-D convolution over (batch, steps, channels). */
export class SeparableConv1D extends BaseSeparableConv {
  constructor(filters: number, kernelSize: KernelSize, args: SeparableConvArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): SeparableConv1D {
    return new SeparableConv1D(...fromConfigArgs(config));
  }
}

/** Depthwise-separable 2-D convolution over (batch, height, width, channels). */
export class SeparableConv2D extends BaseSeparableConv {
  constructor(filters: number, kernelSize: KernelSize, args: SeparableConvArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): SeparableConv2D {
    return new SeparableConv2D(...fromConfigArgs(config));
  }
}

registerKerasLayers({ SeparableConv1D, SeparableConv2D });
