export { Model, type ModelArgs } from "./model.js";
export { Sequential } from "./sequential.js";
export { modelFromConfig, modelFromJson } from "./config.js";
