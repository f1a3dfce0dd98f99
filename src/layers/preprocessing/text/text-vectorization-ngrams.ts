/**
 * TextVectorization's third step, `ngrams`: Keras's option (an integer n for widths 1..n, or a list
 * of widths) and `tf.strings.ngrams` with separator " ": all n-grams of the first width in order,
 * then those of the next; a sequence shorter than a width gives none of that width.
 */
import { ValueError } from "../../../errors.js";

/** Keras's `ngrams` option: null, an integer, or a list of integers. */
export type Ngrams = number | readonly number[] | null;

/** Checks `ngrams` and returns the widths it stands for (null: no n-grams). */
export function ngramWidths(ngrams: unknown, where: string): number[] | null {
  if (ngrams === null || ngrams === undefined) return null;
  const bad = (): ValueError =>
    new ValueError(
      `${where}: ngrams must be null, a positive integer or a list of positive integers; ` +
        `received ngrams=${JSON.stringify(ngrams)}`,
    );
  const isWidth = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
  if (typeof ngrams === "number") {
    if (!isWidth(ngrams)) throw bad();
    return Array.from({ length: ngrams }, (_, i) => i + 1);
  }
  if (!Array.isArray(ngrams) || !ngrams.every(isWidth)) throw bad();
  return [...(ngrams as number[])];
}

/** The n-grams of `tokens` for each width in `widths`, joined with " ". */
export function makeNgrams(tokens: readonly string[], widths: readonly number[]): string[] {
  const out: string[] = [];
  for (const n of widths) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
  }
  return out;
}
