/**
 * `st.config` (keras.config): the global settings Strata honours, each with its real effect —
 * `floatx` (the default float dtype of tensors, draws, layers and metrics), `epsilon` (read by
 * losses, metrics, constraints and ops as they run), the image data format that layers and image
 * ops default to, the debugging caps on fit's epochs and steps, and interactive logging
 * (progress bars and summaries on stdout, or plain lines to the log), and the flash-attention
 * switch (which changes no result: Strata has no flash-attention kernel, see ops/flash-attention-config.ts).
 */
export {
  floatx,
  setFloatx,
  imageDataFormat,
  setImageDataFormat,
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
export {
  enableFlashAttention,
  disableFlashAttention,
  isFlashAttentionEnabled,
} from "../ops/flash-attention-config.js";
