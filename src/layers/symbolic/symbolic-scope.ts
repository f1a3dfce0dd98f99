/**
 * Keras's `SymbolicScope`: marks the symbolic stage, where a layer's `call` runs only so its output
 * shapes and dtypes can be learned. Keras enters it in `compute_output_spec`; Strata enters it in
 * `Layer.computeOutputShape`'s default, which runs `call` on placeholder zeros (twice, with
 * different sizes for unknown axes) while a functional model is declared or a symbolic op is
 * called. A layer's `call` can ask `inSymbolicScope()` to skip what only real data should do
 * (counting calls, logging, updating state). Entering one yourself changes nothing else: Strata
 * has no tracing stage, so ops compute as usual inside it.
 */
import { ValueError } from "../../errors.js";

/** The scopes entered and not yet left, innermost last. */
const entered: SymbolicScope[] = [];

export class SymbolicScope {
  /**
   * Runs `fn` inside the scope (Keras `with SymbolicScope():`) and returns its result; `fn` must
   * be synchronous (a returned promise is refused: its later work would run outside the scope).
   */
  run<T>(fn: (scope: SymbolicScope) => T): T {
    entered.push(this);
    let result: T;
    try {
      result = fn(this);
    } finally {
      entered.pop();
    }
    if (result instanceof Promise) {
      throw new ValueError(
        "SymbolicScope.run: fn must be synchronous; it returned a Promise, whose work after an await would run outside the scope",
      );
    }
    return result;
  }
}

/** Keras `in_symbolic_scope()`: whether code runs in the symbolic (shape inference) stage. */
export function inSymbolicScope(): boolean {
  return entered.length > 0;
}

/** Keras `get_symbolic_scope()`: the innermost active SymbolicScope, or null. */
export function getSymbolicScope(): SymbolicScope | null {
  return entered.at(-1) ?? null;
}
