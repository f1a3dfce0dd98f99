/**
 * `st.backend` (keras.backend): the session and dtype helpers Keras keeps there — clearSession,
 * getUid, isKerasTensor, epsilon / setEpsilon, floatx / setFloatx, imageDataFormat /
 * setImageDataFormat, standardizeDtype, isFloatDtype, isIntDtype and
 * resultType, and the scope queries inStatelessScope / getStatelessScope / inSymbolicScope /
 * getSymbolicScope. Choosing Strata's compute backend is `st.setBackend` / `st.getBackend`.
 */
export {
  epsilon,
  setEpsilon,
  floatx,
  setFloatx,
  imageDataFormat,
  setImageDataFormat,
} from "../tensor/config.js";
export { standardizeDtype, isFloatDtype, isIntDtype, resultType } from "../tensor/dtype-utils.js";
export { getUid } from "../layers/names.js";
export { clearSession, isKerasTensor } from "../data/keras-utils.js";
export { inStatelessScope, getStatelessScope } from "../autodiff/stateless-scope.js";
export { inSymbolicScope, getSymbolicScope } from "../layers/symbolic/symbolic-scope.js";
