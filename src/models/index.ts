export { Model, type ModelArgs } from "./model.js";
export { Sequential } from "./sequential.js";
// models/saving also gives Model its save / saveWeights / loadWeights when it loads.
export { loadModel, saveModel, modelFromConfig, modelFromJson } from "./saving/index.js";
export { cloneModel, type CloneModelOptions } from "./clone.js";
export type { LoadWeightsOptions } from "./load-weights-options.js";
