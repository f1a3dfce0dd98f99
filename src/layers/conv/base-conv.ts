import { ValueError } from "../../errors.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { convBiasActivation } from "../../ops/conv-bias.js";
import type { Variable } from "../../autodiff/variable.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import {
  activationName,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import {
  checkDataFormat,
  checkInputRank,
  dilatedSpan,
  knownChannels,
  standardizePadding,
  standardizeTuple,
  windowOutputLength,
} from "./conv-utils.js";

/** Options every convolution layer shares (Keras's names, camelCase). */
export interface ConvGeometryArgs extends LayerArgs {
  strides?: number | readonly number[];
  padding?: "valid" | "same" | "causal";
  /** Only "channels_last" is supported. */
  dataFormat?: "channels_last" | "channels_first" | null;
  dilationRate?: number | readonly number[];
  activation?: string | Activation | null;
  useBias?: boolean;
  biasInitializer?: string | Initializer | KerasObject;
  biasRegularizer?: string | Regularizer | null;
  biasConstraint?: string | Constraint | null;
}

export interface ConvArgs extends ConvGeometryArgs {
  groups?: number;
  kernelInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
}

/** Normalized geometry of a convolution layer, validated at construction as Keras does. */
export interface ConvGeometry {
  kernelSize: number[];
  strides: number[];
  padding: "valid" | "same" | "causal";
  dataFormat: "channels_last";
  dilationRate: number[];
}

export function standardizeGeometry(
  rank: number,
  kernelSize: unknown,
  args: ConvGeometryArgs,
  where: string,
  allowCausal: boolean,
): ConvGeometry {
  const g: ConvGeometry = {
    kernelSize: standardizeTuple(kernelSize, rank, "kernelSize", where),
    strides: standardizeTuple(args.strides ?? 1, rank, "strides", where),
    padding: standardizePadding(
      args.padding ?? "valid",
      allowCausal ? ["valid", "same", "causal"] : ["valid", "same"],
      where,
    ),
    dataFormat: checkDataFormat(args.dataFormat, where),
    dilationRate: standardizeTuple(args.dilationRate ?? 1, rank, "dilationRate", where),
  };
  // Keras refuses the combination (TensorFlow's kernels never supported it).
  if (Math.max(...g.strides) > 1 && Math.max(...g.dilationRate) > 1) {
    throw new ValueError(
      `${where}: strides > 1 is not supported together with dilationRate > 1; ` +
        `received strides=${JSON.stringify(g.strides)} and dilationRate=${JSON.stringify(g.dilationRate)}`,
    );
  }
  return g;
}

export function checkPositive(value: unknown, arg: string, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${where}: ${arg} must be a positive integer; received ${arg}=${value}`);
  }
  return value;
}

/** Output shape of a (non-transposed) convolution or pooling over channels-last inputs. */
export function convOutputShape(
  inputShape: ShapeSpec,
  g: Pick<ConvGeometry, "kernelSize" | "strides" | "padding"> & { dilationRate?: number[] },
  outChannels: number | null,
  where: string,
  what = "kernel",
): ShapeSpec {
  const n = g.kernelSize.length;
  checkInputRank(inputShape, n, where);
  const spatial = inputShape.slice(1, 1 + n).map((len, i) => {
    const span = dilatedSpan(g.kernelSize[i]!, g.dilationRate?.[i] ?? 1);
    return windowOutputLength(len, span, g.strides[i]!, g.padding, where, inputShape, what);
  });
  return [inputShape[0]!, ...spatial, outChannels ?? inputShape[n + 1]!];
}

/** A Layer's base config without `activity_regularizer`, which conv configs place themselves. */
export function baseConfig(config: Record<string, unknown>): Record<string, unknown> {
  delete config.activity_regularizer;
  return config;
}

/** Checks that a call's inputs match the shape the layer was built for. */
export function checkCallInputs(x: Tensor, rank: number, channels: number, where: string): void {
  checkInputRank(x.shape, rank, where);
  if (x.shape[x.rank - 1] !== channels) {
    throw new ValueError(
      `${where}: expected inputs with ${channels} channels (last axis), as when the layer was ` +
        `built; received shape ${fmtSpec(x.shape)}`,
    );
  }
}

/**
 * Keras's BaseConv: `activation(conv(inputs, kernel) + bias)` with kernel (spatial…, inC / groups,
 * filters), channels-last. Conv1D/2D/3D fix the rank.
 */
export abstract class BaseConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same" | "causal";
  readonly dataFormat = "channels_last";
  readonly dilationRate: number[];
  readonly groups: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;
  private inChannels = 0;

  constructor(
    rank: number,
    filters: number,
    kernelSize: number | readonly number[],
    protected readonly args: ConvArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.rank = rank;
    this.filters = checkPositive(filters, "filters", where);
    this.groups = checkPositive(args.groups ?? 1, "groups", where);
    if (this.filters % this.groups !== 0) {
      throw new ValueError(
        `${where}: filters must be divisible by groups; ` +
          `received filters=${this.filters}, groups=${this.groups}`,
      );
    }
    const g = standardizeGeometry(rank, kernelSize, args, where, rank === 1);
    this.kernelSize = g.kernelSize;
    this.strides = g.strides;
    this.padding = g.padding;
    this.dilationRate = g.dilationRate;
    this.activation = getActivation(args.activation ?? "linear");
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: ShapeSpec): void {
    const where = this.where();
    checkInputRank(inputShape, this.rank, where);
    const c = knownChannels(inputShape, where);
    if (c % this.groups !== 0) {
      throw new ValueError(
        `${where}: the number of input channels must be divisible by groups; received ` +
          `groups=${this.groups} and inputs of shape ${fmtSpec(inputShape)}`,
      );
    }
    // Validates the spatial lengths (a kernel longer than a "valid" input) before making weights.
    this.computeOutputShape(inputShape);
    this.inChannels = c;
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [...this.kernelSize, c / this.groups, this.filters],
      initializer: this.args.kernelInitializer ?? "glorot_uniform",
      regularizer: this.args.kernelRegularizer,
      constraint: this.args.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: "bias",
        shape: [this.filters],
        initializer: this.args.biasInitializer ?? "zeros",
        regularizer: this.args.biasRegularizer,
        constraint: this.args.biasConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    checkCallInputs(inputs, this.rank, this.inChannels, this.where());
    const options = {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
    };
    return convBiasActivation(inputs, this.kernel, this.bias, this.activation, options);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return convOutputShape(inputShape, this, this.filters, this.where());
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...baseConfig(super.getConfig()),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: this.groups,
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
