import assert from "node:assert/strict";
import type { StridedPlan } from "../../src/backend/backend.js";
import { nativeKernels } from "../../src/backend/native/index.js";
import { tsKernels } from "../../src/backend/ts/index.js";
import type { TypedArray } from "../../src/tensor/dtype.js";

/** Shared tools of the native-vs-TypeScript kernel parity suites. */

const loaded = nativeKernels();
export const native = "unavailable" in loaded ? null : loaded;
export const ts = tsKernels;

/** `describe` options: the suites skip, visibly, when the addon did not load. */
export const skipUnlessNative = {
  skip: "unavailable" in loaded ? `native backend unavailable (${loaded.unavailable})` : false,
};

/** Sizes that catch off-by-one and vector-tail bugs, plus one that splits across threads. */
export const SIZES = [0, 1, 3, 17, 33, 257, 70_001];

export type Kind = "f32" | "f64" | "i32" | "u8";
export const KINDS: readonly Kind[] = ["f32", "f64", "i32", "u8"];

export function alloc(kind: Kind, n: number): TypedArray {
  switch (kind) {
    case "f32":
      return new Float32Array(n);
    case "f64":
      return new Float64Array(n);
    case "i32":
      return new Int32Array(n);
    case "u8":
      return new Uint8Array(n);
  }
}

export function kindOf(a: TypedArray): Kind {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Float64Array) return "f64";
  return a instanceof Int32Array ? "i32" : "u8";
}

/** A fresh zero-filled array of the same kind and length (a kernel's output). */
export const like = (a: TypedArray): TypedArray => alloc(kindOf(a), a.length);

/** mulberry32: a small seeded generator, so every failure reproduces. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SPECIALS = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  1e-40,
  90,
  -90,
];

/**
 * Random data of `kind`: floats are spread over [-scale, scale] with a sprinkling of SPECIALS
 * (when `special`), ints over [-scale, scale], bools 0/1.
 */
export function random(
  kind: Kind,
  n: number,
  seed: number,
  { scale = 4, special = false } = {},
): TypedArray {
  const r = rng(seed);
  const out = alloc(kind, n);
  for (let i = 0; i < n; i++) {
    if (kind === "u8") out[i] = r() < 0.5 ? 1 : 0;
    else if (kind === "i32") out[i] = Math.floor((r() * 2 - 1) * scale);
    else if (special && r() < 0.1) out[i] = SPECIALS[Math.floor(r() * SPECIALS.length)]!;
    else out[i] = (r() * 2 - 1) * scale;
  }
  return out;
}

export interface Tol {
  /** relative tolerance against |expected| (or against `scale` when given) */
  rtol?: number;
  atol?: number;
  /** measure errors against this magnitude instead of each element's (sums, products) */
  scale?: number;
}

/** Floats within tolerance (NaN matches NaN, ±0 match), integers and bools exactly. */
export function assertParity(
  label: string,
  got: TypedArray,
  want: TypedArray,
  tol: Tol = {},
): void {
  assert.equal(got.constructor, want.constructor, `${label}: array kinds differ`);
  assert.equal(got.length, want.length, `${label}: lengths differ`);
  const float = got instanceof Float32Array || got instanceof Float64Array;
  const { rtol = float ? (got instanceof Float32Array ? 1e-5 : 1e-12) : 0, atol = 0, scale } = tol;
  const tiny = got instanceof Float32Array ? 1e-37 : 1e-300;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g === w || (g !== g && w !== w)) continue;
    const bound = atol + tiny + rtol * (scale ?? Math.abs(w));
    if (!float || !(Math.abs(g - w) <= bound)) {
      assert.fail(`${label}: element ${i} is ${g} natively, ${w} in TypeScript (bound ${bound})`);
    }
  }
}

/** max |x| over an array (the magnitude that accumulated errors scale with). */
export function maxAbs(a: TypedArray): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m && Number.isFinite(v)) m = Math.abs(v);
  return m || 1;
}

/** Row-major strides of a contiguous array of `shape`. */
export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/** Strides that read an array of `from` broadcast to `to` (right-aligned, 0 on broadcast axes). */
export function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  const s = contiguous(from);
  return to.map((d, i) => {
    const j = i - (to.length - from.length);
    return j < 0 || from[j] === 1 ? 0 : s[j]!;
  });
}

/** The broadcast plan of operands with `shapes` into `out`. */
export function plan(out: readonly number[], ...shapes: (readonly number[])[]): StridedPlan {
  return { shape: out, strides: shapes.map((s) => broadcastStrides(s, out)) };
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
