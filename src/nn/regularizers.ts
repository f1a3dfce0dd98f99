import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { abs, add, maximum, multiply, rsqrt, square, subtract } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { transpose } from "../ops/movement.js";
import { eye } from "../tensor/creation.js";
import { sum } from "../ops/reduce.js";
import { type KerasObject, Registry } from "./serialization.js";
import { kerasEnvelope } from "./object-registration.js";

/** A penalty on a weight, added to the training loss (Keras `regularizers`). */
export abstract class Regularizer {
  abstract apply(x: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.regularizers", this.constructor.name, this.getConfig());
  }
}

function checkFactor(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0))
    throw new ValueError(`${name}: factor must be a non-negative number; received ${v}`);
  return v;
}

/** l1 · Σ|x| + l2 · Σx² */
export class L1L2 extends Regularizer {
  readonly l1: number;
  readonly l2: number;
  constructor(opts: { l1?: number; l2?: number } = {}) {
    super();
    this.l1 = checkFactor("L1L2", opts.l1 ?? 0);
    this.l2 = checkFactor("L1L2", opts.l2 ?? 0);
  }
  apply(x: Tensor): Tensor {
    const l1 = multiply(sum(abs(x)), this.l1);
    const l2 = multiply(sum(square(x)), this.l2);
    return this.l1 === 0 ? l2 : this.l2 === 0 ? l1 : add(l1, l2);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Keras default factor is 0.01, given positionally: `regularizers.L2(0.001)`. */
export class L1 extends L1L2 {
  constructor(l1 = 0.01) {
    super({ l1 });
  }
  override getConfig() {
    return { l1: this.l1 };
  }
}

export class L2 extends L1L2 {
  constructor(l2 = 0.01) {
    super({ l2 });
  }
  override getConfig() {
    return { l2: this.l2 };
  }
}

/**
 * Pushes the rows (mode "rows") or columns of a 2-D weight towards orthogonality: factor · ½ ·
 * Σ|off-diagonal of the Gram matrix of the L2-normalized rows| / (pairs of rows), as Keras's
 * OrthogonalRegularizer (rows normalized as x · rsqrt(max(Σx², ε²)), ε = 1e-7).
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly factor: number;
  readonly mode: "rows" | "columns";
  constructor(opts: { factor?: number; mode?: "rows" | "columns" } = {}) {
    super();
    this.factor = checkFactor("OrthogonalRegularizer", opts.factor ?? 0.01);
    this.mode = opts.mode ?? "rows";
    if (this.mode !== "rows" && this.mode !== "columns") {
      throw new ValueError(
        `OrthogonalRegularizer: mode must be "rows" or "columns"; received ${JSON.stringify(this.mode)}`,
      );
    }
  }
  apply(x: Tensor): Tensor {
    if (x.shape.length !== 2) {
      throw new ValueError(
        `OrthogonalRegularizer: inputs must have rank 2; received shape [${x.shape}]`,
      );
    }
    const rowsOf = this.mode === "rows" ? x : transpose(x);
    const unit = multiply(rowsOf, rsqrt(maximum(sum(square(rowsOf), 1, true), 1e-14)));
    const size = rowsOf.shape[0]!;
    const gram = matmul(unit, transpose(unit));
    const offDiagonal = multiply(gram, subtract(1, eye(size, size, 0, x.dtype as "float32")));
    const pairs = (size * (size - 1)) / 2;
    return multiply(sum(abs(offDiagonal)), (this.factor * 0.5) / pairs);
  }
  getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }
}

const registry = new Registry<Regularizer>(
  "regularizer",
  (x): x is Regularizer => x instanceof Regularizer,
);
// "l1l2" is Keras 3's snake_case of L1L2; "l1_l2" the name Keras 2 gave it.
registry.register("L1L2", (c) => new L1L2(c as { l1?: number; l2?: number }), "l1l2", "l1_l2");
registry.register("L1", (c) => new L1((c.l1 as number | undefined) ?? 0.01), "l1");
registry.register("L2", (c) => new L2((c.l2 as number | undefined) ?? 0.01), "l2");

registry.register(
  "OrthogonalRegularizer",
  (c) => new OrthogonalRegularizer(c as { factor?: number; mode?: "rows" | "columns" }),
  "orthogonal_regularizer",
);

export function getRegularizer(identifier: unknown, where = "regularizer"): Regularizer | null {
  return identifier === null || identifier === undefined ? null : registry.get(identifier, where);
}

/** `keras.regularizers.get`: null for null, else a string, an instance or a config. */
export const get = (identifier: unknown): Regularizer | null =>
  getRegularizer(identifier, "regularizers.get");
/** `keras.regularizers.serialize`: Keras's `{module, class_name, config, registered_name}`. */
export const serialize = (regularizer: Regularizer): KerasObject => regularizer.serialize();
/** `keras.regularizers.deserialize`. */
export const deserialize = (config: unknown): Regularizer =>
  registry.deserialize(config, "regularizers.deserialize");

// Keras's lower-case names: `regularizers.l2(0.001)`, `regularizers.l1_l2({l1, l2})`.
export const l1 = (factor?: number) => new L1(factor);
export const l2 = (factor?: number) => new L2(factor);
export const l1L2 = (opts?: { l1?: number; l2?: number }) => new L1L2(opts);
export const orthogonalRegularizer = (opts?: { factor?: number; mode?: "rows" | "columns" }) =>
  new OrthogonalRegularizer(opts);
