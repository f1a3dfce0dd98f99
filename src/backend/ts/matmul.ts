import type { FloatArray } from "../../tensor/dtype.js";

/*
 * Blocked GEMM in plain TypeScript (the Goto/BLIS scheme, scaled down to what V8 can keep in
 * registers):
 *
 *   for each KC-deep slice of k:                       (cache blocking over k)
 *     for each NC-wide block of columns: pack B → bp    (NR-column panels, contiguous along k)
 *       for each MC-tall block of rows:  pack A → ap    (MR-row panels, contiguous along k)
 *         for each MR×NR tile: micro-kernel             (MR·NR accumulators in local variables)
 *
 * Packing does three jobs at once: it makes the micro-kernel's reads strictly sequential, it turns
 * transA / transB into nothing but a different gather order, and it widens float32 to float64 once
 * per element instead of once per multiply. Accumulation is always in float64, so float64 inputs
 * (used by gradient checks) keep full precision, and a float32 result is rounded once per KC-deep
 * slice of k rather than once per multiply-add.
 *
 * Partial tiles at the right and bottom edges are packed with zeros, so the micro-kernel never
 * branches; only the final store checks the bounds.
 */

/**
 * Micro-tile: 4×4 = 16 float64 accumulators. Wider tiles (4×8, 6×4, 8×4) measured no faster in
 * V8, and 4×4 wastes the least work on the padded edges of odd sizes.
 */
const MR = 4;
const NR = 4;
/** A KC×NR panel of B (8 KiB) stays in L1 while it sweeps the packed rows of A. */
const KC = 256;
/** An MC×KC block of packed A (128 KiB) lives in L2. */
const MC = 64;
/** A KC×NC block of packed B (1 MiB at most) lives in L2/L3. */
const NC = 512;

// Packing buffers are reused across calls: matmul is synchronous, so no two calls overlap.
let aPack = new Float64Array(MC * KC);
let bPack = new Float64Array(KC * NC);

/**
 * Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into MR-row panels: panel r holds, for each
 * p, the MR values op(A)[i0 + r·MR + 0..MR-1, p0 + p]. Rows past m are zero.
 */
function packA(
  a: FloatArray,
  ao: number,
  m: number,
  k: number,
  transA: boolean,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
  dst: Float64Array,
): void {
  // op(A)[i, p] = transA ? a[p·m + i] : a[i·k + p]
  const rowStride = transA ? 1 : k;
  const depthStride = transA ? m : 1;
  let d = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, m - i0 - ir);
    const base = ao + (i0 + ir) * rowStride + p0 * depthStride;
    if (rows === MR) {
      for (let p = 0; p < kc; p++) {
        const s = base + p * depthStride;
        dst[d] = a[s]!;
        dst[d + 1] = a[s + rowStride]!;
        dst[d + 2] = a[s + 2 * rowStride]!;
        dst[d + 3] = a[s + 3 * rowStride]!;
        d += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = base + p * depthStride;
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[s + r * rowStride]! : 0;
        d += MR;
      }
    }
  }
}

/**
 * Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column panels: panel c holds,
 * for each p, the NR values op(B)[p0 + p, j0 + c·NR + 0..NR-1]. Columns past n are zero.
 */
function packB(
  b: FloatArray,
  bo: number,
  k: number,
  n: number,
  transB: boolean,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
  dst: Float64Array,
): void {
  // op(B)[p, j] = transB ? b[j·k + p] : b[p·n + j]
  const colStride = transB ? k : 1;
  const depthStride = transB ? 1 : n;
  let d = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, n - j0 - jr);
    const base = bo + (j0 + jr) * colStride + p0 * depthStride;
    if (cols === NR) {
      for (let p = 0; p < kc; p++) {
        const s = base + p * depthStride;
        dst[d] = b[s]!;
        dst[d + 1] = b[s + colStride]!;
        dst[d + 2] = b[s + 2 * colStride]!;
        dst[d + 3] = b[s + 3 * colStride]!;
        d += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = base + p * depthStride;
        for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? b[s + c * colStride]! : 0;
        d += NR;
      }
    }
  }
}

/**
 * out[oo + (i0..i0+mc) · n + (j0..j0+nc)] (+)= packed A block · packed B block. `accumulate` is
 * false for the first k-slice (the tile is stored, so the output needs no zeroing).
 */
// The 4×4 register tile reads best laid out as a 4×4 grid: Prettier leaves this function alone.
// prettier-ignore
function macroKernel(
  ap: Float64Array, bp: Float64Array, out: FloatArray, oo: number, m: number, n: number,
  i0: number, mc: number, j0: number, nc: number, kc: number, accumulate: boolean,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const bBase = jr * kc;
    const cols = Math.min(NR, n - j0 - jr);
    for (let ir = 0; ir < mc; ir += MR) {
      const aBase = ir * kc;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = aBase, pb = bBase;
      const end = aBase + kc * MR;
      // The hot loop: 8 loads, 16 multiply-adds, no bounds that depend on the tile.
      while (pa < end) {
        const a0 = ap[pa]!, a1 = ap[pa + 1]!, a2 = ap[pa + 2]!, a3 = ap[pa + 3]!;
        const b0 = bp[pb]!, b1 = bp[pb + 1]!, b2 = bp[pb + 2]!, b3 = bp[pb + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        pa += MR;
        pb += NR;
      }
      const rows = Math.min(MR, m - i0 - ir);
      const o = oo + (i0 + ir) * n + j0 + jr;
      if (rows === MR && cols === NR) {
        const o1 = o + n, o2 = o1 + n, o3 = o2 + n;
        if (accumulate) {
          c00 += out[o]!; c01 += out[o + 1]!; c02 += out[o + 2]!; c03 += out[o + 3]!;
          c10 += out[o1]!; c11 += out[o1 + 1]!; c12 += out[o1 + 2]!; c13 += out[o1 + 3]!;
          c20 += out[o2]!; c21 += out[o2 + 1]!; c22 += out[o2 + 2]!; c23 += out[o2 + 3]!;
          c30 += out[o3]!; c31 += out[o3 + 1]!; c32 += out[o3 + 2]!; c33 += out[o3 + 3]!;
        }
        out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
        out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
        out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
        out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
      } else {
        // An edge tile: store only the part inside the output (the rest multiplied padding).
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13,
                      c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const v = tile[r * NR + c]!;
            out[o + r * n + c] = accumulate ? out[o + r * n + c]! + v : v;
          }
        }
      }
    }
  }
}

/**
 * out[b] = op(a[b]) · op(b[b]) for `batch` products of [m,k]·[k,n] (see `Kernels.matmul`): transA
 * reads a as [k,m], transB reads b as [n,k]; a batch stride of 0 broadcasts that operand.
 */
export function matmul(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  batch: number,
  aBatchStride: number,
  bBatchStride: number,
): void {
  if (m === 0 || n === 0 || batch === 0) return;
  if (k === 0) {
    out.fill(0, 0, batch * m * n); // an empty sum
    return;
  }
  if (bBatchStride === 0 && !transA && aBatchStride === m * k) {
    // A shared right operand (x[..., k] · W): the batch is just more rows of one product.
    m *= batch;
    batch = 1;
  }
  if (m < MR || n < NR) {
    // Skinny products (matrix·vector and the like) would waste most of each MR×NR tile on
    // padding, and packing would cost as much as the arithmetic: stream the operands directly.
    for (let t = 0; t < batch; t++) {
      skinny(a, t * aBatchStride, b, t * bBatchStride, out, t * m * n, m, k, n, transA, transB);
    }
    return;
  }
  const kcMax = Math.min(KC, k);
  const ncMax = Math.min(NC, roundUp(n, NR));
  const mcMax = Math.min(MC, roundUp(m, MR));
  if (aPack.length < mcMax * kcMax) aPack = new Float64Array(mcMax * kcMax);
  if (bPack.length < kcMax * ncMax) bPack = new Float64Array(kcMax * ncMax);
  const ap = aPack,
    bp = bPack;
  for (let t = 0; t < batch; t++) {
    const ao = t * aBatchStride,
      bo = t * bBatchStride,
      oo = t * m * n;
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        packB(b, bo, k, n, transB, p0, kc, j0, nc, bp);
        for (let i0 = 0; i0 < m; i0 += MC) {
          const mc = Math.min(MC, m - i0);
          packA(a, ao, m, k, transA, i0, mc, p0, kc, ap);
          macroKernel(ap, bp, out, oo, m, n, i0, mc, j0, nc, kc, p0 > 0);
        }
      }
    }
  }
}

/**
 * One product without packing, in whichever loop order reads memory contiguously. With m or n
 * equal to 1 every case below streams both operands; accumulation is in float64 throughout.
 */
function skinny(
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  out: FloatArray,
  oo: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // op(A)[i, p] = a[ao + i·ai + p·ap];  op(B)[p, j] = b[bo + p·bp + j·bj]
  const ai = transA ? 1 : k,
    ap = transA ? m : 1;
  const bp = transB ? 1 : n,
    bj = transB ? k : 1;
  if (m < MR && !transB) {
    // Row i of the result is Σ_p op(A)[i,p] · (row p of B): axpy over contiguous rows of B.
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const s = a[ao + i * ai + p * ap]!;
        const row = bo + p * bp;
        for (let j = 0; j < n; j++) acc[j] = acc[j]! + s * b[row + j]!;
      }
      for (let j = 0; j < n; j++) out[oo + i * n + j] = acc[j]!;
    }
  } else if (n < NR && transA) {
    // Column j of the result is Σ_p (row p of a, which is column p of op(A)) · op(B)[p,j].
    const acc = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const s = b[bo + p * bp + j * bj]!;
        const row = ao + p * m;
        for (let i = 0; i < m; i++) acc[i] = acc[i]! + s * a[row + i]!;
      }
      for (let i = 0; i < m; i++) out[oo + i * n + j] = acc[i]!;
    }
  } else {
    // Dot products along k (contiguous in A unless transA, contiguous in B when transB or n = 1).
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        let pa = ao + i * ai,
          pb = bo + j * bj;
        for (let p = 0; p < k; p++, pa += ap, pb += bp) acc += a[pa]! * b[pb]!;
        out[oo + i * n + j] = acc;
      }
    }
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
