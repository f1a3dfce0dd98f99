/** `st.preprocessing`: Keras's older preprocessing API (`keras.preprocessing`), kept for code people already have. */
export * as text from "./text/index.js";
export * as image from "./image/index.js";
