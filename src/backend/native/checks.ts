import { ValueError } from "../../errors.js";
import type { ConvParams, PoolParams, RnnParams, StridedPlan } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/*
 * Guards for the native kernels. C++ trusts the sizes it is given, so every length, count and
 * strided range is checked here first: a wrong call throws a ValueError naming the kernel and
 * what did not fit, and never reaches memory it does not own.
 */

/** The deepest strided plan the addon accepts (kMaxRank in native/src/common.h). */
export const MAX_RANK = 32;

function fail(kernel: string, message: string): never {
  throw new ValueError(`native ${kernel}: ${message}`);
}

/** A non-negative integer count or size. */
export function count(kernel: string, name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0)
    fail(kernel, `${name} must be a non-negative integer; received ${v}`);
  return v;
}

/** Checks that `arr` holds at least `needed` elements. */
export function fits(kernel: string, name: string, arr: TypedArray, needed: number): void {
  if (arr.length < needed) {
    fail(kernel, `${name} has ${arr.length} elements, the kernel needs ${needed}`);
  }
}

/** Sizes that BLAS receives as 32-bit ints. */
export function blasSize(kernel: string, name: string, v: number): void {
  if (v >= 2 ** 31) fail(kernel, `${name} = ${v} exceeds the BLAS limit of 2^31 - 1`);
}

/**
 * Validates a strided plan for `arrays` (with their start offsets) and returns its element count:
 * every position the walk can reach, lowest and highest, must lie inside its array.
 */
export function planSize(
  kernel: string,
  plan: StridedPlan,
  arrays: readonly (readonly [string, TypedArray, number])[],
): number {
  const { shape, strides } = plan;
  const rank = shape.length;
  if (rank > MAX_RANK) fail(kernel, `plan rank ${rank} exceeds ${MAX_RANK}`);
  if (strides.length < arrays.length) {
    fail(kernel, `plan has ${strides.length} stride lists, expected ${arrays.length}`);
  }
  let size = 1;
  for (let d = 0; d < rank; d++) size *= count(kernel, `plan.shape[${d}]`, shape[d]!);
  if (size === 0) return 0;
  arrays.forEach(([name, arr, offset], k) => {
    const s = strides[k]!;
    if (s.length !== rank)
      fail(kernel, `${name} strides have length ${s.length}, shape has rank ${rank}`);
    let lo = offset;
    let hi = offset;
    for (let d = 0; d < rank; d++) {
      const step = s[d]!;
      if (!Number.isSafeInteger(step)) fail(kernel, `${name} stride ${step} is not an integer`);
      const span = step * (shape[d]! - 1);
      if (span < 0) lo += span;
      else hi += span;
    }
    if (!Number.isSafeInteger(offset) || lo < 0 || hi >= arr.length) {
      fail(kernel, `${name} is read at positions ${lo}..${hi}, but has ${arr.length} elements`);
    }
  });
  return size;
}

// One reusable buffer for plans and geometry: kernels are synchronous, so calls never overlap.
const meta = new Float64Array(1 + MAX_RANK * 5);

/** Packs a plan as the addon reads it: [rank, shape…, strides of each operand…]. */
export function packPlan(plan: StridedPlan, operands: number): Float64Array {
  const rank = plan.shape.length;
  meta[0] = rank;
  for (let d = 0; d < rank; d++) meta[1 + d] = plan.shape[d]!;
  for (let k = 0; k < operands; k++) {
    const s = plan.strides[k]!;
    for (let d = 0; d < rank; d++) meta[1 + rank * (1 + k) + d] = s[d]!;
  }
  return meta;
}

function triples(at: number, lists: readonly (readonly number[])[]): void {
  for (const t of lists) for (let d = 0; d < 3; d++) meta[at++] = t[d]!;
}

/** Validates ConvParams against the three arrays and packs them (22 numbers). */
export function packConv(
  kernel: string,
  p: ConvParams,
  input: readonly [string, TypedArray],
  kernelArr: readonly [string, TypedArray],
  output: readonly [string, TypedArray],
): Float64Array {
  for (const name of ["batch", "inChannels", "outChannels", "groups"] as const)
    count(kernel, name, p[name]);
  const lists = [p.inShape, p.outShape, p.kernelShape, p.strides, p.dilations, p.padBefore];
  for (const t of lists) {
    if (t.length !== 3)
      fail(kernel, `spatial parameters must have 3 entries; received ${t.length}`);
  }
  [p.inShape, p.outShape, p.kernelShape, p.strides, p.dilations].forEach((t) =>
    t.forEach((v, i) => count(kernel, `spatial size [${i}]`, v)),
  );
  p.padBefore.forEach(
    (v) => Number.isSafeInteger(v) || fail(kernel, `padBefore ${v} is not an integer`),
  );
  const { groups: G, inChannels: C, outChannels: O } = p;
  if (G < 1 || C % G !== 0 || O % G !== 0) {
    fail(kernel, `groups ${G} must divide inChannels ${C} and outChannels ${O}`);
  }
  const vol = (t: readonly number[]): number => t[0]! * t[1]! * t[2]!;
  const sizes: Record<string, number> = {
    x: p.batch * vol(p.inShape) * C,
    dx: p.batch * vol(p.inShape) * C,
    y: p.batch * vol(p.outShape) * O,
    dy: p.batch * vol(p.outShape) * O,
    w: vol(p.kernelShape) * (C / G) * O,
    dw: vol(p.kernelShape) * (C / G) * O,
  };
  for (const [name, arr] of [input, kernelArr, output]) fits(kernel, name, arr, sizes[name]!);
  blasSize(kernel, "rows", p.batch * vol(p.outShape));
  meta[0] = p.batch;
  meta[1] = C;
  meta[2] = O;
  meta[3] = G;
  triples(4, lists);
  return meta;
}

/** Validates PoolParams against the input and output sizes and packs them (17 numbers). */
export function packPool(
  kernel: string,
  p: PoolParams,
  input: readonly [string, TypedArray],
  outputs: readonly (readonly [string, TypedArray])[],
): Float64Array {
  count(kernel, "batch", p.batch);
  count(kernel, "channels", p.channels);
  const lists = [p.inShape, p.outShape, p.window, p.strides, p.padBefore];
  for (const t of lists) {
    if (t.length !== 3)
      fail(kernel, `spatial parameters must have 3 entries; received ${t.length}`);
  }
  [p.inShape, p.outShape, p.window, p.strides].forEach((t) =>
    t.forEach((v, i) => count(kernel, `spatial size [${i}]`, v)),
  );
  p.padBefore.forEach(
    (v) => Number.isSafeInteger(v) || fail(kernel, `padBefore ${v} is not an integer`),
  );
  const vol = (t: readonly number[]): number => t[0]! * t[1]! * t[2]!;
  fits(kernel, input[0], input[1], p.batch * vol(p.inShape) * p.channels);
  for (const [name, arr] of outputs)
    fits(kernel, name, arr, p.batch * vol(p.outShape) * p.channels);
  meta[0] = p.batch;
  meta[1] = p.channels;
  triples(2, lists);
  return meta;
}

// ---------------------------------------------------------------- fused recurrent sequences

/** What each array of a fused recurrent kernel holds, which fixes its size. */
export type RnnRole = "gates" | "kernel" | "bias" | "state" | "sequence" | "mask";

/**
 * Validates RnnParams (`gates` blocks of `units` columns) against every array, given as
 * name → [array or null, role], and returns the numbers the addon receives.
 */
export function checkRnn(
  kernel: string,
  p: RnnParams,
  gates: number,
  arrays: Record<string, readonly [TypedArray | null, RnnRole]>,
): RnnParams {
  const batch = count(kernel, "batch", p.batch);
  const steps = count(kernel, "steps", p.steps);
  const units = count(kernel, "units", p.units);
  const width = gates * units;
  const sizes: Record<RnnRole, number> = {
    gates: batch * steps * width,
    kernel: units * width,
    bias: width,
    state: batch * units,
    sequence: batch * steps * units,
    mask: batch * steps,
  };
  // BLAS receives rows, columns and leading dimensions as 32-bit ints.
  blasSize(kernel, "batch·steps", batch * steps);
  blasSize(kernel, "steps·units·gates", steps * width);
  for (const [name, [arr, role]] of Object.entries(arrays)) {
    if (arr) fits(kernel, name, arr, sizes[role]);
  }
  return { batch, steps, units };
}
