import { imageDataFormat } from "../../tensor/config.js";
import { ValueError } from "../../errors.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { standardizeTuple } from "../conv/conv-utils.js";

/*
 * Argument checks shared by the 1-D and 3-D cropping, padding and upsampling layers, which (unlike
 * the older 2-D ones) take Keras's `data_format` in both layouts: channels-last (batch,
 * spatial…, channels) and channels-first (batch, channels, spatial…).
 */

export type DataFormat = "channels_last" | "channels_first";

/** Keras `standardize_data_format`: null means the global `imageDataFormat()`. */
export function standardizeDataFormat(value: unknown, where: string): DataFormat {
  if (value === undefined || value === null) return imageDataFormat();
  const v = typeof value === "string" ? value.toLowerCase() : value;
  if (v === "channels_last" || v === "channels_first") return v;
  throw new ValueError(
    `${where}: dataFormat must be "channels_last" or "channels_first"; ` +
      `received dataFormat=${JSON.stringify(value)}`,
  );
}

/**
 * Keras's per-axis [before, after] amounts for `n` spatial axes: an int (every side), n ints
 * (symmetric per axis) or n pairs. Every amount an integer ≥ 0.
 */
export function standardizeSides(
  value: unknown,
  n: number,
  arg: string,
  where: string,
): number[][] {
  const bad = (): never => {
    throw new ValueError(
      `${where}: ${arg} must be an integer, a list of ${n} integers (symmetric per axis) or ` +
        `${n} pairs [before, after], all ≥ 0; received ${arg}=${JSON.stringify(value)}`,
    );
  };
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) bad();
    return Array.from({ length: n }, () => [value, value]);
  }
  if (!Array.isArray(value) || value.length !== n) return bad();
  return (value as unknown[]).map((side) => {
    try {
      return standardizeTuple(side, 2, arg, where, true);
    } catch {
      return bad();
    }
  });
}

/** The input must have rank spatial + 2. */
export function checkRank(shape: ShapeSpec, spatial: number, where: string): void {
  if (shape.length !== spatial + 2) {
    throw new ValueError(
      `${where}: expected inputs of rank ${spatial + 2} (batch, ${spatial} spatial axes and ` +
        `channels); received shape ${fmtSpec(shape)}`,
    );
  }
}

/** The axis index of spatial axis `i` (0-based) in the given layout. */
export function spatialAxis(i: number, dataFormat: DataFormat): number {
  return dataFormat === "channels_first" ? i + 2 : i + 1;
}
