import { StrataError, ValueError, fmtShape } from "../errors.js";
import { type DType, type TypedArray, dtypeOf } from "./dtype.js";
import { type Shape, sizeOf } from "./shape.js";
import { formatTensor } from "./format.js";

/** Nested JS arrays of numbers or booleans, as `st.tensor` accepts them and `toArray` returns them. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

/**
 * An n-dimensional array: a shape, a dtype and a contiguous row-major typed array. Tensors are
 * immutable values owned by the garbage collector; there is nothing to dispose. The method forms
 * of the ops (`x.add(y)`, `x.matmul(w)`) are attached by `ops/methods.ts`.
 */
export class Tensor {
  /** Identity used by the autodiff tape; never reused. */
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TypedArray;

  constructor(data: TypedArray, shape: Shape) {
    if (data.length !== sizeOf(shape)) {
      throw new StrataError(
        `Tensor: ${data.length} values cannot have shape ${fmtShape(shape)} (${sizeOf(shape)} values)`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The values as a typed array (a copy, so the tensor stays immutable). */
  dataSync(): TypedArray {
    return this.data.slice();
  }

  /** The values as nested JS arrays (booleans for a bool tensor). */
  toArray(): NestedArray {
    const read = (i: number): number | boolean =>
      this.dtype === "bool" ? this.data[i] !== 0 : this.data[i]!;
    if (this.rank === 0) return read(0);
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(
          axis === this.rank - 1 ? read(offset + i) : build(axis + 1, offset + i * inner, inner),
        );
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** The single value of a one-element tensor. */
  item(): number | boolean {
    if (this.size !== 1) {
      throw new ValueError(
        `item: the tensor must have exactly one element; its shape is ${fmtShape(this.shape)}`,
      );
    }
    return this.dtype === "bool" ? this.data[0] !== 0 : this.data[0]!;
  }

  /** A new tensor sharing these values under another identity (used to watch inputs in `grad`). */
  alias(shape: Shape = this.shape): Tensor {
    return new Tensor(this.data, shape);
  }

  toString(): string {
    return formatTensor(this.data, this.shape, this.dtype);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
