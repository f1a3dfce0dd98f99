import { ValueError } from "../../errors.js";
import { add, cast, multiply } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { repeat } from "../../ops/join.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { checkDataFormat, checkInputRank, standardizeTuple } from "./conv-utils.js";
import { registerKerasLayers } from "../registry.js";

/**
 * Keras's UpSampling2D passes its interpolation to `ops.image.resize`; its docstring lists
 * nearest, bilinear, bicubic, lanczos3 and lanczos5, and the TensorFlow backend's
 * RESIZE_INTERPOLATIONS (keras/src/backend/tensorflow/image.py) adds "area", which the JAX
 * backend's list does not have.
 */
export type Interpolation = "nearest" | "bilinear" | "bicubic" | "lanczos3" | "lanczos5" | "area";

const INTERPOLATIONS: readonly Interpolation[] = [
  "nearest",
  "bilinear",
  "bicubic",
  "lanczos3",
  "lanczos5",
  "area",
];

export interface UpSampling2DArgs extends LayerArgs {
  /** Row and column factors: one number for both, or [rows, cols] (default 2). */
  size?: number | readonly number[];
  /**
   * "nearest" (repeat each pixel, default), "bilinear", "bicubic", "lanczos3", "lanczos5" or
   * "area" (the same as "nearest" for integer factors, but floating-point like the others).
   */
  interpolation?: Interpolation;
  dataFormat?: "channels_last" | "channels_first" | null;
}

/** A separable interpolation kernel k(x), zero for |x| ≥ support. */
interface ResizeKernel {
  support: number;
  k: (x: number) => number;
}

/** sinc(x)·sinc(x/a) = a·sin(πx)·sin(πx/a) / (πx)², the Lanczos window of radius a. */
const lanczos = (a: number): ResizeKernel => ({
  support: a,
  k: (x) => {
    if (Math.abs(x) >= a) return 0;
    if (Math.abs(x) < 1e-12) return 1;
    const px = Math.PI * x;
    return (a * Math.sin(px) * Math.sin(px / a)) / (px * px);
  },
});

/**
 * The kernels of TF's scale_and_translate and jax.image.resize (jax/_src/image/scale.py:
 * `_fill_triangle_kernel`, `_fill_keys_cubic_kernel`, `_fill_lanczos_kernel`).
 */
const KERNELS: { [M in Exclude<Interpolation, "nearest" | "area">]: ResizeKernel } = {
  bilinear: { support: 1, k: (x) => Math.max(0, 1 - Math.abs(x)) },
  // Keys (1981) cubic convolution with a = −0.5: 1.5|x|³ − 2.5|x|² + 1 on [0, 1),
  // −0.5|x|³ + 2.5|x|² − 4|x| + 2 on [1, 2).
  bicubic: {
    support: 2,
    k: (x) => {
      const t = Math.abs(x);
      if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
      if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
      return 0;
    },
  },
  lanczos3: lanczos(3),
  lanczos5: lanczos(5),
};

/**
 * Keras UpSampling2D: scales the rows and columns of (batch, height, width, channels) inputs by
 * integer factors. "nearest" repeats pixels; the other modes follow Keras's TensorFlow and JAX
 * backends (`tf.image.resize` / `jax.image.resize` with antialias=False), not its torch backend,
 * whose bicubic uses a = −0.75 (ATen's get_cubic_upsample_coefficients) instead of a = −0.5.
 */
export class UpSampling2D extends Layer {
  readonly size: number[];
  readonly interpolation: Interpolation;
  readonly dataFormat: "channels_last";

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.size = standardizeTuple(args.size ?? 2, 2, "size", where);
    const interp = String(args.interpolation ?? "nearest").toLowerCase() as Interpolation;
    if (!INTERPOLATIONS.includes(interp)) {
      throw new ValueError(
        `${where}: interpolation ${JSON.stringify(interp)} is not a Keras interpolation; ` +
          `expected one of ${INTERPOLATIONS.map((m) => JSON.stringify(m)).join(", ")}; ` +
          `received interpolation=${JSON.stringify(args.interpolation)}`,
      );
    }
    this.interpolation = interp;
  }

  override build(inputShape: ShapeSpec): void {
    checkInputRank(inputShape, 2, this.where());
  }

  call(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, 2, this.where());
    const mode = this.interpolation;
    if (mode === "nearest" || mode === "area") {
      // Area averages the input over each output pixel's footprint, [j/f, (j+1)/f), which for an
      // integer f lies inside input pixel ⌊j/f⌋: the nearest pixel (TF's ResizeArea).
      const y = repeat(repeat(inputs, this.size[0]!, 1), this.size[1]!, 2);
      return mode === "nearest" || isFloat(y.dtype) ? y : cast(y, this.dtype);
    }
    const x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    const kernel = KERNELS[mode];
    return resizeAxis(resizeAxis(x, 1, this.size[0]!, kernel), 2, this.size[1]!, kernel);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, 2, this.where());
    const [b, h, w, c] = inputShape;
    return [b!, h === null ? null : h! * this.size[0]!, w === null ? null : w! * this.size[1]!, c!];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = inputDtypes[0] ?? this.dtype;
    return this.interpolation === "nearest" || isFloat(d) ? d : this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      size: [...this.size],
      data_format: this.dataFormat,
      interpolation: this.interpolation,
    };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling2D {
    return new UpSampling2D(fromKerasConfig(config) as UpSampling2DArgs);
  }
}

/**
 * Upsampling of one axis by an integer factor with half-pixel centres, as TF's
 * scale_and_translate and jax.image.resize (`compute_weight_mat`) compute it: output j samples
 * the input at s = (j + ½)/factor − ½, and input i gets weight k(s − i). Taps outside [0, n − 1]
 * get weight 0 and the rest are divided by their sum (TF's half-pixel ResizeBicubic does the same
 * at the borders, resize_bicubic_op.cc). For the triangle kernel this is clamped linear
 * interpolation. TF's ResizeBicubic rounds s − ⌊s⌋ to 1/1024 for its coefficient table; this
 * computes k exactly, as JAX does. A constant weighting of 2·support gathers, so the gradient
 * scatters dy back with the same weights.
 */
function resizeAxis(x: Tensor, axis: number, factor: number, kernel: ResizeKernel): Tensor {
  const n = x.shape[axis]!;
  const m = n * factor;
  const taps = 2 * kernel.support;
  // Tap t of output j reads input ⌊s⌋ − support + 1 + t.
  const index = Array.from({ length: taps }, () => new Int32Array(m));
  const weight = Array.from({ length: taps }, () => new Float64Array(m));
  for (let j = 0; j < m; j++) {
    const s = (j + 0.5) / factor - 0.5;
    const first = Math.floor(s) - kernel.support + 1;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const i = first + t;
      const w = i >= 0 && i < n ? kernel.k(s - i) : 0;
      index[t]![j] = Math.min(Math.max(i, 0), n - 1);
      weight[t]![j] = w;
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[t]![j]! /= sum;
  }
  const wShape = x.shape.map((d, i) => (i === axis ? m : 1));
  const wDtype = x.dtype === "float64" ? "float64" : "float32";
  let out: Tensor | null = null;
  for (let t = 0; t < taps; t++) {
    if (weight[t]!.every((w) => w === 0)) continue; // a tap that only ever reads padding
    const term = multiply(
      take(x, fromValues(index[t]!, [m]), axis),
      cast(fromValues(weight[t]!, wShape), wDtype),
    );
    out = out === null ? term : add(out, term);
  }
  return out!;
}

registerKerasLayers({ UpSampling2D });
