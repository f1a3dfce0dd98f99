import { ValueError } from "../../errors.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { convTranspose } from "../../ops/conv.js";
import { add } from "../../ops/elementwise.js";
import type { Variable } from "../../autodiff/variable.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import {
  activationName,
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import {
  type ConvArgs,
  baseConfig,
  checkCallInputs,
  checkPositive,
  standardizeGeometry,
} from "./base-conv.js";
import {
  checkInputRank,
  deconvOutputLength,
  dilatedSpan,
  knownChannels,
  standardizeTuple,
} from "./conv-utils.js";
import { registerKerasLayers } from "../registry.js";

export interface ConvTransposeArgs extends Omit<ConvArgs, "groups" | "padding"> {
  padding?: "valid" | "same";
  /**
   * Extra cells at the end of each spatial axis of the output, each < the stride (default null:
   * the output length is inferred, see `deconvOutputLength`).
   */
  outputPadding?: number | readonly number[] | null;
}

type KernelSize = number | readonly number[];

/**
 * Keras's BaseConvTranspose ("deconvolution"): the gradient of a convolution with respect to its
 * input, used as a layer to upsample. Kernel (k…, filters, inC): note filters before inC, the
 * reverse of Conv — it is the kernel of the forward convolution that maps the output back.
 */
export abstract class BaseConvTranspose extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly outputPadding: number[] | null;
  readonly dataFormat = "channels_last";
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;
  private inChannels = 0;

  constructor(
    rank: number,
    filters: number,
    kernelSize: KernelSize,
    protected readonly args: ConvTransposeArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.rank = rank;
    this.filters = checkPositive(filters, "filters", where);
    const g = standardizeGeometry(rank, kernelSize, args, where, false);
    this.kernelSize = g.kernelSize;
    this.strides = g.strides;
    this.padding = g.padding as "valid" | "same";
    this.dilationRate = g.dilationRate;
    const op = args.outputPadding;
    this.outputPadding =
      op === null || op === undefined
        ? null
        : standardizeTuple(op, rank, "outputPadding", where, true);
    if (this.outputPadding?.some((p, i) => p >= this.strides[i]!)) {
      throw new ValueError(
        `${where}: outputPadding must be smaller than strides on every axis; received ` +
          `outputPadding=${JSON.stringify(this.outputPadding)}, strides=${JSON.stringify(this.strides)}`,
      );
    }
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
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [...this.kernelSize, this.filters, c],
      initializer: a.kernelInitializer ?? "glorot_uniform",
      regularizer: a.kernelRegularizer,
      constraint: a.kernelConstraint,
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
    const y = convTranspose(inputs, this.kernel, {
      strides: this.strides,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilationRate: this.dilationRate,
    });
    return this.activation(this.bias ? add(y, this.bias) : y);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const where = this.where();
    checkInputRank(inputShape, this.rank, where);
    const spatial = inputShape.slice(1, 1 + this.rank).map((len, i) => {
      const span = dilatedSpan(this.kernelSize[i]!, this.dilationRate[i]!);
      const out = deconvOutputLength(
        len,
        span,
        this.strides[i]!,
        this.padding,
        this.outputPadding?.[i] ?? null,
      );
      if (out !== null && out <= 0) {
        throw new ValueError(
          `${where}: the output would have length ${out} along spatial axis ${i}; ` +
            `received input shape ${fmtSpec(inputShape)}`,
        );
      }
      return out;
    });
    return [inputShape[0]!, ...spatial, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...baseConfig(super.getConfig()),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      output_padding: this.outputPadding ? [...this.outputPadding] : null,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: activationName(this.activation, a.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
    };
  }
}

function fromConfigArgs(config: Record<string, unknown>): [number, KernelSize, ConvTransposeArgs] {
  return [
    config.filters as number,
    config.kernel_size as KernelSize,
    fromKerasConfig(config) as ConvTransposeArgs,
  ];
}

/** Transposed 1-D convolution over (batch, steps, channels). */
export class Conv1DTranspose extends BaseConvTranspose {
  constructor(filters: number, kernelSize: KernelSize, args: ConvTransposeArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv1DTranspose {
    return new Conv1DTranspose(...fromConfigArgs(config));
  }
}

/** Transposed 2-D convolution over (batch, height, width, channels): learned upsampling. */
export class Conv2DTranspose extends BaseConvTranspose {
  constructor(filters: number, kernelSize: KernelSize, args: ConvTransposeArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv2DTranspose {
    return new Conv2DTranspose(...fromConfigArgs(config));
  }
}

/** Transposed 3-D convolution over (batch, depth, height, width, channels). */
export class Conv3DTranspose extends BaseConvTranspose {
  constructor(filters: number, kernelSize: KernelSize, args: ConvTransposeArgs = {}) {
    super(3, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv3DTranspose {
    return new Conv3DTranspose(...fromConfigArgs(config));
  }
}

registerKerasLayers({ Conv1DTranspose, Conv2DTranspose, Conv3DTranspose });
