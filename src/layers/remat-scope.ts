/**
 * Keras's `RematScope`: layers created inside it rematerialize their calls (autodiff/remat.ts),
 * trading recomputation in the backward pass for the memory of the intermediates. As in Keras, a
 * layer takes the scope active at its construction and keeps it; how each mode picks what to
 * rematerialize is in Layer's call (layer.ts):
 * - `"full"`: every layer's whole call;
 * - `"activations"`: only the activation function of layers that have one (`Dense(…, {activation})`);
 * - `"larger_than"`: calls whose output has more than `outputSizeThreshold` elements (unknown axes
 *   counted as 1, as Keras does);
 * - `"list_of_layers"`: the calls of the layers named in `layerNames`;
 * - `null`: none (a way to switch it off inside an outer scope).
 */
import { ValueError } from "../errors.js";

export type RematModeName = "full" | "activations" | "larger_than" | "list_of_layers" | null;

export interface RematScopeOptions {
  /** Default "full". */
  mode?: RematModeName;
  /** For "larger_than": outputs with more elements than this are rematerialized (default 1024). */
  outputSizeThreshold?: number;
  /** For "list_of_layers": the names of the layers to rematerialize (default none). */
  layerNames?: readonly string[] | null;
}

/** The settings a layer keeps from the scope it was created in (Keras `RematMode`). */
export interface RematMode {
  readonly mode: RematModeName;
  readonly outputSizeThreshold: number;
  readonly layerNames: readonly string[];
}

const MODES: readonly RematModeName[] = [
  "full",
  "activations",
  "larger_than",
  "list_of_layers",
  null,
];

/** The scopes entered and not yet left, innermost last. */
const entered: RematScope[] = [];

export class RematScope implements RematMode {
  readonly mode: RematModeName;
  readonly outputSizeThreshold: number;
  readonly layerNames: readonly string[];

  constructor(opts: RematScopeOptions = {}) {
    const mode = opts.mode === undefined ? "full" : opts.mode;
    if (!MODES.includes(mode)) {
      throw new ValueError(
        `RematScope: invalid mode ${JSON.stringify(mode)}; supported modes are "full", ` +
          `"activations", "larger_than", "list_of_layers" and null`,
      );
    }
    const threshold = opts.outputSizeThreshold ?? 1024;
    if (typeof threshold !== "number" || Number.isNaN(threshold)) {
      throw new ValueError(
        `RematScope: outputSizeThreshold must be a number; received ${String(threshold)}`,
      );
    }
    this.mode = mode;
    this.outputSizeThreshold = threshold;
    this.layerNames = [...(opts.layerNames ?? [])];
  }

  /**
   * Runs `fn` inside the scope (Keras `with RematScope(...):`) and returns its result: layers
   * constructed in `fn` take this scope's mode. `fn` must be synchronous.
   */
  run<T>(fn: (scope: RematScope) => T): T {
    entered.push(this);
    let result: T;
    try {
      result = fn(this);
    } finally {
      entered.splice(entered.lastIndexOf(this), 1);
    }
    if (result instanceof Promise) {
      throw new ValueError(
        "RematScope.run: fn must be synchronous; it returned a Promise, whose work after an await would run outside the scope",
      );
    }
    return result;
  }
}

/** Keras `get_current_remat_mode()`: the innermost active scope's settings, or null outside any. */
export function getCurrentRematMode(): RematMode | null {
  const scope = entered.at(-1);
  if (!scope) return null;
  return {
    mode: scope.mode,
    outputSizeThreshold: scope.outputSizeThreshold,
    layerNames: scope.layerNames,
  };
}
