/**
 * The host-side interpolation weights of `ops.image.resize`, one axis at a time. Resizing is
 * separable: along one spatial axis, output sample i is Σ_j W[i, j] · input[j], so an axis is
 * resized by contracting it with the [out, in] matrix W built here. The conventions are
 * `jax.image.scale_and_translate`'s, which Keras follows on JAX: half-pixel centres (output i
 * samples input position (i + ½)·in/out − ½), each output's weights renormalized to sum to 1 (so
 * the taps that fall outside the image are dropped), and with `antialias` the kernel stretched by
 * in/out when downsampling so that it low-pass filters. "area" is TensorFlow's box average: each
 * output averages the input cells its footprint [i·s, (i+1)·s) covers, weighted by overlap.
 */

export type ResizeInterpolation =
  "bilinear" | "nearest" | "bicubic" | "lanczos3" | "lanczos5" | "area";

export const RESIZE_INTERPOLATIONS: readonly ResizeInterpolation[] = [
  "bilinear",
  "nearest",
  "bicubic",
  "lanczos3",
  "lanczos5",
  "area",
];

type Kernel = (x: number) => number;

/** The tent: 1 − |x| on [−1, 1]. */
const triangle: Kernel = (x) => Math.max(0, 1 - Math.abs(x));

/** Keys' cubic convolution kernel with a = −0.5 (x ≥ 0). */
const keysCubic: Kernel = (x) => {
  if (x >= 2) return 0;
  if (x >= 1) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return (1.5 * x - 2.5) * x * x + 1;
};

/** Lanczos: r·sin(πx)·sin(πx/r) / (π²x²) on [0, r], 1 near 0. */
function lanczos(radius: number): Kernel {
  return (x) => {
    if (x > radius) return 0;
    if (x <= 1e-3) return 1;
    return (
      (radius * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / radius)) / (Math.PI ** 2 * x * x)
    );
  };
}

const KERNELS: Record<Exclude<ResizeInterpolation, "nearest" | "area">, Kernel> = {
  bilinear: triangle,
  bicubic: keysCubic,
  lanczos3: lanczos(3),
  lanczos5: lanczos(5),
};

/** Below this total the weights of an output are dropped rather than renormalized (as JAX). */
const MIN_TOTAL = 1000 * 2 ** -23;

/**
 * W[i, j] for a kernel interpolation, row-major [outSize, inSize]: output i samples input
 * position (i + ½ − translation) / scale − ½ (JAX's `compute_weight_mat`).
 */
function kernelWeights(
  inSize: number,
  outSize: number,
  kernel: Kernel,
  antialias: boolean,
  scale = outSize / inSize,
  translation = 0,
): Float64Array {
  const invScale = 1 / scale;
  const kernelScale = antialias ? Math.max(invScale, 1) : 1;
  const w = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const sample = (i + 0.5 - translation) * invScale - 0.5;
    const row = w.subarray(i * inSize, (i + 1) * inSize);
    let total = 0;
    for (let j = 0; j < inSize; j++) {
      row[j] = kernel(Math.abs(sample - j) / kernelScale);
      total += row[j]!;
    }
    const inside = sample >= -0.5 && sample <= inSize - 0.5;
    if (!inside || Math.abs(total) <= MIN_TOTAL) row.fill(0);
    else for (let j = 0; j < inSize; j++) row[j]! /= total;
  }
  return w;
}

/** W[i, j] = |[i·s, (i+1)·s) ∩ [j, j+1)| / s with s = in/out: TensorFlow's area resize. */
function areaWeights(inSize: number, outSize: number): Float64Array {
  const scale = inSize / outSize;
  const w = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const lo = i * scale;
    const hi = (i + 1) * scale;
    for (let j = Math.floor(lo); j < Math.min(Math.ceil(hi), inSize); j++) {
      const overlap = Math.min(j + 1, hi) - Math.max(j, lo);
      if (overlap > 0) w[i * inSize + j] = overlap / scale;
    }
  }
  return w;
}

/** The [outSize, inSize] weights of one axis for every interpolation but "nearest". */
export function resizeWeights(
  inSize: number,
  outSize: number,
  interpolation: Exclude<ResizeInterpolation, "nearest">,
  antialias: boolean,
): Float64Array {
  if (interpolation === "area") return areaWeights(inSize, outSize);
  return kernelWeights(inSize, outSize, KERNELS[interpolation], antialias);
}

export type ScaleTranslateMethod =
  | "linear"
  | "bilinear"
  | "trilinear"
  | "triangle"
  | "cubic"
  | "bicubic"
  | "tricubic"
  | "lanczos3"
  | "lanczos5";

const METHOD_KERNELS: Record<ScaleTranslateMethod, Kernel> = {
  linear: triangle,
  bilinear: triangle,
  trilinear: triangle,
  triangle,
  cubic: keysCubic,
  bicubic: keysCubic,
  tricubic: keysCubic,
  lanczos3: lanczos(3),
  lanczos5: lanczos(5),
};

export const SCALE_TRANSLATE_METHODS = Object.keys(METHOD_KERNELS) as ScaleTranslateMethod[];

/** The [outSize, inSize] weights of one axis of `scale_and_translate`. */
export function scaleTranslateWeights(
  inSize: number,
  outSize: number,
  method: ScaleTranslateMethod,
  antialias: boolean,
  scale: number,
  translation: number,
): Float64Array {
  return kernelWeights(inSize, outSize, METHOD_KERNELS[method], antialias, scale, translation);
}

/** "nearest": output i takes input ⌊(i + ½)·in/out⌋ (JAX's `_resize_nearest`). */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++)
    idx[i] = Math.min(inSize - 1, Math.floor(((i + 0.5) * inSize) / outSize));
  return idx;
}
