/**
 * `st.ops` as users see it: every op of src/ops, which also accepts the symbolic tensors of a
 * functional model being declared, as `keras.ops` accepts KerasTensors. Given a symbolic tensor
 * anywhere among its arguments, an op records a SymbolicOp node and returns symbolic outputs;
 * given tensors it is the op itself. The ops stay below the layers (they know nothing of
 * graphs), so the dispatch is added here, once, around the whole namespace.
 */
import type { SymbolicTensor } from "../layer.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type OpFunction, SymbolicOp, hasSymbolic, registerOpFunctions } from "./symbolic-op.js";

/** A parameter that takes a tensor also takes a symbolic one (and so do lists of tensors). */
type WithSymbolic<P> = Tensor extends P
  ? P | SymbolicTensor
  : P extends readonly (infer E)[]
    ? Tensor extends E
      ? readonly (E | SymbolicTensor)[]
      : P
    : P;

type SymbolicResult<R> = R extends Tensor
  ? SymbolicTensor
  : R extends Tensor[]
    ? SymbolicTensor[]
    : R;

/** The op's own signatures, plus one taking symbolic tensors and returning symbolic ones. */
type SymbolicAware<F> = F extends abstract new (...args: never) => unknown
  ? F
  : F extends (...args: infer A) => infer R
    ? F & ((...args: { [I in keyof A]: WithSymbolic<A[I]> }) => SymbolicResult<R>)
    : F extends readonly unknown[]
      ? F
      : F extends object
        ? { [K in keyof F]: SymbolicAware<F[K]> }
        : F;

function isModule(x: unknown): x is Record<string, unknown> {
  return Object.prototype.toString.call(x) === "[object Module]";
}

/** `ns` with each op dispatching symbolic calls to a SymbolicOp node (sub-namespaces too). */
export function withSymbolicCalls<T extends object>(ns: T): SymbolicAware<T> {
  const functions = new Map<string, OpFunction>();
  // One wrapper per op, so a name a namespace repeats (ops.linalg.svd is ops.svd) stays the same.
  const wrappers = new Map<OpFunction, OpFunction>();
  const wrapOp = (op: OpFunction, name: string): OpFunction => {
    let wrapper = wrappers.get(op);
    if (!wrapper) {
      wrapper = Object.defineProperty(
        (...args: unknown[]) =>
          hasSymbolic(args) ? new SymbolicOp(name, op).applyTo(args) : op(...args),
        "name",
        { value: name },
      ) as OpFunction;
      wrappers.set(op, wrapper);
    }
    return wrapper;
  };
  const wrap = (module: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(module)) {
      if (isModule(value)) {
        out[name] = wrap(value);
      } else if (typeof value === "function") {
        const op = value as OpFunction;
        if (!functions.has(name)) functions.set(name, op);
        out[name] = wrapOp(op, name);
      } else {
        out[name] = value;
      }
    }
    return Object.freeze(out);
  };
  const wrapped = wrap(ns as Record<string, unknown>);
  registerOpFunctions(functions);
  return wrapped as SymbolicAware<T>;
}
