import type { ConvParams } from "../backend/backend.js";
import { needsGrad, record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, kernels, unfilled } from "./core.js";
import { cast } from "./elementwise.js";
import { reshape } from "./movement.js";

/*
 * Convolutions, channels-last (NWC, NHWC, NDHWC) as keras.ops does by default. Three primitives do
 * all the work — conv, its input gradient and its filter gradient — and each one's gradient is
 * written with the other two, so gradients of gradients work too. convTranspose is the input
 * gradient of the forward convolution that maps its output back to its input.
 */

export type ConvPadding = "valid" | "same" | "causal";

export interface ConvOptions {
  /** One stride per spatial axis, or one number for all (default 1). */
  strides?: number | readonly number[];
  /** "valid" (no padding), "same" (TensorFlow's rule) or, for 1-D only, "causal" (left padding). */
  padding?: ConvPadding;
  /** Spacing between kernel taps (default 1, no dilation). */
  dilationRate?: number | readonly number[];
}

export interface ConvTransposeOptions {
  strides?: number | readonly number[];
  padding?: "valid" | "same";
  /** Extra rows added at the end of each spatial axis of the output (Keras `output_padding`). */
  outputPadding?: number | readonly number[] | null;
  dilationRate?: number | readonly number[];
}

// ---------------------------------------------------------- shared geometry (also for pool.ts)

/** Checks a rank-3/4/5 channels-last input and returns its number of spatial axes. */
export function spatialRank(x: Tensor, op: string, arg = "inputs"): number {
  if (x.rank < 3 || x.rank > 5) {
    throw new ShapeError(
      `${op}: ${arg} must have rank 3, 4 or 5 (batch, spatial…, channels); ` +
        `received shape ${fmtShape(x.shape)}`,
    );
  }
  return x.rank - 2;
}

/** A per-axis option given as one number or one per spatial axis; every entry an integer ≥ min. */
export function spatialTuple(
  value: number | readonly number[],
  n: number,
  op: string,
  arg: string,
  min = 1,
): number[] {
  const list = typeof value === "number" ? new Array<number>(n).fill(value) : [...value];
  if (list.length !== n || list.some((v) => !Number.isInteger(v) || v < min)) {
    throw new ValueError(
      `${op}: ${arg} must be an integer ≥ ${min} or a list of ${n} such integers; ` +
        `received ${JSON.stringify(value)}`,
    );
  }
  return list;
}

export function checkPadding<P extends string>(
  padding: unknown,
  allowed: readonly P[],
  op: string,
): P {
  if (!allowed.includes(padding as P)) {
    throw new ValueError(
      `${op}: padding must be ${allowed.map((p) => JSON.stringify(p)).join(" or ")}; ` +
        `received ${JSON.stringify(padding)}`,
    );
  }
  return padding as P;
}

/**
 * Output size and padding before, along one axis, for a window of (dilated) size `span`:
 * valid → ⌈(in − span + 1) / s⌉; same (TF) → ⌈in / s⌉ with total padding
 * max((out − 1)·s + span − in, 0), the smaller half before; causal → ⌈in / s⌉, all padding before.
 */
export function windowAxis(
  inSize: number,
  span: number,
  stride: number,
  padding: ConvPadding,
): [number, number] {
  if (padding === "valid") return [Math.ceil((inSize - span + 1) / stride), 0];
  const out = Math.ceil(inSize / stride);
  if (padding === "causal") return [out, span - 1];
  const total = Math.max((out - 1) * stride + span - inSize, 0);
  return [out, Math.floor(total / 2)];
}

/** Spreads 1–3 spatial values over the kernels' three axes, unused leading ones set to `fill`. */
export function to3(values: readonly number[], fill: number): [number, number, number] {
  const v = [...new Array<number>(3 - values.length).fill(fill), ...values];
  return [v[0]!, v[1]!, v[2]!];
}

/** Both operands in one float dtype: float64 if either is, else float32 (ints too). */
export function floatOperands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const ta = asTensor(a);
  const tb = asTensor(b);
  const dtype = ta.dtype === "float64" || tb.dtype === "float64" ? "float64" : "float32";
  return [cast(ta, dtype), cast(tb, dtype)];
}

// ---------------------------------------------------------------- the three primitives
// y = conv(x, w) is bilinear:
//   ⟨dy, conv(x, w)⟩ = ⟨backpropInput(dy, w), x⟩ = ⟨backpropFilter(x, dy), w⟩.

function convPrim(x: Tensor, w: Tensor, p: ConvParams, outShape: readonly number[]): Tensor {
  const y = unfilled(outShape, x.dtype);
  kernels().conv(x.storage, castTo(w, x.dtype).storage, y.storage, p);
  // dx = Bᵀ_x dy;  dw = Bᵀ_w dy
  return record(y, [x, w], (dy) => [
    needsGrad(x) ? convInputPrim(dy, w, p, x.shape) : null,
    needsGrad(w) ? convFilterPrim(x, dy, p, w.shape) : null,
  ]);
}

export function convInputPrim(
  dy: Tensor,
  w: Tensor,
  p: ConvParams,
  xShape: readonly number[],
): Tensor {
  const dx = unfilled(xShape, dy.dtype);
  kernels().convBackpropInput(dy.storage, castTo(w, dy.dtype).storage, dx.storage, p);
  // ⟨g, Bᵀ_x(dy; w)⟩ = ⟨conv(g, w), dy⟩: d/d dy = conv(g, w), d/dw = backpropFilter(g, dy)
  return record(dx, [dy, w], (g) => [
    convPrim(g, w, p, dy.shape),
    convFilterPrim(g, dy, p, w.shape),
  ]);
}

export function convFilterPrim(
  x: Tensor,
  dy: Tensor,
  p: ConvParams,
  wShape: readonly number[],
): Tensor {
  const dw = unfilled(wShape, x.dtype);
  kernels().convBackpropFilter(x.storage, castTo(dy, x.dtype).storage, dw.storage, p);
  // ⟨g, Bᵀ_w(dy; x)⟩ = ⟨conv(x, g), dy⟩: d/dx = backpropInput(dy, g), d/d dy = conv(x, g)
  return record(dw, [x, dy], (g) => [
    convInputPrim(dy, g, p, x.shape),
    convPrim(x, g, p, dy.shape),
  ]);
}

// ---------------------------------------------------------------- public ops

interface Plan {
  params: ConvParams;
  outShape: number[];
}

/** Validates a convolution of x by w (kernel [spatial…, C/groups, O]) and lays out its geometry. */
export function planConv(op: string, x: Tensor, w: Tensor, opts: ConvOptions): Plan {
  const { strides = 1, padding = "valid", dilationRate = 1 } = opts;
  const n = spatialRank(x, op);
  if (w.rank !== x.rank) {
    throw new ShapeError(
      `${op}: kernel must have rank ${x.rank} (spatial…, in channels, out channels) ` +
        `for inputs of shape ` +
        `${fmtShape(x.shape)}; received kernel shape ${fmtShape(w.shape)}`,
    );
  }
  checkPadding(padding, ["valid", "same", "causal"], op);
  if (padding === "causal" && n !== 1) {
    throw new ValueError(
      `${op}: padding "causal" is only defined for 1-D convolution; ` +
        `inputs have shape ${fmtShape(x.shape)}`,
    );
  }
  const s = spatialTuple(strides, n, op, "strides");
  const d = spatialTuple(dilationRate, n, op, "dilationRate");
  const C = x.shape[x.rank - 1]!;
  const Cg = w.shape[w.rank - 2]!;
  const O = w.shape[w.rank - 1]!;
  const k = w.shape.slice(0, n);
  if (Cg === 0 || C % Cg !== 0 || k.some((v) => v === 0)) {
    throw new ShapeError(
      `${op}: inputs have ${C} channels, which must be a positive multiple of kernel.shape[-2]; ` +
        `inputs ${fmtShape(x.shape)}, kernel ${fmtShape(w.shape)}`,
    );
  }
  const groups = C / Cg;
  if (O % groups !== 0) {
    throw new ShapeError(
      `${op}: ${groups} groups (inputs ${fmtShape(x.shape)}, kernel ${fmtShape(w.shape)}) ` +
        `need out channels ` +
        `divisible by ${groups}; received ${O}`,
    );
  }
  const spatialIn = x.shape.slice(1, 1 + n);
  const outSpatial: number[] = [];
  const pads: number[] = [];
  for (let i = 0; i < n; i++) {
    const span = (k[i]! - 1) * d[i]! + 1;
    if (padding === "valid" && span > spatialIn[i]!) {
      throw new ShapeError(
        `${op}: kernel ${fmtShape(w.shape)} (dilated size ${span} on spatial axis ${i}) ` +
          `is larger than ` +
          `inputs ${fmtShape(x.shape)} with padding "valid"`,
      );
    }
    const [o, before] = windowAxis(spatialIn[i]!, span, s[i]!, padding);
    outSpatial.push(o);
    pads.push(before);
  }
  const outShape = [x.shape[0]!, ...outSpatial, O];
  const params: ConvParams = {
    batch: x.shape[0]!,
    inChannels: C,
    outChannels: O,
    groups,
    inShape: to3(spatialIn, 1),
    outShape: to3(outSpatial, 1),
    kernelShape: to3(k, 1),
    strides: to3(s, 1),
    dilations: to3(d, 1),
    padBefore: to3(pads, 0),
  };
  return { params, outShape };
}

/**
 * keras.ops.conv: N-D convolution (1-D, 2-D or 3-D, from the rank of `inputs`), channels-last.
 * `kernel` is (spatial…, inChannels / groups, outChannels);
 * groups = inputs channels / kernel.shape[-2].
 */
export function conv(inputs: TensorLike, kernel: TensorLike, options: ConvOptions = {}): Tensor {
  const [x, w] = floatOperands(inputs, kernel);
  const { params, outShape } = planConv("conv", x, w, options);
  return convPrim(x, w, params, outShape);
}

/**
 * keras.ops.depthwise_conv: each input channel convolved with its own `multiplier` filters; kernel
 * (spatial…, inChannels, multiplier), output channel c·multiplier + m.
 */
export function depthwiseConv(
  inputs: TensorLike,
  kernel: TensorLike,
  options: ConvOptions = {},
): Tensor {
  const op = "depthwiseConv";
  const [x, w] = floatOperands(inputs, kernel);
  spatialRank(x, op);
  const C = x.shape[x.rank - 1]!;
  if (w.rank !== x.rank || w.shape[w.rank - 2] !== C) {
    throw new ShapeError(
      `${op}: kernel must have shape (spatial…, ${C}, multiplier) ` +
        `for inputs of shape ${fmtShape(x.shape)}; ` +
        `received kernel shape ${fmtShape(w.shape)}`,
    );
  }
  // (spatial…, C, M) → (spatial…, 1, C·M): a grouped convolution with one input channel per group.
  const grouped = reshape(w, [...w.shape.slice(0, -2), 1, C * w.shape[w.rank - 1]!]);
  const { params, outShape } = planConv(op, x, grouped, options);
  return convPrim(x, grouped, params, outShape);
}

/** keras.ops.separable_conv: depthwiseConv, then a 1×1 conv with pointwiseKernel (1…, C·M, O). */
export function separableConv(
  inputs: TensorLike,
  depthwiseKernel: TensorLike,
  pointwiseKernel: TensorLike,
  options: ConvOptions = {},
): Tensor {
  const op = "separableConv";
  const depthwise = depthwiseConv(inputs, depthwiseKernel, options);
  const pw = asTensor(pointwiseKernel);
  const mid = depthwise.shape[depthwise.rank - 1]!;
  const n = depthwise.rank - 2;
  if (
    pw.rank !== depthwise.rank ||
    pw.shape.slice(0, n).some((v) => v !== 1) ||
    pw.shape[n] !== mid
  ) {
    throw new ShapeError(
      `${op}: pointwiseKernel must have shape (${new Array(n).fill(1).join(", ")}, ${mid}, ` +
        `outChannels) after a depthwise kernel ${fmtShape(asTensor(depthwiseKernel).shape)}; ` +
        `received ${fmtShape(pw.shape)}`,
    );
  }
  return conv(depthwise, pw);
}

/**
 * keras.ops.conv_transpose: the gradient of a convolution with respect to its input, used as a
 * layer. kernel (spatial…, outChannels, inChannels). Output length per axis (Keras
 * `deconv_output_length`, dilated kernel span k′): without outputPadding,
 *   valid → in·s + max(k′ − s, 0), same → in·s;
 * with it, (in − 1)·s + k′ − 2·pad + outputPadding, pad = ⌊k′/2⌋ for same, 0 for valid.
 */
export function convTranspose(
  inputs: TensorLike,
  kernel: TensorLike,
  options: ConvTransposeOptions = {},
): Tensor {
  const op = "convTranspose";
  const { strides = 1, padding = "valid", outputPadding = null, dilationRate = 1 } = options;
  const [x, w] = floatOperands(inputs, kernel);
  const n = spatialRank(x, op);
  const inC = x.shape[x.rank - 1]!;
  if (
    w.rank !== x.rank ||
    w.shape[w.rank - 1] !== inC ||
    w.shape.slice(0, n).some((v) => v === 0)
  ) {
    throw new ShapeError(
      `${op}: kernel must have shape (spatial…, outChannels, ${inC}) ` +
        `for inputs of shape ${fmtShape(x.shape)}; ` +
        `received kernel shape ${fmtShape(w.shape)}`,
    );
  }
  checkPadding(padding, ["valid", "same"], op);
  const s = spatialTuple(strides, n, op, "strides");
  const d = spatialTuple(dilationRate, n, op, "dilationRate");
  const op0 =
    outputPadding === null ? null : spatialTuple(outputPadding, n, op, "outputPadding", 0);
  const outC = w.shape[w.rank - 2]!;
  const spatialIn = x.shape.slice(1, 1 + n);
  const outSpatial: number[] = [];
  const pads: number[] = [];
  for (let i = 0; i < n; i++) {
    const span = (w.shape[i]! - 1) * d[i]! + 1;
    const len = spatialIn[i]!;
    const extra = op0?.[i];
    let out: number;
    if (extra === undefined)
      out = padding === "valid" ? len * s[i]! + Math.max(span - s[i]!, 0) : len * s[i]!;
    else
      out = (len - 1) * s[i]! + span - 2 * (padding === "same" ? Math.floor(span / 2) : 0) + extra;
    // Keras (its JAX backend, explicit about it) pads the transposed correlation by
    // L = min(⌈padLen/2⌉, span − 1) on the left: span − 1 − L before, in forward-conv terms.
    // Wherever TF defines the result, this is TF's SAME split.
    let before = 0;
    if (padding === "same") {
      const padLen = extra === undefined ? s[i]! + span - 2 : span + (span % 2) - 2 + extra;
      before = span - 1 - Math.min(Math.floor(padLen / 2) + (padLen % 2), span - 1);
    }
    if (out < 0) {
      throw new ShapeError(
        `${op}: inputs ${fmtShape(x.shape)} and kernel ${fmtShape(w.shape)} ` +
          `give a negative output size`,
      );
    }
    outSpatial.push(out);
    pads.push(before);
  }
  // The forward convolution maps y (outC channels, outSpatial) to x (inC channels, spatialIn).
  const params: ConvParams = {
    batch: x.shape[0]!,
    inChannels: outC,
    outChannels: inC,
    groups: 1,
    inShape: to3(outSpatial, 1),
    outShape: to3(spatialIn, 1),
    kernelShape: to3(w.shape.slice(0, n), 1),
    strides: to3(s, 1),
    dilations: to3(d, 1),
    padBefore: to3(pads, 0),
  };
  return convInputPrim(x, w, params, [x.shape[0]!, ...outSpatial, outC]);
}
