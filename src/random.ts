/** `st.random.*`: seeded random tensors (Keras `keras.random`). */
export {
  setSeed,
  normal,
  uniform,
  truncatedNormal,
  randint,
  SeedGenerator,
} from "./tensor/random.js";
export { dropout, shuffle, type DropoutOptions, type ShuffleOptions } from "./ops/nn.js";
export { gamma, beta, binomial, categorical } from "./ops/random-distributions.js";
