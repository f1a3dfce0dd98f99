/** `st.random.*`: seeded random tensors (Keras `keras.random`). */
export {
  setSeed,
  normal,
  uniform,
  truncatedNormal,
  randint,
  SeedGenerator,
} from "./tensor/random.js";
