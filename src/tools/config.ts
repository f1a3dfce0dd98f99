/**
 * `st.config` (keras.config): the global settings Strata honours, each with its real effect —
 * `floatx` (the default float dtype of tensors, draws, layers and metrics), `epsilon` (read by losses, metrics, constraints and ops as they run), the debugging caps on
 * fit's epochs and steps, and interactive logging (progress bars and summaries on stdout, or
 * plain lines to the log). Keras's image data format is not
 * offered (Strata's convolutions are channels-last only): see docs/keras-coverage.md.
 */
export {
  floatx,
  setFloatx,
  epsilon,
  setEpsilon,
  maxEpochs,
  setMaxEpochs,
  maxStepsPerEpoch,
  setMaxStepsPerEpoch,
} from "../tensor/config.js";
export {
  enableInteractiveLogging,
  disableInteractiveLogging,
  isInteractiveLoggingEnabled,
} from "../utils/io-utils.js";
