/** `ops.*`: mirrors `keras.ops`, with Keras's positional signatures in camelCase. */
export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./movement.js";
