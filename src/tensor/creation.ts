import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { type DType, type TypedArray, allocate, checkDType, dtypeOf } from "./dtype.js";
import { checkShape, sizeOf } from "./shape.js";
import { type NestedArray, type Tensor, fromValues } from "./tensor.js";

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

function flatten(values: NestedArray, shape: number[], out: TypedArray): void {
  let k = 0;
  const walk = (v: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(v))
        throw new ShapeError(`tensor: ragged nested array: expected ${fmtShape(shape)}`);
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new DTypeError(`tensor: values must be numbers or booleans; received ${typeof v}`);
      }
      out[k++] = Number(v);
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

/**
 * `st.tensor(values, shape?, dtype?)`: from nested arrays, a typed array or a scalar. Numbers
 * default to float32, booleans to bool, typed arrays to their own dtype. The values are copied.
 */
export function tensor(
  values: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  if (dtype !== undefined) checkDType(dtype, "tensor");
  if (ArrayBuffer.isView(values)) {
    const own = dtypeOf(values as TypedArray);
    const data = allocate(dtype ?? own, values.length);
    data.set(values as TypedArray);
    return fromValues(data, shape ? checkShape(shape, "tensor") : [values.length]);
  }
  const inferred = inferShape(values as NestedArray);
  const leaf = firstLeaf(values as NestedArray);
  const dt = dtype ?? (typeof leaf === "boolean" ? "bool" : "float32");
  const data = allocate(dt, sizeOf(inferred));
  flatten(values as NestedArray, inferred, data);
  if (shape === undefined) return fromValues(data, inferred);
  const target = checkShape(shape, "tensor");
  if (sizeOf(target) !== data.length) {
    throw new ShapeError(
      `tensor: ${data.length} values cannot take shape ${fmtShape(target)} (${sizeOf(target)} values)`,
    );
  }
  return fromValues(data, target);
}

export function full(shape: readonly number[], value: number | boolean, dtype?: DType): Tensor {
  const dt = dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  const data = allocate(checkDType(dt, "full"), sizeOf(checkShape(shape, "full")));
  data.fill(Number(value));
  return fromValues(data, shape);
}

export function zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return fromValues(
    allocate(checkDType(dtype, "zeros"), sizeOf(checkShape(shape, "zeros"))),
    shape,
  );
}

export function ones(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return zeros(x.shape, dtype);
}

export function onesLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return full(x.shape, 1, dtype);
}

/** `arange(stop)` or `arange(start, stop, step)`, like NumPy; integer arguments give int32. */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new ValueError("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const ints = [start, stop, step].every(Number.isInteger);
  const data = allocate(dtype ?? (ints ? "int32" : "float32"), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromValues(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num = 50, dtype: DType = "float32"): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new ValueError(`linspace: num must be a non-negative integer; received ${num}`);
  }
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return fromValues(data, [num]);
}

/** Identity matrix n×m (m defaults to n); `k` shifts the diagonal. */
export function eye(n: number, m = n, k = 0, dtype: DType = "float32"): Tensor {
  const data = allocate(dtype, n * m);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) data[i * m + j] = 1;
  }
  return fromValues(data, [n, m]);
}
