/**
 * A column: one named tensor's values, flat and row-major, with its shape (rows first). Requests
 * are decoded into columns, the batcher concatenates the columns of several requests and the
 * responses are written from slices of the output columns, so values cross into tensors once
 * per batch and out once (through `dataSync`).
 */
import { fromStrings, fromValues, type Tensor } from "../../tensor/tensor.js";
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";

export type ColumnValues = TypedArray | string[];

export interface Column {
  readonly dtype: DType;
  readonly values: ColumnValues;
  /** rows first */
  readonly shape: readonly number[];
}

/** The number of values in one row of a column. */
export function rowSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Columns of the same dtype and row shape stacked along the rows. */
export function concatColumns(parts: readonly Column[]): Column {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const rows = parts.reduce((n, c) => n + c.shape[0]!, 0);
  const shape = [rows, ...first.shape.slice(1)];
  if (first.dtype === "string") {
    return { dtype: "string", values: parts.flatMap((c) => c.values as string[]), shape };
  }
  const total = parts.reduce((n, c) => n + c.values.length, 0);
  const values = allocate(first.dtype, total);
  let offset = 0;
  for (const c of parts) {
    values.set(c.values as TypedArray, offset);
    offset += c.values.length;
  }
  return { dtype: first.dtype, values, shape };
}

export function columnToTensor(c: Column): Tensor {
  return c.dtype === "string"
    ? fromStrings(c.values as string[], [...c.shape])
    : fromValues(c.values as TypedArray, [...c.shape]);
}

/** A tensor's values read back (`dataSync` copies them off any backend). */
export function tensorToColumn(t: Tensor): Column {
  const values = t.dtype === "string" ? t.stringValues() : t.dataSync();
  return { dtype: t.dtype, values, shape: [...t.shape] };
}
