/**
 * `st.saving` (keras.saving): loading and saving whole models and their weights, the custom-object
 * registry, Keras's object (de)serialization, and KerasFileEditor (editing a saved file's weights).
 */
export { loadModel, saveModel, saveWeights, loadWeights } from "./saving/index.js";
export {
  KerasFileEditor,
  type KerasFileEditorOptions,
  type WeightsDict,
  type WeightsInput,
  type ObjectMetadata,
  type CompareResult,
} from "./saving/index.js";
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
