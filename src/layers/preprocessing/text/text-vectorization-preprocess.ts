/**
 * TextVectorization's text-to-tokens pipeline (Keras's `_preprocess`): standardize, split, n-grams.
 * Split examples have different numbers of tokens (TensorFlow makes a ragged tensor); Strata pads
 * each batch's token rows with "" to a [batch, longest] string tensor instead. "" is the lookup's
 * mask token, which Keras's lookup maps to 0 in "int" mode and drops in the other modes and from
 * adapted vocabularies, so the padding changes nothing in the results.
 */
import { ValueError } from "../../../errors.js";
import { type Tensor, fromStrings } from "../../../tensor/tensor.js";
import { type Split, applySplit } from "./split.js";
import { type Standardize, applyStandardize } from "./standardize.js";
import { makeNgrams } from "./text-vectorization-ngrams.js";

export interface PreprocessOptions {
  standardize: Standardize;
  split: Split;
  /** n-gram widths, or null for none */
  ngrams: readonly number[] | null;
  /** names the layer in errors */
  where: string;
}

/** Rows of tokens as a [rows, longest] string tensor padded with "". */
export function padTokenRows(rows: readonly (readonly string[])[]): Tensor {
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const flat = new Array<string>(rows.length * width).fill("");
  rows.forEach((r, i) => r.forEach((t, j) => (flat[i * width + j] = t)));
  return fromStrings(flat, [rows.length, width]);
}

/** The rows of a tensor along its last axis (a rank-1 tensor is one column, a scalar one row). */
function lastAxisRows(t: Tensor): string[][] {
  const v = t.stringValues();
  const width = t.shape.length >= 2 ? t.shape[t.shape.length - 1]! : 1;
  return Array.from({ length: width === 0 ? 0 : v.length / width }, (_, i) =>
    v.slice(i * width, (i + 1) * width),
  );
}

/**
 * A batch of texts as the tokens the lookup reads. With a split, the input must be [batch] or
 * [batch, 1] and the result is [batch, longest]; without one, the strings are the tokens and keep
 * the input's shape (n-grams then run along the last axis, giving [rows, n-grams]).
 */
export function preprocessTexts(inputs: Tensor, opts: PreprocessOptions): Tensor {
  if (inputs.dtype !== "string") {
    throw new ValueError(
      `${opts.where}: expects string inputs (a string tensor or an array of strings); ` +
        `received dtype ${inputs.dtype}`,
    );
  }
  const standardized = applyStandardize(inputs, opts.standardize, opts.where);
  if (opts.split === null) {
    if (opts.ngrams === null) return standardized;
    return padTokenRows(lastAxisRows(standardized).map((r) => makeNgrams(r, opts.ngrams!)));
  }
  const shape = standardized.shape;
  if (shape.length > 1 && (shape.length > 2 || shape[1] !== 1)) {
    throw new ValueError(
      `${opts.where}: when splitting strings, the input rank must be 1 or the last dimension ` +
        `must be 1; received inputs.shape=[${shape.join(", ")}]`,
    );
  }
  const examples =
    shape.length === 1 ? standardized : fromStrings(standardized.stringValues(), [shape[0] ?? 1]);
  let rows = applySplit(examples, opts.split, opts.where);
  if (opts.ngrams !== null) rows = rows.map((r) => makeNgrams(r, opts.ngrams!));
  return padTokenRows(rows);
}
