/** `ops.*`: mirrors `keras.ops`, with Keras's positional signatures in camelCase. */
export * from "./elementwise.js";
// keras.ops also creates tensors (those whose positional signatures match Keras's).
export { zeros, ones, full, zerosLike, onesLike, arange, eye } from "../tensor/creation.js";
export * from "./reduce.js";
export * from "./movement.js";
export * from "./activations.js";
export * from "./scan.js";
export * from "./join.js";
export * from "./gather.js";
export * from "./linalg.js";
export { conv, depthwiseConv, separableConv, convTranspose } from "./conv.js";
export type { ConvOptions, ConvTransposeOptions, ConvPadding } from "./conv.js";
export { maxPool, averagePool } from "./pool.js";
export type { PoolPadding } from "./pool.js";
export * as image from "./image/index.js";
