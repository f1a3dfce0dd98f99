import type { ConvParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";

/*
 * A convolution is a sum of products x[xi] · w[wi] into y[yi]. eachProduct lists every such
 * triple once; the forward pass and both gradients are the three ways of accumulating them
 * (the gradients are the adjoint of the forward pass in each argument), in float64.
 */

/**
 * Calls visit(xi, wi, yi) for every product of the convolution: x [batch, D, H, W, C] (NDHWC),
 * w [kd, kh, kw, C / groups, O], y [batch, oD, oH, oW, O]. Output channel o belongs to group
 * g = ⌊o / (O / groups)⌋ and reads input channels g·Cg … g·Cg + Cg − 1. Taps on padding are skipped.
 */
function eachProduct(p: ConvParams, visit: (xi: number, wi: number, yi: number) => void): void {
  const [D, H, W] = p.inShape;
  const [oD, oH, oW] = p.outShape;
  const [kD, kH, kW] = p.kernelShape;
  const C = p.inChannels;
  const O = p.outChannels;
  const Cg = C / p.groups;
  const Og = O / p.groups;
  // Input position of output position `out` and kernel tap `tap` along spatial axis `axis`.
  const at = (axis: number, out: number, tap: number): number =>
    out * p.strides[axis]! - p.padBefore[axis]! + tap * p.dilations[axis]!;
  for (let n = 0; n < p.batch; n++) {
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          const yPixel = ((n * oD + od) * oH + oh) * oW + ow;
          for (let a = 0; a < kD; a++) {
            for (let b = 0; b < kH; b++) {
              for (let c = 0; c < kW; c++) {
                const id = at(0, od, a);
                const ih = at(1, oh, b);
                const iw = at(2, ow, c);
                if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const xPixel = ((n * D + id) * H + ih) * W + iw;
                const tap = (a * kH + b) * kW + c;
                for (let o = 0; o < O; o++) {
                  const g = Math.floor(o / Og);
                  for (let ci = 0; ci < Cg; ci++) {
                    visit(xPixel * C + g * Cg + ci, (tap * Cg + ci) * O + o, yPixel * O + o);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/** y[yi] = Σ x[xi] · w[wi] */
export function conv(x: FloatArray, w: FloatArray, out: FloatArray, p: ConvParams): void {
  const acc = new Float64Array(out.length);
  eachProduct(p, (xi, wi, yi) => (acc[yi]! += x[xi]! * w[wi]!));
  out.set(acc);
}

/** dx[xi] = Σ dy[yi] · w[wi]: also the forward pass of a transposed convolution. */
export function convBackpropInput(
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  p: ConvParams,
): void {
  const acc = new Float64Array(dx.length);
  eachProduct(p, (xi, wi, yi) => (acc[xi]! += dy[yi]! * w[wi]!));
  dx.set(acc);
}

/** dw[wi] = Σ x[xi] · dy[yi] */
export function convBackpropFilter(
  x: FloatArray,
  dy: FloatArray,
  dw: FloatArray,
  p: ConvParams,
): void {
  const acc = new Float64Array(dw.length);
  eachProduct(p, (xi, wi, yi) => (acc[wi]! += x[xi]! * dy[yi]!));
  dw.set(acc);
}
