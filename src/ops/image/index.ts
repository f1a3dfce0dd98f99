/** `ops.image.*`: mirrors `keras.ops.image`. */
export {};
