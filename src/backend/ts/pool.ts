import type { PoolParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";

/*
 * Pooling over NDHWC tensors. Each output pixel's window is clipped to the input, so padded cells
 * are simply never visited: they cannot win a max and do not count in a mean (TensorFlow's SAME).
 * Channels are the innermost loop, so every visited input pixel is one contiguous run of C values.
 */

/**
 * Walks the output pixels in order; `next()` stores in `cells` the flat offsets (pixel index × C)
 * of the input pixels the next window covers and returns how many there are.
 */
class WindowWalker {
  readonly cells: Int32Array;
  private n = 0;
  private od = 0;
  private oh = 0;
  private ow = 0;

  constructor(private readonly p: PoolParams) {
    const [kD, kH, kW] = p.window;
    this.cells = new Int32Array(kD * kH * kW);
  }

  next(): number {
    const { p, cells } = this;
    const [D, H, W] = p.inShape;
    const [oD, oH, oW] = p.outShape;
    const [kD, kH, kW] = p.window;
    const d0 = this.od * p.strides[0] - p.padBefore[0];
    const h0 = this.oh * p.strides[1] - p.padBefore[1];
    const w0 = this.ow * p.strides[2] - p.padBefore[2];
    const dHi = Math.min(d0 + kD, D);
    const hHi = Math.min(h0 + kH, H);
    const wHi = Math.min(w0 + kW, W);
    const C = p.channels;
    let count = 0;
    for (let id = Math.max(d0, 0); id < dHi; id++) {
      for (let ih = Math.max(h0, 0); ih < hHi; ih++) {
        const row = ((this.n * D + id) * H + ih) * W;
        for (let iw = Math.max(w0, 0); iw < wHi; iw++) cells[count++] = (row + iw) * C;
      }
    }
    if (++this.ow === oW) {
      this.ow = 0;
      if (++this.oh === oH) {
        this.oh = 0;
        if (++this.od === oD) {
          this.od = 0;
          this.n++;
        }
      }
    }
    return count;
  }
}

function outPixels(p: PoolParams): number {
  return p.batch * p.outShape[0] * p.outShape[1] * p.outShape[2];
}

/**
 * The first largest value of each window wins (NaN wins over numbers, as in a NumPy max), and its
 * flat input index goes to `argmax` when one is given. A window with no input cell (impossible
 * with the ops' padding) yields -Infinity and index -1.
 */
export function maxPool(
  x: FloatArray,
  out: FloatArray,
  argmax: Int32Array | null,
  p: PoolParams,
): void {
  const C = p.channels;
  const walk = new WindowWalker(p);
  const { cells } = walk;
  for (let o = 0, total = outPixels(p); o < total; o++) {
    const count = walk.next();
    const ob = o * C;
    if (count === 0) {
      out.fill(-Infinity, ob, ob + C);
      argmax?.fill(-1, ob, ob + C);
      continue;
    }
    const first = cells[0]!;
    for (let c = 0; c < C; c++) out[ob + c] = x[first + c]!;
    if (argmax) for (let c = 0; c < C; c++) argmax[ob + c] = first + c;
    for (let k = 1; k < count; k++) {
      const src = cells[k]!;
      for (let c = 0; c < C; c++) {
        const v = x[src + c]!;
        const best = out[ob + c]!;
        if (v > best || (v !== v && best === best)) {
          out[ob + c] = v;
          if (argmax) argmax[ob + c] = src + c;
        }
      }
    }
  }
}

/**
 * The adjoint of maxPool: each output gradient goes to its window's winner. Only cells of the
 * window are candidates, so an argmax that names no cell of its window contributes nothing.
 */
export function maxPoolBackprop(
  dy: FloatArray,
  argmax: Int32Array,
  dx: FloatArray,
  p: PoolParams,
): void {
  const C = p.channels;
  dx.fill(0);
  const walk = new WindowWalker(p);
  const { cells } = walk;
  for (let o = 0, total = outPixels(p); o < total; o++) {
    const count = walk.next();
    const ob = o * C;
    for (let k = 0; k < count; k++) {
      const cell = cells[k]!;
      for (let c = 0; c < C; c++) {
        if (argmax[ob + c] === cell + c) dx[cell + c]! += dy[ob + c]!;
      }
    }
  }
}

/** Mean over the window's cells inside the input (padding excluded from the count). */
export function avgPool(x: FloatArray, out: FloatArray, p: PoolParams): void {
  const C = p.channels;
  const acc = new Float64Array(C);
  const walk = new WindowWalker(p);
  const { cells } = walk;
  for (let o = 0, total = outPixels(p); o < total; o++) {
    const count = walk.next();
    acc.fill(0);
    for (let k = 0; k < count; k++) {
      const src = cells[k]!;
      for (let c = 0; c < C; c++) acc[c]! += x[src + c]!;
    }
    const ob = o * C;
    const inv = count > 0 ? 1 / count : NaN;
    for (let c = 0; c < C; c++) out[ob + c] = acc[c]! * inv;
  }
}

/** The adjoint of avgPool: each output gradient is spread evenly over the cells it averaged. */
export function avgPoolBackprop(dy: FloatArray, dx: FloatArray, p: PoolParams): void {
  const C = p.channels;
  dx.fill(0);
  const walk = new WindowWalker(p);
  const { cells } = walk;
  for (let o = 0, total = outPixels(p); o < total; o++) {
    const count = walk.next();
    const ob = o * C;
    const inv = 1 / count;
    for (let k = 0; k < count; k++) {
      const dst = cells[k]!;
      for (let c = 0; c < C; c++) dx[dst + c]! += dy[ob + c]! * inv;
    }
  }
}
