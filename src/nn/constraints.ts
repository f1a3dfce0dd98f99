import type { Tensor } from "../tensor/tensor.js";
import { EPSILON } from "../tensor/config.js"; // Keras's backend.epsilon()
import {
  add,
  clip,
  divide,
  greaterEqual,
  multiply,
  sqrt,
  square,
  where,
} from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { type KerasObject, Registry } from "./serialization.js";
import { kerasEnvelope } from "./object-registration.js";

/** Projects a weight back onto its allowed set after each optimizer update (Keras `constraints`). */
export abstract class Constraint {
  abstract apply(w: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.constraints", this.constructor.name, this.getConfig());
  }
}

function norms(w: Tensor, axis: number | number[]): Tensor {
  return sqrt(sum(square(w), axis, true));
}

/** Rescales slices whose L2 norm over `axis` exceeds maxValue (Keras default axis 0). */
export class MaxNorm extends Constraint {
  readonly maxValue: number;
  readonly axis: number | number[];
  constructor(opts: { maxValue?: number; axis?: number | number[] } = {}) {
    super();
    this.maxValue = opts.maxValue ?? 2;
    this.axis = opts.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const desired = clip(n, 0, this.maxValue);
    return multiply(w, divide(desired, add(n, EPSILON)));
  }
  getConfig() {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

export class NonNeg extends Constraint {
  apply(w: Tensor): Tensor {
    return where(greaterEqual(w, 0), w, 0);
  }
  getConfig() {
    return {};
  }
}

export class UnitNorm extends Constraint {
  readonly axis: number | number[];
  constructor(opts: { axis?: number | number[] } = {}) {
    super();
    this.axis = opts.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    return divide(w, add(norms(w, this.axis), EPSILON));
  }
  getConfig() {
    return { axis: this.axis };
  }
}

export class MinMaxNorm extends Constraint {
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | number[];
  constructor(
    opts: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {},
  ) {
    super();
    this.minValue = opts.minValue ?? 0;
    this.maxValue = opts.maxValue ?? 1;
    this.rate = opts.rate ?? 1;
    this.axis = opts.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const desired = add(
      multiply(clip(n, this.minValue, this.maxValue), this.rate),
      multiply(n, 1 - this.rate),
    );
    return multiply(w, divide(desired, add(n, EPSILON)));
  }
  getConfig() {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

const registry = new Registry<Constraint>(
  "constraint",
  (x): x is Constraint => x instanceof Constraint,
);
registry.register(
  "MaxNorm",
  (c) => new MaxNorm({ maxValue: c.max_value as number, axis: c.axis as number }),
  "max_norm",
);
registry.register("NonNeg", () => new NonNeg(), "non_neg");
registry.register("UnitNorm", (c) => new UnitNorm({ axis: c.axis as number }), "unit_norm");
registry.register(
  "MinMaxNorm",
  (c) =>
    new MinMaxNorm({
      minValue: c.min_value as number,
      maxValue: c.max_value as number,
      rate: c.rate as number,
      axis: c.axis as number,
    }),
  "min_max_norm",
);

export function getConstraint(identifier: unknown, where = "constraint"): Constraint | null {
  return identifier === null || identifier === undefined ? null : registry.get(identifier, where);
}

/** `keras.constraints.get`: null for null, else a string, an instance or a config. */
export const get = (identifier: unknown): Constraint | null =>
  getConstraint(identifier, "constraints.get");
/** `keras.constraints.serialize`: Keras's `{module, class_name, config, registered_name}`. */
export const serialize = (constraint: Constraint): KerasObject => constraint.serialize();
/** `keras.constraints.deserialize`. */
export const deserialize = (config: unknown): Constraint =>
  registry.deserialize(config, "constraints.deserialize");

// Keras's lower-case names: `constraints.max_norm(2.0)` is `constraints.maxNorm({maxValue: 2})`.
type Opts<C extends abstract new (...args: never) => unknown> = ConstructorParameters<C>[0];
export const maxNorm = (opts?: Opts<typeof MaxNorm>) => new MaxNorm(opts);
export const minMaxNorm = (opts?: Opts<typeof MinMaxNorm>) => new MinMaxNorm(opts);
export const nonNeg = () => new NonNeg();
export const unitNorm = (opts?: Opts<typeof UnitNorm>) => new UnitNorm(opts);
