import { imageDataFormat } from "../../tensor/config.js";
import { ValueError } from "../../errors.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";

/*
 * Argument normalization and output-length arithmetic shared by the convolution, pooling and
 * image-reshaping layers. Each helper takes `where` (the layer's `where()`) so its errors name the
 * layer, and the camelCase option name the user wrote, so the message quotes what was received.
 */

/**
 * Keras `standardize_tuple`: one number for every spatial axis, or exactly `n` numbers; every
 * entry an integer ≥ 1 (≥ 0 with `allowZero`). Configs store the tuple.
 */
export function standardizeTuple(
  value: unknown,
  n: number,
  arg: string,
  where: string,
  allowZero = false,
): number[] {
  const list = typeof value === "number" ? new Array<number>(n).fill(value) : value;
  const min = allowZero ? 0 : 1;
  if (
    !Array.isArray(list) ||
    list.length !== n ||
    list.some((v) => typeof v !== "number" || !Number.isInteger(v) || v < min)
  ) {
    throw new ValueError(
      `${where}: ${arg} must be an integer or a list of ${n} integers, each ≥ ${min}; ` +
        `received ${arg}=${JSON.stringify(value)}`,
    );
  }
  return [...(list as number[])];
}

/** Keras `standardize_padding` (case-insensitive); "causal" only where the layer allows it. */
export function standardizePadding<P extends string>(
  value: unknown,
  allowed: readonly P[],
  where: string,
): P {
  const p = typeof value === "string" ? value.toLowerCase() : value;
  if (!allowed.includes(p as P)) {
    throw new ValueError(
      `${where}: padding must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}; ` +
        `received padding=${JSON.stringify(value)}`,
    );
  }
  return p as P;
}

/**
 * Strata computes channels-last only (Keras's default `image_data_format`). With no `dataFormat`
 * the global `imageDataFormat()` applies, as in Keras, and "channels_first" is refused.
 */
export function checkDataFormat(value: unknown, where: string): "channels_last" {
  if (value === "channels_last") return "channels_last";
  if ((value === undefined || value === null) && imageDataFormat() === "channels_last") {
    return "channels_last";
  }
  if (value === undefined || value === null) {
    throw new ValueError(
      `${where}: the global image data format is "channels_first" (st.config.setImageDataFormat), ` +
        `but this layer computes channels-last only; pass dataFormat: "channels_last" and ` +
        `channels-last inputs (batch, spatial…, channels)`,
    );
  }
  throw new ValueError(
    `${where}: only dataFormat "channels_last" is supported (inputs (batch, spatial…, channels)); ` +
      `received dataFormat=${JSON.stringify(value)}. Transpose the inputs to channels-last instead`,
  );
}

/** Checks the input rank: batch, `spatial` spatial axes, channels. */
export function checkInputRank(shape: ShapeSpec, spatial: number, where: string): void {
  if (shape.length !== spatial + 2) {
    const axes = ["steps", "height, width", "depth, height, width"][spatial - 1] ?? "spatial…";
    throw new ValueError(
      `${where}: expected inputs of rank ${spatial + 2} (batch, ${axes}, channels); ` +
        `received shape ${fmtSpec(shape)}`,
    );
  }
}

/** The channel axis must be known to size the weights. */
export function knownChannels(shape: ShapeSpec, where: string): number {
  const c = shape.at(-1);
  if (c === null || c === undefined) {
    throw new ValueError(
      `${where}: the channel axis (last) of the inputs must be known; received shape ${fmtSpec(shape)}`,
    );
  }
  return c;
}

/** Dilated window span: k taps spaced d apart cover (k − 1)·d + 1 cells. */
export function dilatedSpan(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/**
 * Keras `compute_conv_output_shape` / `compute_pooling_output_shape` along one axis:
 * valid → ⌊(in − span) / s⌋ + 1, same and causal → ⌊(in − 1) / s⌋ + 1 (= ⌈in / s⌉). Unknown
 * lengths stay unknown; a window longer than a "valid" input is an error.
 */
export function windowOutputLength(
  inLength: number | null,
  span: number,
  stride: number,
  padding: string,
  where: string,
  shape: ShapeSpec,
  what = "kernel",
): number | null {
  if (inLength === null) return null;
  if (padding === "valid") {
    if (span > inLength) {
      throw new ValueError(
        `${where}: the ${what} (spanning ${span}) is larger than the input along an axis of ` +
          `length ${inLength} with padding "valid"; received input shape ${fmtSpec(shape)}`,
      );
    }
    return Math.floor((inLength - span) / stride) + 1;
  }
  return Math.floor((inLength - 1) / stride) + 1;
}

/**
 * Keras `deconv_output_length` (span = dilated kernel): without outputPadding,
 * valid → in·s + max(span − s, 0), same → in·s; with it, (in − 1)·s + span − 2·pad + outputPadding
 * where pad = ⌊span / 2⌋ for same and 0 for valid.
 */
export function deconvOutputLength(
  inLength: number | null,
  span: number,
  stride: number,
  padding: string,
  outputPadding: number | null,
): number | null {
  if (inLength === null) return null;
  if (outputPadding === null) {
    return padding === "valid" ? inLength * stride + Math.max(span - stride, 0) : inLength * stride;
  }
  const pad = padding === "same" ? Math.floor(span / 2) : 0;
  return (inLength - 1) * stride + span - 2 * pad + outputPadding;
}

/**
 * Keras's 2-D padding/cropping argument: an int (all four sides), [h, w] (symmetric per axis) or
 * [[top, bottom], [left, right]]; returned as the latter.
 */
export function standardizeSides2D(value: unknown, arg: string, where: string): number[][] {
  const bad = (): never => {
    throw new ValueError(
      `${where}: ${arg} must be an integer, a list of 2 integers [symmetric height, symmetric ` +
        `width] or [[top, bottom], [left, right]], all ≥ 0; received ${arg}=${JSON.stringify(value)}`,
    );
  };
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) bad();
    return [
      [value, value],
      [value, value],
    ];
  }
  if (!Array.isArray(value) || value.length !== 2) return bad();
  return (value as unknown[]).map((side) => {
    try {
      return standardizeTuple(side, 2, arg, where, true);
    } catch {
      return bad();
    }
  });
}
