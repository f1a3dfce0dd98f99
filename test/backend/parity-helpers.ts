import assert from "node:assert/strict";
import type { ConvParams, PoolParams, StridedPlan } from "../../src/backend/backend.js";
import { nativeKernels } from "../../src/backend/native/index.js";
import { tsKernels } from "../../src/backend/ts/index.js";
import type { TypedArray } from "../../src/tensor/dtype.js";

/**
 * Shared tools of the kernel parity suites: every backend against the reference (parity.test.ts)
 * and the native fused kernels against the TypeScript ones.
 */

const loaded = nativeKernels();
export const native = "unavailable" in loaded ? null : loaded;
export const ts = tsKernels;

/** `describe` options: the suites skip, visibly, when the addon did not load. */
export const skipUnlessNative = {
  skip: "unavailable" in loaded ? `native backend unavailable (${loaded.unavailable})` : false,
};

/** Sizes that catch off-by-one and vector-tail bugs, plus one that splits across threads. */
export const SIZES = [0, 1, 3, 17, 33, 257, 70_001];

/** Storage kinds: float32, float64, int32, bool (u8) and uint8 (c8, a Uint8ClampedArray). */
export type Kind = "f32" | "f64" | "i32" | "u8" | "c8";
export const KINDS: readonly Kind[] = ["f32", "f64", "i32", "u8", "c8"];

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
    case "c8":
      return new Uint8ClampedArray(n);
  }
}

export function kindOf(a: TypedArray): Kind {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Uint8ClampedArray) return "c8";
  return a instanceof Int32Array ? "i32" : "u8";
}

/** A fresh zero-filled array of the same kind and length (a kernel's output). */
export const like = (a: TypedArray): TypedArray => alloc(kindOf(a), a.length);

/** An output whose contents are arbitrary: NaN, -2^31 or 0xab, as allocateUnfilled's poison. */
export function poisoned(kind: Kind, n: number): TypedArray {
  return alloc(kind, n).fill(kind === "i32" ? -(2 ** 31) : kind.endsWith("8") ? 0xab : NaN);
}

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
 * (when `special`), ints over [-scale, scale], bools 0/1, uint8 over 0..255.
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
    else if (kind === "c8") out[i] = Math.floor(r() * 256);
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

/** Same values, NaN alike, and the same sign of zero. */
const same = (g: number, w: number): boolean => Object.is(g, w) || (g !== g && w !== w);
const show = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));

export interface Bound {
  rtol: number;
  atol?: number;
}

/**
 * `got` against the reference's `want`: exactly (the sign of zero included, every NaN alike)
 * unless a bound is given and the values are floats; then finite values may differ by
 * atol + rtol · scale, scale being `magnitude[i]` (what an accumulation's error grows with) or
 * |want[i]|, and zeros must still agree in sign unless `anySignedZero`. Infinities and NaN must
 * match exactly either way.
 */
export function assertMatches(
  label: string,
  got: TypedArray,
  want: TypedArray,
  bound?: Bound,
  { magnitude, anySignedZero = false }: { magnitude?: TypedArray; anySignedZero?: boolean } = {},
): void {
  assert.equal(got.constructor, want.constructor, `${label}: array kinds differ`);
  assert.equal(got.length, want.length, `${label}: lengths differ`);
  const float = got instanceof Float32Array || got instanceof Float64Array;
  const tiny = got instanceof Float32Array ? 1e-37 : 1e-300;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (same(g, w)) continue;
    if (float && bound && Number.isFinite(w) && Number.isFinite(g) && (g !== 0 || w !== 0)) {
      const limit = (bound.atol ?? 0) + tiny + bound.rtol * (magnitude?.[i] ?? Math.abs(w));
      if (Math.abs(g - w) <= limit) continue;
      assert.fail(`${label}: element ${i} is ${g}, the reference's ${w} (bound ${limit})`);
    }
    if (float && bound && g === 0 && w === 0 && anySignedZero) continue;
    assert.fail(`${label}: element ${i} is ${show(g)}, the reference's ${show(w)} (exactly)`);
  }
}

// ---------------------------------------------------------------- convolution and pooling cases

export interface ConvCase {
  batch: number;
  C: number;
  O: number;
  G?: number;
  inShape: [number, number, number];
  kernel: [number, number, number];
  strides?: [number, number, number];
  dilations?: [number, number, number];
  pad?: [number, number, number];
}

export function convParams(c: ConvCase): ConvParams {
  const strides = c.strides ?? [1, 1, 1];
  const dilations = c.dilations ?? [1, 1, 1];
  const pad = c.pad ?? [0, 0, 0];
  // Symmetric padding: out = ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1.
  const out = c.inShape.map(
    (d, i) =>
      Math.floor((d + 2 * pad[i]! - dilations[i]! * (c.kernel[i]! - 1) - 1) / strides[i]!) + 1,
  ) as [number, number, number];
  return {
    batch: c.batch,
    inChannels: c.C,
    outChannels: c.O,
    groups: c.G ?? 1,
    inShape: c.inShape,
    outShape: out,
    kernelShape: c.kernel,
    strides,
    dilations,
    padBefore: pad,
  };
}

/** Convolutions that reach every path of the native and TypeScript kernels. */
export const CONVS: [string, ConvCase][] = [
  ["2d same", { batch: 2, C: 3, O: 5, inShape: [1, 9, 11], kernel: [1, 3, 3], pad: [0, 1, 1] }],
  [
    "2d strided dilated",
    {
      batch: 3,
      C: 4,
      O: 6,
      inShape: [1, 17, 13],
      kernel: [1, 3, 2],
      strides: [1, 2, 3],
      dilations: [1, 2, 1],
      pad: [0, 2, 0],
    },
  ],
  [
    "1d",
    {
      batch: 2,
      C: 5,
      O: 7,
      inShape: [1, 1, 33],
      kernel: [1, 1, 5],
      strides: [1, 1, 2],
      pad: [0, 0, 2],
    },
  ],
  [
    "3d",
    {
      batch: 2,
      C: 3,
      O: 4,
      inShape: [5, 6, 7],
      kernel: [2, 3, 2],
      strides: [1, 2, 1],
      pad: [1, 1, 0],
    },
  ],
  ["pointwise", { batch: 2, C: 16, O: 8, inShape: [1, 7, 9], kernel: [1, 1, 1] }],
  ["pointwise grouped", { batch: 2, C: 32, O: 32, G: 2, inShape: [1, 5, 5], kernel: [1, 1, 1] }],
  [
    "depthwise",
    { batch: 2, C: 8, O: 8, G: 8, inShape: [1, 9, 10], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  [
    "depthwise ×2",
    {
      batch: 3,
      C: 8,
      O: 16,
      G: 8,
      inShape: [1, 7, 6],
      kernel: [1, 3, 3],
      strides: [1, 2, 2],
      pad: [0, 1, 1],
    },
  ],
  // Depthwise over more channels than a vector holds, with a tail, strided and padded on one side
  // (the vectorized depthwise loops of the native input and filter gradients).
  [
    "depthwise wide strided",
    {
      batch: 3,
      C: 37,
      O: 37,
      G: 37,
      inShape: [1, 8, 9],
      kernel: [1, 3, 3],
      strides: [1, 2, 2],
      pad: [0, 0, 1],
    },
  ],
  [
    "grouped",
    { batch: 2, C: 32, O: 32, G: 2, inShape: [1, 6, 7], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  // The register-tiled float32 paths: column tails (O not a multiple of 16), row tails (rows not
  // a multiple of 6), padded and interior windows, one input channel, windows of more than 64
  // taps, grouped, a batch smaller than the thread count.
  ["tiled tails", { batch: 5, C: 7, O: 37, inShape: [1, 9, 8], kernel: [1, 3, 3], pad: [0, 1, 1] }],
  ["tiled one channel", { batch: 3, C: 1, O: 32, inShape: [1, 14, 13], kernel: [1, 3, 3] }],
  [
    "tiled dilated w, strided",
    {
      batch: 4,
      C: 6,
      O: 16,
      inShape: [1, 10, 15],
      kernel: [1, 2, 3],
      strides: [1, 2, 1],
      dilations: [1, 1, 2],
      pad: [0, 1, 2],
    },
  ],
  [
    "tiled 75 taps",
    { batch: 2, C: 2, O: 17, inShape: [6, 7, 7], kernel: [3, 5, 5], pad: [1, 2, 2] },
  ],
  [
    "tiled grouped",
    { batch: 3, C: 48, O: 40, G: 2, inShape: [1, 6, 5], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  ["tiled batch 1", { batch: 1, C: 8, O: 24, inShape: [1, 11, 9], kernel: [1, 3, 3] }],
  [
    "several column blocks",
    { batch: 2, C: 16, O: 8, inShape: [1, 64, 64], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
];

export function poolParams(
  batch: number,
  channels: number,
  inShape: number[],
  window: number[],
  strides: number[],
  pad: number[],
): PoolParams {
  const outShape = inShape.map(
    (d, i) => Math.floor((d + 2 * pad[i]! - window[i]!) / strides[i]!) + 1,
  );
  const t = (a: number[]) => a as [number, number, number];
  return {
    batch,
    channels,
    inShape: t(inShape),
    outShape: t(outShape),
    window: t(window),
    strides: t(strides),
    padBefore: t(pad),
  };
}

/** Pooling windows: padded, overlapping, 1-D to 3-D, windows of padding only, threads. */
export const POOLS: [string, PoolParams][] = [
  ["2d padded", poolParams(2, 3, [1, 9, 11], [1, 3, 3], [1, 2, 2], [0, 1, 1])],
  ["1d overlapping", poolParams(3, 33, [1, 1, 17], [1, 1, 4], [1, 1, 1], [0, 0, 2])],
  ["3d", poolParams(2, 4, [5, 6, 7], [2, 2, 3], [2, 2, 2], [0, 1, 1])],
  ["empty windows", poolParams(1, 2, [1, 1, 5], [1, 1, 2], [1, 1, 1], [0, 0, 3])],
  [
    "2d odd channels, split across threads",
    poolParams(9, 37, [1, 11, 13], [1, 2, 2], [1, 2, 2], [0, 0, 0]),
  ],
  ["2d windows tiling the input", poolParams(5, 19, [1, 12, 10], [1, 2, 2], [1, 2, 2], [0, 0, 0])],
  ["2d overlapping windows", poolParams(4, 5, [1, 8, 9], [1, 3, 3], [1, 1, 2], [0, 1, 1])],
];
