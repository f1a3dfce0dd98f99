/**
 * `st.saving` (keras.saving): loading and saving whole models and their weights, the custom-object
 * registry and Keras's object (de)serialization.
 */
export { loadModel, saveModel, saveWeights, loadWeights } from "./saving/index.js";
export {
  registerKerasSerializable,
  getRegisteredName,
  getRegisteredObject,
  getCustomObjects,
  CustomObjectScope,
  customObjectScope,
  type CustomObjects,
  type RegisterOptions,
} from "../nn/object-registration.js";
export {
  serializeKerasObject,
  deserializeKerasObject,
  type DeserializeOptions,
} from "./saving/serialization-lib.js";
