/**
 * TextVectorization's first step, `standardize`: Keras's "lower", "strip_punctuation",
 * "lower_and_strip_punctuation", none, or a callable. The built-in modes run on the host strings;
 * a callable receives the string tensor and returns strings of the same shape.
 */
import { ShapeError, ValueError } from "../../../errors.js";
import { Tensor, fromStrings } from "../../../tensor/tensor.js";

export type StandardizeMode = "lower_and_strip_punctuation" | "lower" | "strip_punctuation";

/** A custom standardization: a string tensor in, the same-shaped strings out (tensor or flat array). */
export type StandardizeFn = (inputs: Tensor) => Tensor | readonly string[];

export type Standardize = StandardizeMode | StandardizeFn | null;

export const STANDARDIZE_MODES: readonly StandardizeMode[] = [
  "lower_and_strip_punctuation",
  "lower",
  "strip_punctuation",
];

/**
 * Keras's punctuation class, `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']`: ASCII punctuation with
 * the apostrophe (its `,-\.` is a range, so "-" is in it too).
 */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

/** TensorFlow's `tf.strings.lower` without an encoding: only A-Z change (as absl's AsciiStrToLower). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** One string through a built-in mode. */
export function standardizeString(s: string, mode: StandardizeMode): string {
  const lowered = mode === "strip_punctuation" ? s : asciiLower(s);
  return mode === "lower" ? lowered : lowered.replace(PUNCTUATION, "");
}

/** Checks a `standardize` option; `where` names the layer in the error. */
export function checkStandardize(value: unknown, where: string): Standardize {
  if (value === null || typeof value === "function") return value as Standardize;
  if (typeof value === "string" && (STANDARDIZE_MODES as readonly string[]).includes(value)) {
    return value as StandardizeMode;
  }
  throw new ValueError(
    `${where}: standardize must be null, a function or one of ${STANDARDIZE_MODES.join(", ")}; ` +
      `received ${String(value)}`,
  );
}

/** Applies `standardize` to a string tensor, keeping its shape. */
export function applyStandardize(inputs: Tensor, standardize: Standardize, where: string): Tensor {
  if (standardize === null) return inputs;
  if (typeof standardize === "string") {
    const mode = standardize;
    return fromStrings(
      inputs.stringValues().map((s) => standardizeString(s, mode)),
      inputs.shape,
    );
  }
  const out = standardize(inputs);
  const values = out instanceof Tensor ? out.stringValues() : [...out];
  if (values.length !== inputs.size) {
    throw new ShapeError(
      `${where}: the standardize function must return one string per input string ` +
        `(${inputs.size}); received ${values.length}`,
    );
  }
  return fromStrings(values, inputs.shape);
}
