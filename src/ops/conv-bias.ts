import { needsGrad, record } from "../autodiff/tape.js";
import { ShapeError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Activation, activation as getActivation } from "./activations.js";
import {
  type ConvOptions,
  conv,
  convFilterPrim,
  convInputPrim,
  floatOperands,
  planConv,
} from "./conv.js";
import { reluGrad } from "./bias-relu.js";
import { type TensorLike, kernels, unfilled } from "./core.js";
import { add, cast, relu as reluOp } from "./elementwise.js";
import { sum } from "./reduce.js";

/*
 * A convolution layer's whole forward pass, activation(conv(x, w) + bias). Its definition is that
 * composite; for relu or none, a backend with the optional convBias kernel applies the bias and
 * activation on the output while it is in cache, with the composite's values (the same float
 * roundings in the same order), saving two passes over the output and two intermediate tensors.
 */

const RELU = getActivation("relu");
const LINEAR = getActivation("linear");

/** activation(conv(inputs, kernel) + bias): a convolution layer's output, fused where it can be. */
export function convBiasActivation(
  inputs: TensorLike,
  kernel: TensorLike,
  bias: TensorLike | null,
  activation: Activation,
  options: ConvOptions,
): Tensor {
  const relu = activation === RELU;
  if (relu || (bias !== null && activation === LINEAR)) {
    return convBias(inputs, kernel, bias, { ...options, relu });
  }
  const y = conv(inputs, kernel, options);
  return activation(bias === null ? y : add(y, bias));
}

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
    b = cast(bias, x.dtype);
    if (b.rank !== 1 || b.size !== O) {
      throw new ShapeError(
        `convBias: bias must have shape (${O}) for kernel ${fmtShape(w.shape)}; ` +
          `received bias shape ${fmtShape(b.shape)}`,
      );
    }
  }
  const k = kernels();
  if (!k.convBias) {
    const z = conv(x, w, convOptions);
    const zb = b === null ? z : add(z, b);
    return relu ? reluOp(zb) : zb;
  }
  const y = unfilled(outShape, x.dtype);
  k.convBias(x.storage, w.storage, b?.storage ?? null, y.storage, params, relu);
  const rowAxes = outShape.slice(0, -1).map((_, i) => i);
  return record(y, b ? [x, w, b] : [x, w], (dy) => {
    const wantBias = b !== null && needsGrad(b);
    let dz = dy;
    let db: Tensor | null = null;
    if (relu) [dz, db] = reluGrad(dy, y, wantBias);
    else if (wantBias) db = sum(dy, rowAxes);
    return [
      needsGrad(x) ? convInputPrim(dz, w, params, x.shape) : null,
      needsGrad(w) ? convFilterPrim(x, dz, params, w.shape) : null,
      db,
    ];
  });
}
