import type { DType } from "../tensor/dtype.js";
import type { Layer } from "./layer.js";

/** A shape whose unknown dimensions (the batch, a free sequence length) are null. */
export type ShapeSpec = readonly (number | null)[];

let nextId = 0;

/** One call of a layer on symbolic inputs: an edge bundle in the functional graph. */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    /** whether the layer was called with a list (merge layers) rather than one tensor */
    readonly inputIsList: boolean,
    /** options of the call beyond the inputs (training, and layer-specific ones such as
     * MultiHeadAttention's useCausalMask), replayed when the graph runs */
    readonly callOptions: { training?: boolean; [option: string]: unknown },
  ) {}
}

/**
 * A placeholder flowing through `layer.apply` while a functional model is declared (Keras's
 * KerasTensor): it has a shape and dtype but no values, and remembers which layer made it.
 */
export class SymbolicTensor {
  readonly id = nextId++;
  /** set once by the layer call that produced it */
  node: Node | null = null;
  index = 0;

  constructor(
    readonly shape: ShapeSpec,
    readonly dtype: DType,
    readonly name: string,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `<SymbolicTensor shape=[${this.shape.map((d) => d ?? "None").join(", ")}], dtype=${this.dtype}, name=${this.name}>`;
  }
}

export function fmtSpec(shape: ShapeSpec): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
}
