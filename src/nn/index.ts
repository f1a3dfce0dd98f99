export * as initializers from "./initializers.js";
export * as regularizers from "./regularizers.js";
export * as constraints from "./constraints.js";
