import { fromKerasConfig } from "../config.js";
import { BaseConv, type ConvArgs } from "./base-conv.js";
import { registerKerasLayers } from "../registry.js";

type KernelSize = number | readonly number[];

function fromConfigArgs(config: Record<string, unknown>): [number, KernelSize, ConvArgs] {
  return [
    config.filters as number,
    config.kernel_size as KernelSize,
    fromKerasConfig(config) as ConvArgs,
  ];
}

/** 1-D convolution over (batch, steps, channels); padding may also be "causal" (left only). */
export class Conv1D extends BaseConv {
  constructor(filters: number, kernelSize: KernelSize, args: ConvArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv1D {
    return new Conv1D(...fromConfigArgs(config));
  }
}

/** 2-D convolution over (batch, height, width, channels): the book's image layer. */
export class Conv2D extends BaseConv {
  constructor(filters: number, kernelSize: KernelSize, args: ConvArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv2D {
    return new Conv2D(...fromConfigArgs(config));
  }
}

/** 3-D convolution over (batch, depth, height, width, channels). */
export class Conv3D extends BaseConv {
  constructor(filters: number, kernelSize: KernelSize, args: ConvArgs = {}) {
    super(3, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): Conv3D {
    return new Conv3D(...fromConfigArgs(config));
  }
}

registerKerasLayers({ Conv1D, Conv2D, Conv3D });
