/**
 * keras.ops.nn's adaptive pooling (Keras's and PyTorch's bins: output i of n over a length-L axis
 * covers [⌊iL/n⌋, ⌈(i+1)L/n⌉), per spatial axis, which is exact since the windows are boxes) and
 * unfold / fold (im2col / col2im on (N, C, H, W) images, as torch's), composed of slices,
 * reductions, gathers and a placement product, so they differentiate.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { imageDataFormat } from "../tensor/config.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import { oneHot, take } from "./gather.js";
import { concatenate, pad, slice } from "./join.js";
import { matmul } from "./linalg.js";
import { reshape } from "./movement.js";
import { max, mean } from "./reduce.js";
import { floatInput } from "./host-map.js";

type DataFormat = "channels_last" | "channels_first" | null;

function adaptivePool(
  inputs: TensorLike,
  outputSize: number | readonly number[],
  dataFormat: DataFormat,
  mode: "average" | "max",
  op: string,
): Tensor {
  const x = floatInput(inputs);
  const spatial = x.rank - 2;
  if (spatial < 1 || spatial > 3) {
    throw new ShapeError(
      `${op}: inputs must be 3-D, 4-D or 5-D (batch, spatial…, channels); received ${fmtShape(x.shape)}`,
    );
  }
  // Keras's None: the global image data format.
  const format = dataFormat ?? imageDataFormat();
  if (format !== "channels_last" && format !== "channels_first") {
    throw new ValueError(
      `${op}: dataFormat must be "channels_last" or "channels_first"; received ${String(dataFormat)}`,
    );
  }
  const sizes =
    typeof outputSize === "number" ? new Array<number>(spatial).fill(outputSize) : [...outputSize];
  if (sizes.length !== spatial || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ValueError(
      `${op}: outputSize must be a positive integer or ${spatial} of them; received ${JSON.stringify(outputSize)}`,
    );
  }
  const first = format === "channels_last" ? 1 : 2;
  let out = x;
  sizes.forEach((n, k) => {
    const axis = first + k;
    const len = out.shape[axis]!;
    const parts: Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const start = Math.floor((i * len) / n);
      const end = Math.ceil(((i + 1) * len) / n);
      const begin = out.shape.map((_, a) => (a === axis ? start : 0));
      const size = out.shape.map((d, a) => (a === axis ? end - start : d));
      const win = slice(out, begin, size);
      parts.push(mode === "average" ? mean(win, axis, true) : max(win, axis, true));
    }
    out = concatenate(parts, axis);
  });
  return out;
}

/** Average pooling to a fixed output size, whatever the input size. */
export function adaptiveAveragePool(
  inputs: TensorLike,
  outputSize: number | readonly number[],
  dataFormat: DataFormat = null,
): Tensor {
  return adaptivePool(inputs, outputSize, dataFormat, "average", "adaptiveAveragePool");
}
/** Max pooling to a fixed output size, whatever the input size. */
export function adaptiveMaxPool(
  inputs: TensorLike,
  outputSize: number | readonly number[],
  dataFormat: DataFormat = null,
): Tensor {
  return adaptivePool(inputs, outputSize, dataFormat, "max", "adaptiveMaxPool");
}

type Pair = number | readonly [number, number];
const pair = (v: Pair, name: string, op: string, min: number): [number, number] => {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.some((e) => !Number.isInteger(e) || e < min)) {
    throw new ValueError(
      `${op}: ${name} must be an integer ≥ ${min} or a pair of them; received ${JSON.stringify(v)}`,
    );
  }
  return p;
};

interface Geometry {
  k: [number, number];
  d: [number, number];
  p: [number, number];
  s: [number, number];
  hp: number;
  wp: number;
  oh: number;
  ow: number;
  /** index[(ki·kw + kj)·L + l] = position in the padded H·W plane */
  index: Int32Array;
}
function geometry(
  h: number,
  w: number,
  kernelSize: Pair,
  dilation: Pair,
  padding: Pair,
  stride: Pair,
  op: string,
): Geometry {
  const k = pair(kernelSize, "kernelSize", op, 1);
  const d = pair(dilation, "dilation", op, 1);
  const p = pair(padding, "padding", op, 0);
  const s = pair(stride, "stride", op, 1);
  const hp = h + 2 * p[0];
  const wp = w + 2 * p[1];
  const oh = Math.floor((hp - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((wp - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  if (oh < 1 || ow < 1)
    throw new ShapeError(`${op}: the kernel does not fit in the padded ${hp}×${wp} image`);
  const L = oh * ow;
  const index = new Int32Array(k[0] * k[1] * L);
  for (let ki = 0; ki < k[0]; ki++) {
    for (let kj = 0; kj < k[1]; kj++) {
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          index[(ki * k[1] + kj) * L + y * ow + x] =
            (y * s[0] + ki * d[0]) * wp + x * s[1] + kj * d[1];
        }
      }
    }
  }
  return { k, d, p, s, hp, wp, oh, ow, index };
}

/** Sliding blocks of an (N, C, H, W) image as columns: (N, C·kh·kw, L), torch's unfold. */
export function unfold(
  x: TensorLike,
  kernelSize: Pair,
  dilation: Pair = 1,
  padding: Pair = 0,
  stride: Pair = 1,
): Tensor {
  const t = asTensor(x);
  if (t.rank !== 4)
    throw new ShapeError(`unfold: x must be (N, C, H, W); received ${fmtShape(t.shape)}`);
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const g = geometry(h, w, kernelSize, dilation, padding, stride, "unfold");
  const padded = pad(t, [
    [0, 0],
    [0, 0],
    [g.p[0], g.p[0]],
    [g.p[1], g.p[1]],
  ]);
  const flat = reshape(padded, [n, c, g.hp * g.wp]);
  const kk = g.k[0] * g.k[1];
  const L = g.oh * g.ow;
  return reshape(take(flat, tensor(g.index, [kk * L]), -1), [n, c * kk, L]);
}

/** The inverse of unfold: columns (N, C·kh·kw, L) summed back into an (N, C, H, W) image. */
export function fold(
  x: TensorLike,
  outputSize: Pair,
  kernelSize: Pair,
  dilation: Pair = 1,
  padding: Pair = 0,
  stride: Pair = 1,
): Tensor {
  const t = asTensor(x);
  const [h, w] = pair(outputSize, "outputSize", "fold", 1);
  const g = geometry(h, w, kernelSize, dilation, padding, stride, "fold");
  const kk = g.k[0] * g.k[1];
  const L = g.oh * g.ow;
  if (t.rank !== 3 || t.shape[1]! % kk !== 0 || t.shape[2] !== L) {
    throw new ShapeError(
      `fold: x must be (N, C·${kk}, ${L}) for these sizes; received ${fmtShape(t.shape)}`,
    );
  }
  const [n, ckk] = t.shape as [number, number, number];
  const c = ckk / kk;
  // Placement: each of the kk·L column entries adds into one cell of the padded plane.
  const place = castTo(
    oneHot(tensor(g.index, [kk * L]), g.hp * g.wp, -1, "float32"),
    t.dtype === "float64" ? "float64" : "float32",
  );
  const plane = matmul(reshape(castTo(t, place.dtype), [n, c, kk * L]), place);
  const img = reshape(plane, [n, c, g.hp, g.wp]);
  return slice(img, [0, 0, g.p[0], g.p[1]], [n, c, h, w]);
}
