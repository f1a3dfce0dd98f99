/** `st.preprocessing.text`: the book's older Keras text API (Tokenizer, oneHot, hashingTrick). */
export {};
