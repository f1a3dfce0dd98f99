import { ValueError } from "../../errors.js";
import type { TypedArray } from "../../tensor/dtype.js";
import type { HostArrays } from "../backend.js";
import type {
  ConvParams,
  KernelName,
  KernelParams,
  RnnParams,
  StridedPlan,
} from "../kernel-table.js";

/*
 * Guards for the native kernels. C++ trusts the sizes it is given, so every length, count and
 * strided range is checked first: a wrong call throws a ValueError naming the kernel and what did
 * not fit, and never reaches memory it does not own. The checks every kernel's table entry
 * implies (counts, sizes, geometry fields) are generated in binding.ts from these helpers; what
 * only some kernels need is in KERNEL_CHECKS below.
 */

/** The deepest strided plan the addon accepts (kMaxRank in native/src/common.h). */
export const MAX_RANK = 32;

export function fail(kernel: string, message: string): never {
  throw new ValueError(`native ${kernel}: ${message}`);
}

export function badCount(kernel: string, name: string, v: unknown): never {
  fail(kernel, `${name} must be a non-negative integer; received ${String(v)}`);
}

export function badInt(kernel: string, name: string, v: unknown): never {
  fail(kernel, `${name} must be an integer; received ${String(v)}`);
}

export function badTriple(kernel: string, name: string, t: readonly number[]): never {
  fail(kernel, `${name} must have 3 entries (one per spatial axis); received ${t.length}`);
}

/** An array shorter than its size: `exact` when the kernel needs exactly that many. */
export function short(
  kernel: string,
  name: string,
  length: number,
  needed: number,
  exact?: string,
): never {
  if (exact) fail(kernel, `${name} has ${length} elements; expected ${needed} (${exact})`);
  fail(kernel, `${name} has ${length} elements, the kernel needs ${needed}`);
}

/** Checks that `arr` holds at least `needed` elements. */
export function fits(kernel: string, name: string, arr: TypedArray, needed: number): void {
  if (arr.length < needed) short(kernel, name, arr.length, needed);
}

/** Sizes that BLAS receives as 32-bit ints. */
export function blasSize(kernel: string, name: string, v: number): void {
  if (v >= 2 ** 31) fail(kernel, `${name} = ${v} exceeds the BLAS limit of 2^31 - 1`);
}

// ---------------------------------------------------------------- strided plans

/** Validates a plan's shape for `operands` stride lists and returns its element count. */
export function planSize(kernel: string, plan: StridedPlan, operands: number): number {
  const { shape, strides } = plan;
  const rank = shape.length;
  if (rank > MAX_RANK) fail(kernel, `plan rank ${rank} exceeds ${MAX_RANK}`);
  if (strides.length < operands) {
    fail(kernel, `plan has ${strides.length} stride lists, expected ${operands}`);
  }
  let size = 1;
  for (let d = 0; d < rank; d++) {
    const v = shape[d]!;
    if (!(Number.isSafeInteger(v) && v >= 0)) badCount(kernel, `plan.shape[${d}]`, v);
    size *= v;
  }
  return size;
}

/**
 * Checks that operand k of a non-empty plan, starting at `offset`, stays inside `arr`: every
 * position the walk can reach, lowest and highest.
 */
export function planReach(
  kernel: string,
  plan: StridedPlan,
  k: number,
  name: string,
  arr: TypedArray,
  offset: number,
): void {
  const { shape } = plan;
  const s = plan.strides[k]!;
  const rank = shape.length;
  if (s.length !== rank) {
    fail(kernel, `${name} strides have length ${s.length}, shape has rank ${rank}`);
  }
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < rank; d++) {
    const step = s[d]!;
    if (!Number.isSafeInteger(step)) fail(kernel, `${name} stride ${step} is not an integer`);
    const span = step * (shape[d]! - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= arr.length) {
    fail(kernel, `${name} is read at positions ${lo}..${hi}, but has ${arr.length} elements`);
  }
}

// One reusable buffer for plans: kernels are synchronous, so calls never overlap.
const planBuffer = new Float64Array(1 + MAX_RANK * 5);

/** Packs a plan as the addon reads it: [rank, shape…, strides of each operand…]. */
export function packPlan(plan: StridedPlan, operands: number): Float64Array {
  const rank = plan.shape.length;
  planBuffer[0] = rank;
  for (let d = 0; d < rank; d++) planBuffer[1 + d] = plan.shape[d]!;
  for (let k = 0; k < operands; k++) {
    const s = plan.strides[k]!;
    for (let d = 0; d < rank; d++) planBuffer[1 + rank * (1 + k) + d] = s[d]!;
  }
  return planBuffer;
}

// ---------------------------------------------------------------- kernel-specific checks

function indicesInRange(kernel: string, indices: Int32Array, axisSize: number): void {
  for (let j = 0; j < indices.length; j++) {
    const v = indices[j]!;
    if (v < 0 || v >= axisSize) {
      fail(kernel, `index ${v} at position ${j} is outside [0, ${axisSize})`);
    }
  }
}

function convGroups(kernel: string, p: ConvParams): void {
  const { groups: G, inChannels: C, outChannels: O } = p;
  if (G < 1 || C % G !== 0 || O % G !== 0) {
    fail(kernel, `groups ${G} must divide inChannels ${C} and outChannels ${O}`);
  }
  blasSize(kernel, "rows", p.batch * p.outShape[0] * p.outShape[1] * p.outShape[2]);
}

// BLAS receives rows, columns and leading dimensions as 32-bit ints.
function rnnBlas(kernel: string, p: RnnParams, gates: number): void {
  blasSize(kernel, "batch·steps", p.batch * p.steps);
  blasSize(kernel, "steps·units·gates", p.steps * gates * p.units);
}

type Checks = { [N in KernelName]?: (...args: KernelParams<N, HostArrays>) => void };

/**
 * What the table cannot say, by kernel: run after its counts and geometry fields are checked and
 * before its sizes are (conv's sizes divide by groups).
 */
export const KERNEL_CHECKS: Checks = {
  sort: (_x, _values, _indices, _rows, size) => blasSize("sort", "size", size),
  gather: (_x, indices, _out, _outer, axisSize) => indicesInRange("gather", indices, axisSize),
  scatterAdd: (_updates, indices, _out, _outer, axisSize) =>
    indicesInRange("scatterAdd", indices, axisSize),
  matmul(a, b, _out, m, k, n, _transA, _transB, batch, aBatchStride, bBatchStride) {
    blasSize("matmul", "m", m);
    blasSize("matmul", "k", k);
    blasSize("matmul", "n", n);
    if (batch > 0 && m * n > 0 && m * k > 0) {
      fits("matmul", "a", a, (batch - 1) * aBatchStride + m * k);
      fits("matmul", "b", b, (batch - 1) * bBatchStride + k * n);
    }
  },
  conv: (_x, _w, _out, p) => convGroups("conv", p),
  convBackpropInput: (_dy, _w, _dx, p) => convGroups("convBackpropInput", p),
  convBackpropFilter: (_x, _dy, _dw, p) => convGroups("convBackpropFilter", p),
  convBias: (_x, _w, _bias, _out, p) => convGroups("convBias", p),
  // Winners are reported as int32 flat indices into x. The backward pass compares argmax with
  // the cells of each window, so any int32 value there is safe.
  maxPool: (x) => blasSize("maxPool", "x.length", x.length),
  maxPoolBackprop: (_dy, _argmax, dx) => blasSize("maxPoolBackprop", "dx.length", dx.length),
  lstmForward: (...a) => rnnBlas("lstmForward", a[11], 4),
  lstmBackward: (...a) => rnnBlas("lstmBackward", a[15], 4),
  gruForward: (...a) => rnnBlas("gruForward", a[9], 3),
  gruBackward: (...a) => rnnBlas("gruBackward", a[14], 3),
};
