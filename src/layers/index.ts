/** `layers.*`: Keras layers by their Keras class names. */
export { Layer, type LayerArgs, type CallOptions, type AddWeightOptions } from "./layer.js";
export { SymbolicTensor, type ShapeSpec } from "./symbolic.js";
export { Input, InputLayer, type InputOptions } from "./core/input.js";
export { Dense, type DenseArgs } from "./core/dense.js";
