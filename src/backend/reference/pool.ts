import type { PoolParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";
import { argBest } from "./reduce.js";

/*
 * Pooling over NDHWC arrays. A window holds the input cells it covers inside the input: padded
 * cells are not in it, so they never win a max nor count in a mean.
 */

/**
 * Calls visit(o, cells) for every output element o (flat, NDHWC) with the flat input indices of
 * its window's cells, in (d, h, w) order.
 */
function eachWindow(p: PoolParams, visit: (o: number, cells: number[]) => void): void {
  const [D, H, W] = p.inShape;
  const [oD, oH, oW] = p.outShape;
  const [kD, kH, kW] = p.window;
  const C = p.channels;
  const start = (axis: number, out: number): number => out * p.strides[axis]! - p.padBefore[axis]!;
  for (let n = 0; n < p.batch; n++) {
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          const pixels: number[] = [];
          for (let id = start(0, od); id < start(0, od) + kD; id++) {
            for (let ih = start(1, oh); ih < start(1, oh) + kH; ih++) {
              for (let iw = start(2, ow); iw < start(2, ow) + kW; iw++) {
                const inside = id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W;
                if (inside) pixels.push(((n * D + id) * H + ih) * W + iw);
              }
            }
          }
          const o = ((n * oD + od) * oH + oh) * oW + ow;
          for (let c = 0; c < C; c++) {
            visit(
              o * C + c,
              pixels.map((pixel) => pixel * C + c),
            );
          }
        }
      }
    }
  }
}

/**
 * The window's first largest value wins (a NaN, the first one, wins over numbers, as in NumPy's
 * max); argmax, when given, receives its input index. An empty window gives −∞ and index −1.
 */
export function maxPool(
  x: FloatArray,
  out: FloatArray,
  argmax: Int32Array | null,
  p: PoolParams,
): void {
  eachWindow(p, (o, cells) => {
    const win =
      cells.length > 0
        ? cells[
            argBest(
              cells.map((cell) => x[cell]!),
              true,
            )
          ]!
        : -1;
    out[o] = win < 0 ? -Infinity : x[win]!;
    if (argmax) argmax[o] = win;
  });
}

/** dx[i] = Σ dy[o] over the outputs o whose window holds cell i and names i as its winner. */
export function maxPoolBackprop(
  dy: FloatArray,
  argmax: Int32Array,
  dx: FloatArray,
  p: PoolParams,
): void {
  const acc = new Float64Array(dx.length);
  eachWindow(p, (o, cells) => {
    if (cells.includes(argmax[o]!)) acc[argmax[o]!]! += dy[o]!;
  });
  dx.set(acc);
}

/** The mean of the window's cells (NaN for an empty window). */
export function avgPool(x: FloatArray, out: FloatArray, p: PoolParams): void {
  eachWindow(p, (o, cells) => {
    out[o] = cells.reduce((acc, cell) => acc + x[cell]!, 0) / cells.length;
  });
}

/** dx[i] = Σ dy[o] / |window o| over the windows o that hold cell i. */
export function avgPoolBackprop(dy: FloatArray, dx: FloatArray, p: PoolParams): void {
  const acc = new Float64Array(dx.length);
  eachWindow(p, (o, cells) => {
    for (const cell of cells) acc[cell]! += dy[o]! / cells.length;
  });
  dx.set(acc);
}
