import type { TypedArray } from "../../tensor/dtype.js";

// Placeholder until the sort family lands.
export function sort(
  _x: TypedArray, _values: TypedArray, _indices: Int32Array, _rows: number, _size: number, _descending: boolean,
): void {
  throw new Error("sort kernel pending");
}
