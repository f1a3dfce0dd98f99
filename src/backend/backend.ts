import type { FloatArray, NumericDType, TypedArray } from "../tensor/dtype.js";
import type { CoreName, FusedName, KernelFunctions } from "./kernel-table.js";

export type {
  BinaryOp,
  ConvParams,
  PoolParams,
  ReduceOp,
  RnnParams,
  StridedPlan,
  UnaryOp,
  UpdateRule,
} from "./kernel-table.js";

/*
 * What a backend is: the kernels it runs and the storage it owns. Code above backend/ sees a
 * tensor's values only as an opaque `Storage` handle, and reads them through the backend
 * (`Tensor.dataSync()`, `await data()`, `item()`), so a device whose memory is not the JS heap
 * fits behind the same interface. The kernels themselves, their arguments and what each one
 * computes, are stated once in kernel-table.ts; the interfaces here are derived from it.
 */

/** How a backend's storage looks to its kernels, by the kind of values it holds. */
export interface StorageKinds {
  any: unknown;
  float: unknown;
  int32: unknown;
  bool: unknown;
}

/** CPU backends: storage is a garbage-collected typed array, worked on in place. */
export interface HostArrays extends StorageKinds {
  any: TypedArray;
  float: FloatArray;
  int32: Int32Array;
  bool: Uint8Array;
}

declare const storageBrand: unique symbol;
/** A tensor's values as code above backend/ sees them: a handle it can only pass to kernels. */
export interface Storage {
  readonly [storageBrand]: true;
}

/** The storage kinds ops work with: every one an opaque handle. */
export interface OpaqueStorage extends StorageKinds {
  any: Storage;
  float: Storage;
  int32: Storage;
  bool: Storage;
}

/** What a backend runs: every core kernel, and whichever fused kernels it has. */
export type Kernels<K extends StorageKinds = HostArrays> = CoreKernels<K> &
  Partial<FusedKernels<K>>;

/** Every kernel, fused ones included (what the ts and native backends implement). */
export type AllKernels<K extends StorageKinds = HostArrays> = CoreKernels<K> & FusedKernels<K>;

export interface Backend<K extends StorageKinds = HostArrays> {
  readonly name: string;
  /**
   * True when storage is a plain host typed array (K = HostArrays): host backends share one
   * another's tensors without a copy. Any other backend's tensors move with `tensor.to(name)`.
   */
  readonly hostMemory: boolean;
  readonly kernels: Kernels<K>;
  /** Storage for `size` values of `dtype`: zero-filled, or with arbitrary contents when !zeroed. */
  allocate(dtype: NumericDType, size: number, zeroed: boolean): K["any"];
  /** Storage holding `values`, which the backend may keep: the caller gives them up. */
  fromHost(values: TypedArray): K["any"];
  /** The values, as a typed array the caller must not modify (it may be the storage itself). */
  readSync(storage: K["any"]): TypedArray;
  /** The values once the device has them ready (a CPU backend's are ready at once). */
  read(storage: K["any"]): Promise<TypedArray>;
  /**
   * What a backend whose memory is not the JS heap holds. Such a backend frees storage when the
   * garbage collector takes its handle (a FinalizationRegistry): users never dispose tensors.
   */
  memory?(): { tensors: number; bytes: number };
  /**
   * Buffers carved from one block: what a compiled step's memory plan (src/jit/) lays its
   * intermediates out in, by offset. `view` is storage for `size` values of `dtype` at
   * `byteOffset` (a multiple of 64) in an arena `allocate` made. Without it, a compiled step gets
   * one buffer per planned slot.
   */
  arena?: {
    allocate(bytes: number): K["any"];
    view(arena: K["any"], byteOffset: number, dtype: NumericDType, size: number): K["any"];
  };
}

/**
 * The kernels every backend implements: with these alone it runs every model. Each one's
 * arguments and specification are its entry in the kernel table (kernel-table.ts).
 */
export type CoreKernels<K extends StorageKinds = HostArrays> = KernelFunctions<CoreName, K>;

/**
 * Optional fused kernels: a backend may implement any of them for speed. Each one's definition is
 * the composite of core ops that its op in src/ops/ computes when the backend lacks it (the op
 * decides, in one place); the parity tests hold every backend's fused kernel to that composite.
 */
export type FusedKernels<K extends StorageKinds = HostArrays> = KernelFunctions<FusedName, K>;
