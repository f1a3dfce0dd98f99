/**
 * The seam through which a StatelessScope (stateless-scope.ts) redirects Variables: while one is
 * active, reads, assignments and in-place updates of a Variable go to the scope instead of the
 * Variable. A separate module so variable.ts need not import the scope (no import cycle).
 */
import type { Storage } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";

export interface VariableOverride {
  /** The value the Variable reads as inside the scope, or null to read its own. */
  getCurrentValue(variable: object): Tensor | null;
  /** Collects an assignment instead of applying it. */
  addUpdate(update: readonly [object, Tensor]): void;
  /** Storage an in-place update may write to, a copy the scope owns (own value given). */
  writableStorage(variable: object, own: Tensor): Storage;
}

let active: VariableOverride | null = null;

export function activeVariableOverride(): VariableOverride | null {
  return active;
}

/** Installs `override` (null: none) and returns the one it replaces, to restore on exit. */
export function setVariableOverride(override: VariableOverride | null): VariableOverride | null {
  const outer = active;
  active = override;
  return outer;
}
