/**
 * `textToWordSequence`: Keras 2's `keras.preprocessing.text.text_to_word_sequence`, the word splitter
 * that Tokenizer, oneHot, hashingTrick (`st.preprocessing.text`) and the IMDB loader's raw-review
 * source share. Lower-cases, turns every filter character into the
 * separator, splits on the separator and drops the empty pieces.
 */

/** Keras's default filters: ASCII punctuation, tab and newline (the apostrophe is kept). */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface WordSequenceOptions {
  /** Characters replaced by `split` before splitting (Keras `filters`). */
  filters?: string;
  /** Lower-case the text first (Keras `lower`, default true). */
  lower?: boolean;
  /** The word separator (Keras `split`, default " "). */
  split?: string;
}

/** Splits `text` into words as Keras 2's `text_to_word_sequence` does. */
export function textToWordSequence(text: string, options: WordSequenceOptions = {}): string[] {
  const filters = new Set(Array.from(options.filters ?? DEFAULT_FILTERS));
  const split = options.split ?? " ";
  const lowered = (options.lower ?? true) ? text.toLowerCase() : text;
  let replaced = "";
  // Python's str.translate works on code points, so surrogate pairs stay whole.
  for (const ch of lowered) replaced += filters.has(ch) ? split : ch;
  return replaced.split(split).filter((w) => w.length > 0);
}
