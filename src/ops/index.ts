/** `ops.*`: mirrors `keras.ops`, with Keras's positional signatures in camelCase. */
export * from "./elementwise.js";
// keras.ops also creates tensors (those whose positional signatures match Keras's).
export { zeros, ones, zerosLike, onesLike, arange, eye } from "../tensor/creation.js";
export { full } from "./fill.js";
export * from "./reduce.js";
export * from "./movement.js";
export * from "./activations.js";
export * from "./activations-extra.js";
export * from "./scan.js";
export * from "./join.js";
export * from "./gather.js";
export * from "./linalg.js";
// The public forms take Keras's dataFormat; layers call conv.ts / pool.ts (channels-last) directly.
export {
  conv,
  depthwiseConv,
  separableConv,
  convTranspose,
  maxPool,
  averagePool,
} from "./nn-data-format.js";
export type { ConvOptions, ConvTransposeOptions, DataFormat } from "./nn-data-format.js";
export type { ConvPadding } from "./conv.js";
export type { PoolPadding } from "./pool.js";
export * as image from "./image/index.js";
export { vectorizedMap } from "./vmap/vectorized-map.js";
// The forms that also take a batch of rows (vmap/rules.ts), in place of the plain ones above.
export {
  negative,
  abs,
  square,
  sqrt,
  rsqrt,
  reciprocal,
  exp,
  expm1,
  log,
  log1p,
  sin,
  cos,
  tan,
  tanh,
  sigmoid,
  erf,
  softplus,
  relu,
  sign,
  floor,
  ceil,
  round,
  logicalNot,
  isnan,
  isfinite,
  cast,
  add,
  subtract,
  multiply,
  divide,
  power,
  maximum,
  minimum,
  mod,
  floorDivide,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  logicalXor,
  clip,
  where,
  relu6,
  leakyRelu,
  hardSigmoid,
  hardSilu,
  hardSwish,
  elu,
  selu,
  gelu,
  silu,
  swish,
  softsign,
  mish,
  logSigmoid,
  celu,
  hardTanh,
  hardShrink,
  softShrink,
  tanhShrink,
  squareplus,
  sparsePlus,
  sparseSigmoid,
  threshold,
  softmax,
  logSoftmax,
  sum,
  mean,
  max,
  min,
  prod,
  variance,
  std,
  logSumExp,
  any,
  all,
  argmax,
  argmin,
  reshape,
  expandDims,
  squeeze,
  transpose,
  flip,
  oneHot,
} from "./vmap/rules.js";
export { ctcLoss } from "./ctc.js";
export { ctcDecode, type CtcDecodeOptions } from "./ctc-decode.js";
// keras.ops.numpy / nn / core names composed of the ops above (numpy-*.ts, nn-extra.ts,
// control-flow.ts), and the namespaces Keras groups them in.
export * from "./numpy-math.js";
export * from "./numpy-shape.js";
export * from "./numpy-stats.js";
export * from "./numpy-products.js";
export * from "./nn-extra.js";
export * from "./control-flow.js";
// keras.ops.linalg, flat as keras.ops has them and as the `linalg` namespace.
export * from "./linalg-decomp.js";
export * as linalg from "./linalg-namespace.js";
export * from "./numpy-extra.js";
export * from "./core-extra.js";
export * from "./signal.js";
export * from "./nn-losses.js";
export { jvp } from "./jvp.js";
export * from "./nn-windows.js";
export { rearrange } from "./einops.js";
