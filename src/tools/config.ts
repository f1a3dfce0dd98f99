/**
 * `st.config` (keras.config): the global settings Strata honours, each with its real effect —
 * `epsilon` (read by losses, metrics, constraints and ops as they run), the debugging caps on
 * fit's epochs and steps, and interactive logging (progress bars and summaries on stdout, or
 * plain lines to the log). Keras's floatx and image data format are not offered: see
 * docs/keras-coverage.md.
 */
export {
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
