/** `st.preprocessing.text`: the book's older Keras text API (Tokenizer, oneHot, hashingTrick). */
export { DEFAULT_FILTERS, textToWordSequence } from "../../data/text-to-word-sequence.js";
export type { WordSequenceOptions } from "../../data/text-to-word-sequence.js";
export { hashingTrick, oneHot } from "./hashing.js";
export type { HashFunction, HashingTrickOptions } from "./hashing.js";
export { Tokenizer, tokenizerFromJson } from "./tokenizer.js";
export type { MatrixMode, TextInput, Texts, TokenizerOptions } from "./tokenizer.js";
