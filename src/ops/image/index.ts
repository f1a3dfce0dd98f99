/** `ops.image.*`: mirrors `keras.ops.image`. */
export { resize, type ResizeOptions, type ResizeInterpolation } from "./resize.js";
export type { DataFormat } from "./image-args.js";
