import type { ConvParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";
import { matmul } from "./matmul.js";

/*
 * Convolution as matrix products. Every output pixel ("row": batch × output spatial position) reads
 * a patch of K = kd·kh·kw·Cg input values per group; laid side by side those patches form the
 * im2col matrix col [rows, K], and then, per group g,
 *   forward      y_g  = col · w_g              (w_g: the group's [K, Og] slice of w [K, O])
 *   input grad   dcol = dy_g · w_gᵀ, then scattered back (col2im) into dx
 *   filter grad  dw_g = colᵀ · dy_g
 * Rows are processed in blocks so col stays small (about COL_BLOCK values) whatever the image size.
 * Grouped convolutions with small groups (depthwise above all) would turn into many skinny matrix
 * products, so they run as a direct loop instead; a 1×1 stride-1 convolution needs no im2col.
 */

const COL_BLOCK = 1 << 18;
/** Groups whose Cg·Og is below this run as direct loops (a matmul per group is too skinny). */
const DIRECT_LIMIT = 256;

interface Geometry {
  p: ConvParams;
  rows: number;
  C: number;
  O: number;
  G: number;
  Cg: number;
  Og: number;
  taps: number;
  K: number;
}

function geometry(p: ConvParams): Geometry {
  const [oD, oH, oW] = p.outShape;
  const [kD, kH, kW] = p.kernelShape;
  const Cg = p.inChannels / p.groups;
  const taps = kD * kH * kW;
  return {
    p,
    rows: p.batch * oD * oH * oW,
    C: p.inChannels,
    O: p.outChannels,
    G: p.groups,
    Cg,
    Og: p.outChannels / p.groups,
    taps,
    K: taps * Cg,
  };
}

function alloc(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** A 1×1×1 kernel, stride 1, no padding: the convolution is one [rows, C] · [C, O] product. */
function isPointwise(g: Geometry): boolean {
  const { p } = g;
  return (
    g.G === 1 &&
    g.taps === 1 &&
    p.strides.every((s) => s === 1) &&
    p.padBefore.every((q) => q === 0) &&
    p.inShape.every((d, i) => d === p.outShape[i])
  );
}

function useDirect(g: Geometry): boolean {
  return g.G > 1 && g.Cg * g.Og < DIRECT_LIMIT;
}

/**
 * Walks output rows in order and lists, for each, the kernel taps that land inside the input:
 * `tap[t]` is the tap's index in the kernel's (kd, kh, kw) order and `src[t]` the flat offset of
 * the input pixel it reads (pixel index × C). Padding is whatever falls outside: never read.
 */
class TapWalker {
  readonly tap: Int32Array;
  readonly src: Int32Array;
  private n = 0;
  private od = 0;
  private oh = 0;
  private ow = 0;

  constructor(
    private readonly p: ConvParams,
    row: number,
  ) {
    const [oD, oH, oW] = p.outShape;
    const [kD, kH, kW] = p.kernelShape;
    this.tap = new Int32Array(kD * kH * kW);
    this.src = new Int32Array(kD * kH * kW);
    this.ow = row % oW;
    row = (row - this.ow) / oW;
    this.oh = row % oH;
    row = (row - this.oh) / oH;
    this.od = row % oD;
    this.n = (row - this.od) / oD;
  }

  /** Fills tap/src for the current row, moves to the next row, and returns the number of taps. */
  next(): number {
    const { p } = this;
    const [D, H, W] = p.inShape;
    const [oD, oH, oW] = p.outShape;
    const [kD, kH, kW] = p.kernelShape;
    const [sD, sH, sW] = p.strides;
    const [dD, dH, dW] = p.dilations;
    const C = p.inChannels;
    const d0 = this.od * sD - p.padBefore[0];
    const h0 = this.oh * sH - p.padBefore[1];
    const w0 = this.ow * sW - p.padBefore[2];
    let count = 0;
    for (let a = 0; a < kD; a++) {
      const id = d0 + a * dD;
      if (id < 0 || id >= D) continue;
      for (let b = 0; b < kH; b++) {
        const ih = h0 + b * dH;
        if (ih < 0 || ih >= H) continue;
        const pixelRow = ((this.n * D + id) * H + ih) * W;
        for (let c = 0; c < kW; c++) {
          const iw = w0 + c * dW;
          if (iw < 0 || iw >= W) continue;
          this.tap[count] = (a * kH + b) * kW + c;
          this.src[count++] = (pixelRow + iw) * C;
        }
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

/** col[r - r0, tap·Cg + c] = x[pixel(r, tap), group·Cg + c], zero where the tap hits padding. */
function im2col(
  x: FloatArray,
  col: FloatArray,
  g: Geometry,
  group: number,
  r0: number,
  r1: number,
): void {
  const { Cg, K } = g;
  const cOff = group * Cg;
  col.fill(0, 0, (r1 - r0) * K);
  const walk = new TapWalker(g.p, r0);
  for (let r = r0, base = 0; r < r1; r++, base += K) {
    const count = walk.next();
    for (let t = 0; t < count; t++) {
      const from = walk.src[t]! + cOff;
      const to = base + walk.tap[t]! * Cg;
      for (let c = 0; c < Cg; c++) col[to + c] = x[from + c]!;
    }
  }
}

/** The adjoint of im2col: every patch value is added back to the input pixel it came from. */
function col2im(
  dcol: FloatArray,
  dx: FloatArray,
  g: Geometry,
  group: number,
  r0: number,
  r1: number,
): void {
  const { Cg, K } = g;
  const cOff = group * Cg;
  const walk = new TapWalker(g.p, r0);
  for (let r = r0, base = 0; r < r1; r++, base += K) {
    const count = walk.next();
    for (let t = 0; t < count; t++) {
      const to = walk.src[t]! + cOff;
      const from = base + walk.tap[t]! * Cg;
      for (let c = 0; c < Cg; c++) dx[to + c]! += dcol[from + c]!;
    }
  }
}

/** w [K, O] → contiguous per-group slices [G, K, Og] (the operand each group's matmul needs). */
function splitGroups(w: FloatArray, g: Geometry): FloatArray {
  const { G, K, O, Og } = g;
  const out = alloc(w, G * K * Og);
  for (let grp = 0; grp < G; grp++) {
    for (let k = 0; k < K; k++) {
      const from = k * O + grp * Og;
      out.set(w.subarray(from, from + Og), (grp * K + k) * Og);
    }
  }
  return out;
}

/** Copies the group's Og columns of rows [r0, r1) of m [rows, O] into part [r1 - r0, Og]. */
function takeColumns(
  m: FloatArray,
  part: FloatArray,
  g: Geometry,
  group: number,
  r0: number,
  r1: number,
): void {
  const { O, Og } = g;
  for (let r = r0, i = 0; r < r1; r++, i += Og) {
    const from = r * O + group * Og;
    part.set(m.subarray(from, from + Og), i);
  }
}

function putColumns(
  part: FloatArray,
  m: FloatArray,
  g: Geometry,
  group: number,
  r0: number,
  r1: number,
): void {
  const { O, Og } = g;
  for (let r = r0, i = 0; r < r1; r++, i += Og) m.set(part.subarray(i, i + Og), r * O + group * Og);
}

function blockRows(g: Geometry): number {
  return Math.max(1, Math.min(g.rows, Math.floor(COL_BLOCK / Math.max(g.K, 1))));
}

export function conv(x: FloatArray, w: FloatArray, out: FloatArray, p: ConvParams): void {
  const g = geometry(p);
  const { rows, C, O, G, Og, K } = g;
  out.fill(0);
  if (rows === 0 || O === 0) return;
  if (isPointwise(g)) return matmul(x, w, out, rows, C, O, false, false, 1, 0, 0);
  if (useDirect(g)) return directForward(x, w, out, g);
  const block = blockRows(g);
  const col = alloc(x, block * K);
  const wg = G === 1 ? w : splitGroups(w, g);
  const part = alloc(out, G === 1 ? 0 : block * Og);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let grp = 0; grp < G; grp++) {
      im2col(x, col, g, grp, r0, r1);
      const wPart = wg.subarray(grp * K * Og, (grp + 1) * K * Og);
      if (G === 1) {
        matmul(col, wPart, out.subarray(r0 * O, r1 * O), r1 - r0, K, O, false, false, 1, 0, 0);
      } else {
        matmul(col, wPart, part, r1 - r0, K, Og, false, false, 1, 0, 0);
        putColumns(part, out, g, grp, r0, r1);
      }
    }
  }
}

export function convBackpropInput(
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  p: ConvParams,
): void {
  const g = geometry(p);
  const { rows, C, O, G, Og, K } = g;
  dx.fill(0);
  if (rows === 0 || O === 0) return;
  // dx = dy · wᵀ: a [rows, O] · [O, C] product when there is no patch to scatter.
  if (isPointwise(g)) return matmul(dy, w, dx, rows, O, C, false, true, 1, 0, 0);
  if (useDirect(g)) return directBackpropInput(dy, w, dx, g);
  const block = blockRows(g);
  const dcol = alloc(dx, block * K);
  const wg = G === 1 ? w : splitGroups(w, g);
  const part = alloc(dy, G === 1 ? 0 : block * Og);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let grp = 0; grp < G; grp++) {
      let dyPart: FloatArray;
      if (G === 1) dyPart = dy.subarray(r0 * O, r1 * O);
      else {
        takeColumns(dy, part, g, grp, r0, r1);
        dyPart = part;
      }
      // dcol [rows, K] = dy_g [rows, Og] · w_gᵀ, w_g stored [K, Og] (hence transB).
      const wPart = wg.subarray(grp * K * Og, (grp + 1) * K * Og);
      matmul(dyPart, wPart, dcol, r1 - r0, Og, K, false, true, 1, 0, 0);
      col2im(dcol, dx, g, grp, r0, r1);
    }
  }
}

export function convBackpropFilter(
  x: FloatArray,
  dy: FloatArray,
  dw: FloatArray,
  p: ConvParams,
): void {
  const g = geometry(p);
  const { rows, C, O, G, Og, K } = g;
  dw.fill(0);
  if (rows === 0 || O === 0) return;
  // dw = xᵀ · dy: x stored [rows, C] is read transposed.
  if (isPointwise(g)) return matmul(x, dy, dw, C, rows, O, true, false, 1, 0, 0);
  if (useDirect(g)) return directBackpropFilter(x, dy, dw, g);
  const block = blockRows(g);
  const col = alloc(x, block * K);
  const part = alloc(dy, G === 1 ? 0 : block * Og);
  const acc = alloc(dw, K * Og);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let grp = 0; grp < G; grp++) {
      im2col(x, col, g, grp, r0, r1);
      let dyPart: FloatArray;
      if (G === 1) dyPart = dy.subarray(r0 * O, r1 * O);
      else {
        takeColumns(dy, part, g, grp, r0, r1);
        dyPart = part;
      }
      // dw_g [K, Og] += colᵀ · dy_g; col stored [rows, K] (hence transA).
      matmul(col, dyPart, acc, K, r1 - r0, Og, true, false, 1, 0, 0);
      for (let k = 0; k < K; k++) {
        const to = k * O + grp * Og;
        const from = k * Og;
        for (let o = 0; o < Og; o++) dw[to + o]! += acc[from + o]!;
      }
    }
  }
}

// ---------------------------------------------------------------- direct loops for small groups
// w is [taps, Cg, O]: tap t, in-channel ci of group grp, out-channel o of the group sits at
// (t·Cg + ci)·O + grp·Og + o.

function directForward(x: FloatArray, w: FloatArray, out: FloatArray, g: Geometry): void {
  const { rows, O, G, Cg, Og } = g;
  const walk = new TapWalker(g.p, 0);
  for (let r = 0; r < rows; r++) {
    const count = walk.next();
    for (let t = 0; t < count; t++) {
      const src = walk.src[t]!;
      const wt = walk.tap[t]! * Cg * O;
      for (let grp = 0; grp < G; grp++) {
        const xo = src + grp * Cg;
        const oo = r * O + grp * Og;
        for (let ci = 0; ci < Cg; ci++) {
          const xv = x[xo + ci]!;
          const wr = wt + ci * O + grp * Og;
          for (let o = 0; o < Og; o++) out[oo + o]! += xv * w[wr + o]!;
        }
      }
    }
  }
}

function directBackpropInput(dy: FloatArray, w: FloatArray, dx: FloatArray, g: Geometry): void {
  const { rows, O, G, Cg, Og } = g;
  const walk = new TapWalker(g.p, 0);
  for (let r = 0; r < rows; r++) {
    const count = walk.next();
    for (let t = 0; t < count; t++) {
      const src = walk.src[t]!;
      const wt = walk.tap[t]! * Cg * O;
      for (let grp = 0; grp < G; grp++) {
        const xo = src + grp * Cg;
        const oo = r * O + grp * Og;
        for (let ci = 0; ci < Cg; ci++) {
          const wr = wt + ci * O + grp * Og;
          let acc = 0;
          for (let o = 0; o < Og; o++) acc += dy[oo + o]! * w[wr + o]!;
          dx[xo + ci]! += acc;
        }
      }
    }
  }
}

function directBackpropFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, g: Geometry): void {
  const { rows, O, G, Cg, Og } = g;
  const walk = new TapWalker(g.p, 0);
  for (let r = 0; r < rows; r++) {
    const count = walk.next();
    for (let t = 0; t < count; t++) {
      const src = walk.src[t]!;
      const wt = walk.tap[t]! * Cg * O;
      for (let grp = 0; grp < G; grp++) {
        const xo = src + grp * Cg;
        const oo = r * O + grp * Og;
        for (let ci = 0; ci < Cg; ci++) {
          const xv = x[xo + ci]!;
          const wr = wt + ci * O + grp * Og;
          for (let o = 0; o < Og; o++) dw[wr + o]! += xv * dy[oo + o]!;
        }
      }
    }
  }
}
