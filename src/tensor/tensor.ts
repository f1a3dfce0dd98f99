import type { Storage } from "../backend/backend.js";
import {
  type ActiveBackend,
  activeRecorder,
  backendNamed,
  currentBackend,
  freshHostStorage,
  kernelsForOps,
} from "../backend/index.js";
import { DTypeError, StrataError, ValueError, fmtShape } from "../errors.js";
import { type DType, type NumericDType, type TypedArray, dtypeOf } from "./dtype.js";
import { type Shape, sizeOf } from "./shape.js";
import { formatTensor } from "./format.js";

/**
 * Nested JS arrays of numbers, booleans or strings, as `st.tensor` accepts them and `toArray`
 * returns them.
 */
export type NestedArray = number | boolean | string | NestedArray[];

/** The values of a string tensor: host-only, whatever the backend (strings have no kernels). */
export type StringValues = readonly string[];

let nextId = 0;

/**
 * An n-dimensional array: a shape, a dtype and its values in storage owned by a backend. Tensors
 * are immutable values owned by the garbage collector; there is nothing to dispose. Values are
 * read with `dataSync()`, `await data()` or `item()`. The method forms of the ops (`x.add(y)`,
 * `x.matmul(w)`) are attached by `ops/methods.ts`.
 */
export class Tensor {
  /** Identity used by the autodiff tape; never reused. */
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** The backend that owns the values. */
  readonly backend: ActiveBackend;
  readonly #storage: Storage | null;
  readonly #strings: StringValues | null;

  /** `values` is the backend's storage, or for dtype "string" the strings themselves. */
  constructor(values: Storage | StringValues, shape: Shape, dtype: DType, backend: ActiveBackend) {
    if ((dtype === "string") !== Array.isArray(values)) {
      throw new StrataError(`Tensor: dtype ${dtype} does not match the kind of values given`);
    }
    this.#strings = dtype === "string" ? Object.freeze([...(values as StringValues)]) : null;
    this.#storage = dtype === "string" ? null : (values as Storage);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
  }

  /**
   * The storage handle, for kernels of the current backend. Host backends share one another's
   * tensors; any other tensor must be moved first, with `to`.
   */
  get storage(): Storage {
    if (this.#storage === null) throw stringsHaveNoStorage(this.shape);
    const current = currentBackend();
    if (this.backend !== current && !(this.backend.hostMemory && current.hostMemory)) {
      throw new StrataError(
        `a tensor of shape ${fmtShape(this.shape)} is on the ${this.backend.name} backend, but ` +
          `ops run on ${current.name}: move it with tensor.to("${current.name}")`,
      );
    }
    return this.#storage;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The numeric storage; string tensors have none (their values are `stringValues()`). */
  #numeric(where: string): Storage {
    if (this.#storage === null) {
      throw new DTypeError(
        `${where}: this tensor has dtype string, which has no numeric values; read it with ` +
          `stringValues() or toArray()`,
      );
    }
    return this.#storage;
  }

  /** The values as the backend holds them (told to a compiled step's tracer: see src/jit/). */
  #read(how: string): TypedArray {
    const storage = this.#numeric(how);
    activeRecorder()?.read(storage, how);
    return this.backend.readSync(storage);
  }

  /** The values as a typed array (a copy, so the tensor stays immutable). */
  dataSync(): TypedArray {
    return this.#read("dataSync").slice();
  }

  /** The values once the backend has them ready (a copy). */
  async data(): Promise<TypedArray> {
    const storage = this.#numeric("data");
    activeRecorder()?.read(storage, "data");
    return (await this.backend.read(storage)).slice();
  }

  /** A string tensor's values, flat in row-major order (a copy). */
  stringValues(): string[] {
    if (this.#strings === null) {
      throw new DTypeError(
        `stringValues: this tensor has dtype ${this.dtype}; only a string tensor has strings ` +
          `(read numbers with dataSync())`,
      );
    }
    return [...this.#strings];
  }

  /** The values as nested JS arrays (booleans for a bool tensor, strings for a string one). */
  toArray(): NestedArray {
    const values = this.#strings ?? this.#read("toArray");
    const read = (i: number): number | boolean | string =>
      this.dtype === "bool" ? values[i] !== 0 : values[i]!;
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
    const v = this.#read("item")[0]!;
    return this.dtype === "bool" ? v !== 0 : v;
  }

  /** A new tensor sharing these values under another identity (used to watch inputs in `grad`). */
  alias(shape: Shape = this.shape): Tensor {
    if (sizeOf(shape) !== this.size) {
      throw new StrataError(
        `alias: ${this.size} values cannot have shape ${fmtShape(shape)} (${sizeOf(shape)} values)`,
      );
    }
    return new Tensor(this.#strings ?? this.#storage!, shape, this.dtype, this.backend);
  }

  /**
   * This tensor on the named backend: itself when it is there already, its storage shared
   * between host backends, else its values copied across.
   */
  to(backendName: string): Tensor {
    const target = backendNamed(backendName);
    if (target === this.backend) return this;
    const storage =
      this.#strings ??
      (this.backend.hostMemory && target.hostMemory
        ? this.#storage!
        : target.fromHost(this.backend.readSync(this.#storage!).slice()));
    return new Tensor(storage, this.shape, this.dtype, target);
  }

  toString(): string {
    const values = this.#strings ?? this.#read("toString");
    return formatTensor(values, this.shape, this.dtype);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A tensor holding `values` (given up to the current backend, not copied) with `shape`. */
export function fromValues(values: TypedArray, shape: Shape): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new StrataError(
      `Tensor: ${values.length} values cannot have shape ${fmtShape(shape)} (${sizeOf(shape)} values)`,
    );
  }
  const backend = currentBackend();
  const storage = backend.fromHost(values);
  activeRecorder()?.fromHost(storage, values);
  return new Tensor(storage, shape, dtypeOf(values), backend);
}

function stringsHaveNoStorage(shape: Shape): DTypeError {
  return new DTypeError(
    `a string tensor of shape ${fmtShape(shape)} reached an op on numbers; string tensors ` +
      `support reshape, expandDims, squeeze, take, slice, stack, concatenate, split, equal and ` +
      `notEqual, and the text preprocessing layers`,
  );
}

/**
 * A tensor of values that are new at every call (random draws): `make` computes them now, and a
 * compiled step calls it again at each replay instead of keeping these (backend/recording.ts).
 */
export function freshValues(make: () => TypedArray, shape: Shape): Tensor {
  const size = sizeOf(shape);
  let dtype: DType | null = null;
  const storage = freshHostStorage(() => {
    const values = make();
    if (values.length !== size) {
      throw new StrataError(
        `Tensor: ${values.length} values cannot have shape ${fmtShape(shape)} (${size} values)`,
      );
    }
    dtype ??= dtypeOf(values);
    return values;
  });
  return new Tensor(storage, shape, dtype!, currentBackend());
}

/** A string tensor holding `values` (copied) with `shape`. */
export function fromStrings(values: StringValues, shape: Shape): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new StrataError(
      `Tensor: ${values.length} strings cannot have shape ${fmtShape(shape)} (${sizeOf(shape)} values)`,
    );
  }
  return new Tensor(values, shape, "string", currentBackend());
}

/** A new tensor in the current backend's storage: zero-filled, or arbitrary when !zeroed. */
export function allocateTensor(shape: Shape, dtype: DType, zeroed: boolean): Tensor {
  if (dtype === "string") throw stringsHaveNoStorage(shape);
  const backend = currentBackend();
  const size = sizeOf(shape);
  const storage = backend.allocate(dtype, size, zeroed);
  activeRecorder()?.allocated(storage, dtype as NumericDType, size, zeroed);
  return new Tensor(storage, shape, dtype, backend);
}

/** A copy of `t` in new storage of the current backend, converted to `dtype` (NumPy's rules). */
export function copyTensor(t: Tensor, dtype: DType = t.dtype): Tensor {
  if (dtype === "string" || t.dtype === "string") {
    if (dtype !== t.dtype) {
      throw new DTypeError(
        `cast: cannot convert between string and ${dtype === "string" ? t.dtype : dtype} ` +
          `(strings become numbers through a lookup or hashing layer)`,
      );
    }
    return t.alias();
  }
  const out = allocateTensor(t.shape, dtype, dtype !== t.dtype);
  if (t.size === 0) return out;
  const kernels = kernelsForOps();
  if (dtype !== t.dtype) kernels.cast(t.storage, out.storage);
  else kernels.copy(t.storage, 0, out.storage, 0, { shape: [t.size], strides: [[1], [1]] });
  return out;
}
