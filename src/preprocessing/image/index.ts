/** `st.preprocessing.image`: the book's older Keras image API (ImageDataGenerator). */
export {};
