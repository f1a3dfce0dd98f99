/** `st.distillation`: Keras 3.16's `keras.distillation` (Distiller and the distillation losses). */
export { Distiller, type DistillerArgs } from "./distiller.js";
export {
  DistillationLoss,
  FeatureDistillation,
  LogitsDistillation,
  type FeatureDistillationOptions,
  type LogitsDistillationOptions,
  type LossSpec,
  type Outputs,
} from "./distillation-loss.js";
