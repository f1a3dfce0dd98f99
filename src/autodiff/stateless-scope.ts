/**
 * Keras's `StatelessScope`: a block in which no Variable changes. Variables read as the values the
 * scope maps them to, `assign` (and an optimizer's in-place update) is collected on the scope
 * instead of applied, and `getCurrentValue(variable)` returns what the block left. With
 * `collectLosses`, losses that layers add inside are gathered on the scope instead of the layers.
 *
 * TypeScript has no `with`: `scope.run((scope) => …)` enters the scope, runs the (synchronous)
 * function and leaves it again, also when the function throws.
 */
import type { Storage } from "../backend/backend.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { type DType, type TypedArray } from "../tensor/dtype.js";
import { type NestedArray, Tensor, copyTensor } from "../tensor/tensor.js";
import { Variable } from "./variable.js";
import { type VariableOverride, setVariableOverride } from "./variable-override.js";

export type StateValue = Tensor | Variable | NestedArray | TypedArray;

export interface StatelessScopeOptions {
  /** Pairs `[variable, value]`: inside the scope `variable` reads as `value` (cast to its dtype). */
  stateMapping?: readonly (readonly [Variable, StateValue])[] | null;
  /** Gather the losses layers add inside the scope on `scope.losses` (default false). */
  collectLosses?: boolean;
  /**
   * Keras initializes, on leaving the outermost scope, the variables created inside it (its
   * variables can be created before their value exists). A Strata Variable holds its value from
   * the moment it is created, so there is nothing left to initialize: accepted for Keras's
   * signature, with no further effect.
   */
  initializeVariables?: boolean;
}

/** The scopes entered and not yet left, innermost last. */
const entered: StatelessScope[] = [];

export class StatelessScope implements VariableOverride {
  readonly collectLosses: boolean;
  readonly initializeVariables: boolean;
  /** Losses added inside the scope while `collectLosses` is on. */
  readonly losses: Tensor[] = [];
  private readonly mapping = new Map<object, Tensor>();
  /** Variables whose mapped value is a copy this scope made and never handed out. */
  private readonly owned = new Set<object>();

  constructor(opts: StatelessScopeOptions = {}) {
    this.collectLosses = opts.collectLosses ?? false;
    this.initializeVariables = opts.initializeVariables ?? true;
    for (const [i, pair] of (opts.stateMapping ?? []).entries()) {
      const [k, v] = pair;
      if (!(k instanceof Variable)) {
        throw new ValueError(
          `StatelessScope: every key in stateMapping must be a Variable; received ${describe(k)} at stateMapping[${i}]`,
        );
      }
      const t = toTensor(v, k.dtype, k.shape);
      if (t.shape.length !== k.shape.length || t.shape.some((d, j) => d !== k.shape[j])) {
        throw new ShapeError(
          `StatelessScope: the value for variable ${k.name} must have its shape ${fmtShape(k.shape)}; received shape ${fmtShape(t.shape)} at stateMapping[${i}]`,
        );
      }
      this.mapping.set(k, t);
    }
  }

  /**
   * Runs `fn` inside the scope (Keras `with StatelessScope(...) as scope:`) and returns its result.
   * `fn` must be synchronous: the scope is left when it returns, so work after an `await` would run
   * outside it; a returned promise is refused.
   */
  run<T>(fn: (scope: StatelessScope) => T): T {
    const outerOverride = setVariableOverride(this);
    entered.push(this);
    let result: T;
    try {
      result = fn(this);
    } finally {
      entered.pop();
      setVariableOverride(outerOverride);
    }
    if (result instanceof Promise) {
      throw new ValueError(
        "StatelessScope.run: fn must be synchronous; it returned a Promise, whose work after an await would run outside the scope",
      );
    }
    return result;
  }

  /** The value `variable` has in this scope (mapped or assigned inside); null if neither. */
  getCurrentValue(variable: Variable | object): Tensor | null {
    this.owned.delete(variable);
    return this.mapping.get(variable) ?? null;
  }

  /** Records `variable.assign(value)` made inside the scope (Keras `add_update`). */
  addUpdate(update: readonly [Variable | object, Tensor]): void {
    const [variable, value] = update;
    this.mapping.set(variable, value);
    this.owned.delete(variable);
  }

  /** Records a loss added by a layer inside the scope (Keras `add_loss`). */
  addLoss(loss: Tensor): void {
    this.losses.push(loss);
  }

  /**
   * An in-place update inside the scope (optimizer slots) writes to a copy of the variable's
   * scoped value, which becomes its current value here; the variable's own storage is untouched.
   */
  writableStorage(variable: object, own: Tensor): Storage {
    let t = this.mapping.get(variable);
    if (!t || !this.owned.has(variable)) {
      t = copyTensor(t ?? own);
      this.mapping.set(variable, t);
      this.owned.add(variable);
    }
    return t.storage;
  }
}

/** Keras `in_stateless_scope()`: whether a StatelessScope is active. */
export function inStatelessScope(): boolean {
  return entered.length > 0;
}

/** Keras `get_stateless_scope()`: the active StatelessScope, or null. */
export function getStatelessScope(): StatelessScope | null {
  return entered.at(-1) ?? null;
}

function toTensor(v: StateValue, dtype: DType, shape: readonly number[]): Tensor {
  const t =
    v instanceof Tensor
      ? v
      : v instanceof Variable
        ? v.value
        : ArrayBuffer.isView(v)
          ? tensor(
              v as TypedArray,
              v.length === shape.reduce((a, b) => a * b, 1) ? shape : undefined,
            )
          : tensor(v as NestedArray);
  return t.dtype === dtype ? t : copyTensor(t, dtype);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") return (x as object).constructor?.name ?? "an object";
  return `${typeof x} ${String(x)}`;
}
