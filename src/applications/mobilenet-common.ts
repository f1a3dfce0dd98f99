/**
 * What the MobileNet families (mobilenet.ts, mobilenet-v2.ts, mobilenet-v3.ts) share: their own
 * options split off from the common application options (with one unknown-option check over
 * both), Keras's channel rounding (`_make_divisible` / `_depth`), `imagenet_utils.correct_pad`,
 * the check V2 and V3 make when both `inputShape` and `inputTensor` are given, Python's spelling
 * of a float in file names, and a one-line layer call.
 */
import { ValueError } from "../errors.js";
import type { SymbolicTensor } from "../layers/layer.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import type { ApplicationOptions } from "./application-args.js";

const COMMON = [
  "includeTop",
  "weights",
  "inputTensor",
  "inputShape",
  "pooling",
  "classes",
  "classifierActivation",
  "name",
];

/**
 * Refuses options that are neither common nor in `own`, and returns the family's own options
 * apart from the common ones (which `resolveOptions` then checks).
 */
export function splitOptions<O extends ApplicationOptions>(
  where: string,
  opts: O,
  own: readonly string[],
): { own: Partial<O>; common: ApplicationOptions } {
  const mine: Record<string, unknown> = {};
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (own.includes(k)) mine[k] = v;
    else if (COMMON.includes(k)) common[k] = v;
    else {
      throw new ValueError(
        `${where}: unknown option ${k}; expected one of ${[...COMMON, ...own].join(", ")}`,
      );
    }
  }
  return { own: mine as Partial<O>, common: common as ApplicationOptions };
}

/** Checks a width option of the family (alpha; depthMultiplier, an integer). */
export function positiveNumber(
  where: string,
  name: string,
  value: number,
  integer = false,
): number {
  if (
    typeof value !== "number" ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ValueError(
      `${where}: ${name} must be a positive ${integer ? "integer" : "number"}. ` +
        `Received: ${name}=${String(value)}`,
    );
  }
  return value;
}

/**
 * Keras's `_make_divisible(v, divisor=8)` (V3's `_depth`): `v` rounded to the nearest multiple of
 * `divisor` (at least `minValue`), one multiple more if rounding lost over 10%.
 */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let rounded = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/**
 * Keras's `imagenet_utils.correct_pad(inputs, kernel_size)` (channels-last): the zero padding
 * [[top, bottom], [left, right]] before a "valid" stride-2 convolution, so that it samples as
 * TensorFlow's "same" does: one row/column less at the top/left for an even side (or unknown).
 */
export function correctPad(x: SymbolicTensor, kernelSize: number): number[][] {
  const [h, w] = [x.shape[1], x.shape[2]];
  const adjust = h === null || h === undefined ? [1, 1] : [1 - (h % 2), 1 - (w! % 2)];
  const c = Math.floor(kernelSize / 2);
  return [
    [c - adjust[0]!, c],
    [c - adjust[1]!, c],
  ];
}

/**
 * The check MobileNetV2 / V3 make when both are given (channels-last): the tensor's width must
 * be the shape's (Keras compares `input_tensor.shape[2]` with `input_shape[1]`).
 */
export function checkInputTensorWidth(
  where: string,
  inputTensor: SymbolicTensor | null | undefined,
  inputShape: ShapeSpec | null | undefined,
): void {
  if (!inputShape || !inputTensor || !Array.isArray(inputTensor.shape)) return;
  if (inputTensor.shape[2] !== inputShape[1]) {
    const f = (s: ShapeSpec): string => `[${s.map((d) => d ?? "null").join(", ")}]`;
    throw new ValueError(
      `${where}: inputShape[1] must equal inputTensor.shape[2]; Received ` +
        `inputShape=${f(inputShape)}, inputTensor.shape=${f(inputTensor.shape)}`,
    );
  }
}

/** Python's `str(float(x))` for the numbers in file names: 1 → "1.0", 0.35 → "0.35". */
export function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Python's `None` or the number, as Keras's default model names print a side. */
export const pySide = (side: number | null | undefined): string =>
  side === null || side === undefined ? "None" : String(side);

/** Applies a layer to one tensor or a list of them. */
export const call = (
  layer: { apply(t: SymbolicTensor | SymbolicTensor[]): unknown },
  x: SymbolicTensor | SymbolicTensor[],
): SymbolicTensor => layer.apply(x) as SymbolicTensor;
