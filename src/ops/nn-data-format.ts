/**
 * The public forms of keras.ops' pooling and convolutions, which take Keras's `data_format`:
 * "channels_last" (batch, spatial…, channels) or "channels_first" (batch, channels, spatial…);
 * null or left out means Keras's global `imageDataFormat()` (config.ts), as Keras's `None` does.
 * Kernels keep Keras's one layout whatever the data format: (spatial…, in, out). A channels-first
 * input is moved to channels-last, computed by the channels-last ops of conv.ts / pool.ts (which
 * Strata's layers call directly, so a global setting never changes them) and moved back; the
 * moves are transposes, so gradients flow through them.
 */
import { ValueError } from "../errors.js";
import { imageDataFormat } from "../tensor/config.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type ConvOptions as LastConvOptions,
  type ConvTransposeOptions as LastConvTransposeOptions,
  conv as convLast,
  convTranspose as convTransposeLast,
  depthwiseConv as depthwiseConvLast,
  separableConv as separableConvLast,
} from "./conv.js";
import { type TensorLike, asTensor } from "./core.js";
import { transpose } from "./movement.js";
import {
  type PoolPadding,
  averagePool as averagePoolLast,
  maxPool as maxPoolLast,
} from "./pool.js";

export type DataFormat = "channels_last" | "channels_first";

export interface ConvOptions extends LastConvOptions {
  /** "channels_last" or "channels_first" (default: `config.imageDataFormat()`). */
  dataFormat?: DataFormat | null;
}

export interface ConvTransposeOptions extends LastConvTransposeOptions {
  /** "channels_last" or "channels_first" (default: `config.imageDataFormat()`). */
  dataFormat?: DataFormat | null;
}

/** Keras `standardize_data_format`: null → the global setting; anything else must be one of two. */
function standardize(dataFormat: unknown, op: string): DataFormat {
  const format = dataFormat ?? imageDataFormat();
  if (format !== "channels_last" && format !== "channels_first") {
    throw new ValueError(
      `${op}: dataFormat must be "channels_last" or "channels_first"; received ${JSON.stringify(dataFormat)}`,
    );
  }
  return format;
}

/** Runs the channels-last `fn` on `inputs` laid out as `format`, giving the result the same layout. */
function inFormat(inputs: TensorLike, format: DataFormat, fn: (x: TensorLike) => Tensor): Tensor {
  if (format === "channels_last") return fn(inputs);
  const x = asTensor(inputs);
  // Only ranks 3–5 reach here whole; others are left to the op to refuse with its own message.
  if (x.rank < 3) return fn(x);
  const n = x.rank - 2;
  const spatial = Array.from({ length: n }, (_, i) => i + 2);
  const y = fn(transpose(x, [0, ...spatial, 1]));
  return transpose(y, [0, n + 1, ...Array.from({ length: n }, (_, i) => i + 1)]);
}

/** Splits `dataFormat` off a conv options object. */
function splitFormat<O extends { dataFormat?: DataFormat | null }>(
  options: O,
  op: string,
): [DataFormat, Omit<O, "dataFormat">] {
  const { dataFormat, ...rest } = options;
  return [standardize(dataFormat, op), rest];
}

/**
 * keras.ops.max_pool(inputs, poolSize, strides = poolSize, padding = "valid", dataFormat): the
 * largest value of each window (the first one on ties, which is where the gradient goes).
 */
export function maxPool(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | null = null,
  padding: PoolPadding = "valid",
  dataFormat: DataFormat | null = null,
): Tensor {
  const format = standardize(dataFormat, "maxPool");
  return inFormat(inputs, format, (x) => maxPoolLast(x, poolSize, strides, padding));
}

/**
 * keras.ops.average_pool(inputs, poolSize, strides = poolSize, padding = "valid", dataFormat): the
 * mean of each window over the cells inside the input.
 */
export function averagePool(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | null = null,
  padding: PoolPadding = "valid",
  dataFormat: DataFormat | null = null,
): Tensor {
  const format = standardize(dataFormat, "averagePool");
  return inFormat(inputs, format, (x) => averagePoolLast(x, poolSize, strides, padding));
}

/**
 * keras.ops.conv: N-D convolution (1-D, 2-D or 3-D, from the rank of `inputs`). `kernel` is
 * (spatial…, inChannels / groups, outChannels); groups = input channels / kernel.shape[-2].
 */
export function conv(inputs: TensorLike, kernel: TensorLike, options: ConvOptions = {}): Tensor {
  const [format, rest] = splitFormat(options, "conv");
  return inFormat(inputs, format, (x) => convLast(x, kernel, rest));
}

/**
 * keras.ops.depthwise_conv: each input channel convolved with its own `multiplier` filters; kernel
 * (spatial…, inChannels, multiplier), output channel c·multiplier + m.
 */
export function depthwiseConv(
  inputs: TensorLike,
  kernel: TensorLike,
  options: ConvOptions = {},
): Tensor {
  const [format, rest] = splitFormat(options, "depthwiseConv");
  return inFormat(inputs, format, (x) => depthwiseConvLast(x, kernel, rest));
}

/** keras.ops.separable_conv: depthwiseConv, then a 1×1 conv with pointwiseKernel (1…, C·M, O). */
export function separableConv(
  inputs: TensorLike,
  depthwiseKernel: TensorLike,
  pointwiseKernel: TensorLike,
  options: ConvOptions = {},
): Tensor {
  const [format, rest] = splitFormat(options, "separableConv");
  return inFormat(inputs, format, (x) =>
    separableConvLast(x, depthwiseKernel, pointwiseKernel, rest),
  );
}

/**
 * keras.ops.conv_transpose: the gradient of a convolution with respect to its input, used as a
 * layer; kernel (spatial…, outChannels, inChannels).
 */
export function convTranspose(
  inputs: TensorLike,
  kernel: TensorLike,
  options: ConvTransposeOptions = {},
): Tensor {
  const [format, rest] = splitFormat(options, "convTranspose");
  return inFormat(inputs, format, (x) => convTransposeLast(x, kernel, rest));
}
