import { needsGrad, record } from "../autodiff/tape.js";
import { ShapeError, fmtShape } from "../errors.js";
import type { FloatArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type ConvOptions,
  convFilterPrim,
  convInputPrim,
  floatOperands,
  planConv,
} from "./conv.js";
import { type TensorLike, asTensor, castTo, empty, kernels } from "./core.js";
import { greater, where } from "./elementwise.js";
import { sum } from "./reduce.js";

/*
 * A convolution layer's whole forward pass, activation(conv(x, w) + bias), as one kernel call for
 * the activations a backend can apply on the output while it is in cache (relu, or none). The
 * result equals the composite's (the same float roundings in the same order); the saving is two
 * passes over the output and two intermediate tensors.
 */

export interface ConvBiasOptions extends ConvOptions {
  /** Apply relu after the bias (default false: linear). */
  relu?: boolean;
}

/**
 * relu?(conv(inputs, kernel) + bias), channels-last; bias has one value per out channel (null for
 * none). Gradient: dz = dy · [y > 0] under relu (else dy), then dx and dkernel from dz as conv's,
 * dbias = Σ dz over every axis but the last.
 */
export function convBias(
  inputs: TensorLike,
  kernel: TensorLike,
  bias: TensorLike | null,
  options: ConvBiasOptions = {},
): Tensor {
  const { relu = false, ...convOptions } = options;
  const [x, w] = floatOperands(inputs, kernel);
  const { params, outShape } = planConv("convBias", x, w, convOptions);
  const O = params.outChannels;
  let b: Tensor | null = null;
  if (bias !== null) {
    b = castTo(asTensor(bias), x.dtype);
    if (b.rank !== 1 || b.size !== O) {
      throw new ShapeError(
        `convBias: bias must have shape (${O}) for kernel ${fmtShape(w.shape)}; ` +
          `received bias shape ${fmtShape(b.shape)}`,
      );
    }
  }
  const y = empty(outShape, x.dtype);
  kernels().convBias(
    x.data as FloatArray,
    w.data as FloatArray,
    (b?.data ?? null) as FloatArray | null,
    y.data as FloatArray,
    params,
    relu,
  );
  const rowAxes = outShape.slice(0, -1).map((_, i) => i);
  return record(y, b ? [x, w, b] : [x, w], (dy) => {
    // d relu = [y > 0] (y > 0 exactly where the pre-activation is); `where` keeps dy's dtype, so
    // the native kernel takes it.
    const dz = relu ? where(greater(y, 0), dy, 0) : dy;
    return [
      needsGrad(x) ? convInputPrim(dz, w, params, x.shape) : null,
      needsGrad(w) ? convFilterPrim(x, dz, params, w.shape) : null,
      b && needsGrad(b) ? sum(dz, rowAxes) : null,
    ];
  });
}
