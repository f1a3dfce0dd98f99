/**
 * The public `st.ops` namespace: src/ops with symbolic dispatch (symbolic-ops.ts), and the op
 * nodes of Keras's functional configs made loadable (registry.ts hands them to SymbolicOp).
 */
import * as opsModule from "../../ops/index.js";
import { registerOperations } from "../registry.js";
import { SymbolicOp } from "./symbolic-op.js";
import { withSymbolicCalls } from "./symbolic-ops.js";

/**
 * `keras.ops`: every op, on tensors and on the symbolic tensors of a functional model.
 * @namespace
 */
export const ops = withSymbolicCalls(opsModule);

registerOperations(SymbolicOp.fromKerasConfig);
