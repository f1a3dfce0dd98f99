import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { abs, add, multiply, square } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { type KerasObject, Registry } from "./serialization.js";

/** A penalty on a weight, added to the training loss (Keras `regularizers`). */
export abstract class Regularizer {
  abstract apply(x: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
  serialize(): KerasObject {
    return {
      module: "keras.regularizers",
      class_name: this.constructor.name,
      config: this.getConfig(),
      registered_name: null,
    };
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

const registry = new Registry<Regularizer>(
  "regularizer",
  (x): x is Regularizer => x instanceof Regularizer,
);
registry.register("L1L2", (c) => new L1L2(c as { l1?: number; l2?: number }), "l1_l2");
registry.register("L1", (c) => new L1((c.l1 as number | undefined) ?? 0.01), "l1");
registry.register("L2", (c) => new L2((c.l2 as number | undefined) ?? 0.01), "l2");

export function getRegularizer(identifier: unknown, where = "regularizer"): Regularizer | null {
  return identifier === null || identifier === undefined ? null : registry.get(identifier, where);
}
