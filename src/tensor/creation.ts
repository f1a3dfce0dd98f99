import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { floatx } from "./config.js";
import { refuseBatched } from "./batched.js";
import {
  type DType,
  type DTypeName,
  type TypedArray,
  allocate,
  checkDType,
  checkNumericDType,
  dtypeOf,
} from "./dtype.js";
import { checkShape, sizeOf } from "./shape.js";
import { type NestedArray, type Tensor, fromStrings, fromValues } from "./tensor.js";

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
    if (v === undefined) break;
  }
  return shape;
}

/** The leaves of `values` in row-major order, checked against `shape` and the leaf kind. */
function flatten<T>(
  values: NestedArray,
  shape: number[],
  out: { [i: number]: T },
  leaf: (v: NestedArray) => T | undefined,
  kind: string,
): void {
  let k = 0;
  const walk = (v: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(v))
        throw new ShapeError(`tensor: ragged nested array: expected ${fmtShape(shape)}`);
      const value = leaf(v);
      if (value === undefined) {
        throw new DTypeError(`tensor: values must be ${kind}; received ${typeof v} (${String(v)})`);
      }
      out[k++] = value;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new ShapeError(
        `tensor: ragged nested array: expected ${shape[axis]} items at depth ${axis} of ${fmtShape(shape)}, ` +
          `received ${Array.isArray(v) ? v.length : "a scalar"}`,
      );
    }
    for (const item of v) walk(item, axis + 1);
  };
  walk(values, 0);
}

function firstLeaf(values: NestedArray): NestedArray | undefined {
  let v: NestedArray | undefined = values;
  while (Array.isArray(v)) v = v[0];
  return v;
}

const numberLeaf = (v: NestedArray): number | undefined =>
  typeof v === "number" || typeof v === "boolean" ? Number(v) : undefined;
const stringLeaf = (v: NestedArray): string | undefined => (typeof v === "string" ? v : undefined);

/** int64 is stored as int32 (API.md): a value outside int32's range is an error, never wrapped. */
function checkInt64Range(data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= -2147483648 && v <= 2147483647)) {
      throw new ValueError(
        `tensor: dtype int64 is stored as int32 (as Keras's JAX backend does without x64), and ` +
          `value ${v} at index ${i} does not fit in int32`,
      );
    }
  }
}

/**
 * `st.tensor(values, shape?, dtype?)`: from nested arrays, a typed array or a scalar. Numbers
 * default to float32, booleans to bool, strings to string, typed arrays to their own dtype (a
 * Uint8Array to uint8). The values are copied.
 */
export function tensor(
  values: NestedArray | TypedArray | readonly number[] | readonly string[],
  shape?: readonly number[],
  dtype?: DTypeName,
): Tensor {
  refuseBatched(values, "tensor()");
  const dt0 = dtype === undefined ? undefined : checkDType(dtype, "tensor");
  if (ArrayBuffer.isView(values)) {
    // A plain Uint8Array (a Node Buffer, image bytes) is uint8, as NumPy reads bytes.
    const own = values instanceof Uint8Array ? "uint8" : dtypeOf(values as TypedArray);
    if (dtype === "int64") checkInt64Range(values as TypedArray);
    const data = allocate(checkNumericDType(dt0 ?? own, "tensor"), values.length);
    data.set(values as TypedArray);
    return fromValues(data, shape ? checkShape(shape, "tensor") : [values.length]);
  }
  const inferred = inferShape(values as NestedArray);
  const leaf = firstLeaf(values as NestedArray);
  const dt: DType =
    dt0 ?? (typeof leaf === "boolean" ? "bool" : typeof leaf === "string" ? "string" : floatx());
  const target = shape === undefined ? inferred : checkShape(shape, "tensor");
  if (sizeOf(target) !== sizeOf(inferred)) {
    throw new ShapeError(
      `tensor: ${sizeOf(inferred)} values cannot take shape ${fmtShape(target)} (${sizeOf(target)} values)`,
    );
  }
  if (dt === "string") {
    const strings = new Array<string>(sizeOf(inferred));
    flatten(values as NestedArray, inferred, strings, stringLeaf, "strings for dtype string");
    return fromStrings(strings, target);
  }
  const data = allocate(dt, sizeOf(inferred));
  if (dtype === "int64") {
    const exact = new Float64Array(data.length);
    flatten(values as NestedArray, inferred, exact, numberLeaf, "numbers or booleans");
    checkInt64Range(exact);
    data.set(exact);
  } else {
    flatten(values as NestedArray, inferred, data, numberLeaf, "numbers or booleans");
  }
  return fromValues(data, target);
}

export function full(shape: readonly number[], value: number | boolean, dtype?: DTypeName): Tensor {
  const dt = dtype ?? (typeof value === "boolean" ? "bool" : floatx());
  const data = allocate(checkNumericDType(dt, "full"), sizeOf(checkShape(shape, "full")));
  data.fill(Number(value));
  return fromValues(data, shape);
}

export function zeros(shape: readonly number[], dtype: DTypeName = floatx()): Tensor {
  return fromValues(
    allocate(checkNumericDType(dtype, "zeros"), sizeOf(checkShape(shape, "zeros"))),
    shape,
  );
}

export function ones(shape: readonly number[], dtype: DTypeName = floatx()): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return zeros(x.shape, dtype);
}

export function onesLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return full(x.shape, 1, dtype);
}

/** `arange(stop)` or `arange(start, stop, step)`, like NumPy; integer arguments give int32. */
export function arange(start: number, stop?: number, step = 1, dtype?: DTypeName): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new ValueError("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const ints = [start, stop, step].every(Number.isInteger);
  const data = allocate(checkNumericDType(dtype ?? (ints ? "int32" : floatx()), "arange"), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromValues(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  dtype: DTypeName = floatx(),
): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new ValueError(`linspace: num must be a non-negative integer; received ${num}`);
  }
  const data = allocate(checkNumericDType(dtype, "linspace"), num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return fromValues(data, [num]);
}

/** Identity matrix n×m (m defaults to n); `k` shifts the diagonal. */
export function eye(n: number, m = n, k = 0, dtype: DTypeName = floatx()): Tensor {
  const data = allocate(checkNumericDType(dtype, "eye"), n * m);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) data[i * m + j] = 1;
  }
  return fromValues(data, [n, m]);
}
