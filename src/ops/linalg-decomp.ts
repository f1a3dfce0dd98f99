/**
 * keras.ops.linalg: decompositions, inverses, solves and norms, batched over leading axes. The
 * factorizations run on the host in float64 (linalg-host.ts says why) and return the input's
 * float dtype (float32 for ints); what Keras differentiates has a gradient written in ops (det,
 * slogdet, logdet, inv, solve, solveTriangular, cholesky, choleskyInverse, eigh, matrixPower,
 * norm's vector and Frobenius forms). qr, svd, eig, luFactor, lstsq, pinv and matrixRank return
 * values only.
 */
import { noGrad, record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { eye, tensor } from "../tensor/creation.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  abs,
  add,
  divide,
  equal,
  log,
  multiply,
  negative,
  power,
  sqrt,
  square,
  subtract,
  where,
} from "./elementwise.js";
import { matmul } from "./linalg.js";
import {
  type Mat,
  choleskyLower,
  householderQr,
  luDecompose,
  luSolve,
  matMul,
  realEigen,
  svdJacobi,
  symmetricEigen,
  transposeMat,
  triSolve,
} from "./linalg-host.js";
import { broadcastTo, expandDims, reshape, transpose as transposeT } from "./movement.js";
import { max, min, sum } from "./reduce.js";
import { diagonal, swapaxes, tril, triu } from "./numpy-shape.js";

interface Batch {
  t: Tensor;
  lead: number[];
  m: number;
  n: number;
  count: number;
  values: Float64Array;
}

function floatOf(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? t : castTo(t, "float32");
}

/** x seen as a batch of m×n matrices, its values read as float64. */
function matrices(x: TensorLike, op: string, square = false): Batch {
  const t = floatOf(x);
  if (t.rank < 2) {
    throw new ShapeError(
      `${op}: expected a tensor of rank ≥ 2 (matrices); received shape ${fmtShape(t.shape)}`,
    );
  }
  const [m, n] = t.shape.slice(-2) as [number, number];
  if (square && m !== n) {
    throw new ShapeError(`${op}: expected square matrices; received shape ${fmtShape(t.shape)}`);
  }
  const lead = t.shape.slice(0, -2);
  const count = lead.reduce((p, d) => p * d, 1);
  return { t, lead, m, n, count, values: Float64Array.from(t.dataSync(), Number) };
}

const matrixAt = (b: Batch, i: number): Mat =>
  b.values.subarray(i * b.m * b.n, (i + 1) * b.m * b.n);

/** Host float64 results back in the input's dtype. */
function out(values: ArrayLike<number>, shape: number[], dtype: DType): Tensor {
  return castTo(tensor(Float64Array.from(values), shape), dtype);
}

const mT = (t: Tensor): Tensor => swapaxes(t, -1, -2);

// ---------------------------------------------------------------- inverses and determinants

/** Inverse of each square matrix; a singular one is an error. d inv = −inv·dY·inv (transposed). */
export function inv(x: TensorLike): Tensor {
  const b = matrices(x, "inv", true);
  const n = b.n;
  const res = new Float64Array(b.values.length);
  const id = new Float64Array(n * n);
  for (let i = 0; i < n; i++) id[i * n + i] = 1;
  for (let k = 0; k < b.count; k++) {
    const { lu, piv, singular } = luDecompose(matrixAt(b, k), n, n);
    if (singular)
      throw new ValueError(
        `inv: matrix ${k} of the batch (shape ${fmtShape(b.t.shape)}) is singular`,
      );
    res.set(luSolve(lu, piv, id, n, n), k * n * n);
  }
  const y = out(res, [...b.t.shape], b.t.dtype);
  return record(y, [b.t], (dy) => [negative(matmul(mT(y), matmul(dy, mT(y))))]);
}

/** Determinant of each square matrix (LU). d det = det · inv(A)ᵀ dy. */
export function det(x: TensorLike): Tensor {
  const b = matrices(x, "det", true);
  const vals = new Float64Array(b.count);
  for (let k = 0; k < b.count; k++) {
    const { lu, sign } = luDecompose(matrixAt(b, k), b.n, b.n);
    let d = sign;
    for (let i = 0; i < b.n; i++) d *= lu[i * b.n + i]!;
    vals[k] = d;
  }
  const y = out(vals, b.lead, b.t.dtype);
  return record(y, [b.t], (dy) => [multiply(expandDims(multiply(dy, y), [-1, -2]), mT(inv(b.t)))]);
}

/**
 * Sign and log |det| of each square matrix, `[sign, logabsdet]` (a singular matrix: 0, −Inf).
 * d logabsdet = inv(A)ᵀ dy.
 */
export function slogdet(x: TensorLike): [Tensor, Tensor] {
  const b = matrices(x, "slogdet", true);
  const signs = new Float64Array(b.count);
  const logs = new Float64Array(b.count);
  for (let k = 0; k < b.count; k++) {
    const { lu, sign } = luDecompose(matrixAt(b, k), b.n, b.n);
    let s = sign;
    let l = 0;
    for (let i = 0; i < b.n; i++) {
      const d = lu[i * b.n + i]!;
      s *= Math.sign(d);
      l += Math.log(Math.abs(d));
    }
    signs[k] = s;
    logs[k] = s === 0 ? -Infinity : l;
  }
  const sign = out(signs, b.lead, b.t.dtype);
  const logabs = out(logs, b.lead, b.t.dtype);
  record(logabs, [b.t], (dy) => [multiply(expandDims(dy, [-1, -2]), mT(inv(b.t)))]);
  return [sign, logabs];
}

/** log det of Hermitian positive-definite matrices: 2 Σ log diag(cholesky(x)). */
export function logdet(x: TensorLike): Tensor {
  return multiply(sum(log(diagonal(cholesky(x), 0, -2, -1)), -1), 2);
}

// ---------------------------------------------------------------- solves

/** Broadcasts the batch axes of a (…, n, n) and b (…, n, k). */
function broadcastBatch(a: Tensor, b: Tensor, op: string): [Tensor, Tensor] {
  const lead = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  return [
    broadcastTo(a, [...lead, ...a.shape.slice(-2)]),
    broadcastTo(b, [...lead, ...b.shape.slice(-2)]),
  ];
}

/** Runs a per-matrix host solve over a batch of (a, b) pairs. */
function solveBatch(
  a: Tensor,
  b: Tensor,
  op: string,
  solveOne: (am: Mat, bm: Mat, n: number, k: number, index: number) => Mat,
): Tensor {
  const n = a.shape[a.rank - 1]!;
  const k = b.shape[b.rank - 1]!;
  const av = Float64Array.from(a.dataSync(), Number);
  const bv = Float64Array.from(b.dataSync(), Number);
  const count = a.size / (n * n || 1);
  const res = new Float64Array(bv.length);
  for (let i = 0; i < count; i++) {
    res.set(
      solveOne(
        av.subarray(i * n * n, (i + 1) * n * n),
        bv.subarray(i * n * k, (i + 1) * n * k),
        n,
        k,
        i,
      ),
      i * n * k,
    );
  }
  void op;
  return out(res, [...b.shape], b.dtype);
}

/** a and b in one float dtype, b as a matrix (a vector b, of rank a.rank − 1, gets a column axis). */
function solveOperands(
  a0: TensorLike,
  b0: TensorLike,
  op: string,
): { a: Tensor; b: Tensor; vector: boolean } {
  let a = floatOf(a0);
  let b = floatOf(b0);
  const dt: DType = a.dtype === "float64" || b.dtype === "float64" ? "float64" : "float32";
  a = castTo(a, dt);
  b = castTo(b, dt);
  if (a.rank < 2 || a.shape[a.rank - 1] !== a.shape[a.rank - 2]) {
    throw new ShapeError(`${op}: a must be square matrices; received shape ${fmtShape(a.shape)}`);
  }
  const vector = b.rank === a.rank - 1 || b.rank === 1;
  if (vector) b = expandDims(b, -1);
  if (b.rank < 2 || b.shape[b.rank - 2] !== a.shape[a.rank - 1]) {
    throw new ShapeError(
      `${op}: b's rows must match a: a is ${fmtShape(a.shape)}, b is ${fmtShape(asTensor(b0).shape)}`,
    );
  }
  [a, b] = broadcastBatch(a, b, op);
  return { a, b, vector };
}

/** Solves a x = b (b a vector when its rank is a's − 1). db = solve(aᵀ, dx), da = −db xᵀ. */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const { a: A, b: B, vector } = solveOperands(a, b, "solve");
  const x = solveBatch(A, B, "solve", (am, bm, n, k, i) => {
    const { lu, piv, singular } = luDecompose(am, n, n);
    if (singular) throw new ValueError(`solve: matrix ${i} of a is singular`);
    return luSolve(lu, piv, bm, n, k);
  });
  const y = record(x, [A, B], (dy) => {
    const db = solve(mT(A), dy);
    return [negative(matmul(db, mT(x))), db];
  });
  return vector ? reshape(y, y.shape.slice(0, -1)) : y;
}

/** Solves a x = b for triangular a (only its lower or upper triangle is read). */
export function solveTriangular(a: TensorLike, b: TensorLike, lower = false): Tensor {
  const { a: A, b: B, vector } = solveOperands(a, b, "solveTriangular");
  const x = solveBatch(A, B, "solveTriangular", (am, bm, n, k) => triSolve(am, bm, n, k, lower));
  const y = record(x, [A, B], (dy) => {
    const db = solveTriangular(mT(A), dy, !lower);
    const da = negative(matmul(db, mT(x)));
    return [lower ? tril(da) : triu(da), db];
  });
  return vector ? reshape(y, y.shape.slice(0, -1)) : y;
}

// ---------------------------------------------------------------- factorizations

/** Φ(X): the lower triangle with the diagonal halved. */
function phi(x: Tensor): Tensor {
  return subtract(
    tril(x),
    multiply(x, multiply(eye(x.shape[x.rank - 1]!, undefined, 0, x.dtype as never), 0.5)),
  );
}

/**
 * Cholesky factor of each symmetric positive-definite matrix (its lower triangle read): lower L
 * with A = L Lᵀ, or upper U = Lᵀ. Not positive definite is an error. The gradient is the
 * symmetric one (Murray 2016): Ā = ½ sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹).
 */
export function cholesky(x: TensorLike, upper = false): Tensor {
  const b = matrices(x, "cholesky", true);
  const res = new Float64Array(b.values.length);
  for (let k = 0; k < b.count; k++) {
    const l = choleskyLower(matrixAt(b, k), b.n);
    if (!l) {
      throw new ValueError(
        `cholesky: matrix ${k} of the batch (shape ${fmtShape(b.t.shape)}) is not positive definite`,
      );
    }
    res.set(upper ? transposeMat(l, b.n, b.n) : l, k * b.n * b.n);
  }
  const y = out(res, [...b.t.shape], b.t.dtype);
  return record(y, [b.t], (dy) => {
    const L = upper ? mT(y) : y;
    const dL = upper ? mT(dy) : dy;
    const Linv = inv(L);
    const g = matmul(mT(Linv), matmul(phi(matmul(mT(L), dL)), Linv));
    return [multiply(add(g, mT(g)), 0.5)];
  });
}

/** The inverse of A from its Cholesky factor (lower L, or upper U with `upper`). */
export function choleskyInverse(x: TensorLike, upper = false): Tensor {
  const f = floatOf(x);
  if (f.rank < 2 || f.shape[f.rank - 1] !== f.shape[f.rank - 2]) {
    throw new ShapeError(
      `choleskyInverse: expected square matrices; received shape ${fmtShape(f.shape)}`,
    );
  }
  const n = f.shape[f.rank - 1]!;
  const id = broadcastTo(eye(n, n, 0, f.dtype as never), f.shape);
  const li = solveTriangular(f, id, !upper);
  return upper ? matmul(li, mT(li)) : matmul(mT(li), li);
}

/** LU factorization with partial pivoting, as scipy's lu_factor: `[lu, pivots]` (int32, 0-based). */
export function luFactor(x: TensorLike): [Tensor, Tensor] {
  const b = matrices(x, "luFactor");
  const k = Math.min(b.m, b.n);
  const lus = new Float64Array(b.values.length);
  const pivs = new Int32Array(b.count * k);
  for (let i = 0; i < b.count; i++) {
    const { lu, piv } = luDecompose(matrixAt(b, i), b.m, b.n);
    lus.set(lu, i * b.m * b.n);
    pivs.set(piv, i * k);
  }
  return noGrad(() => [out(lus, [...b.t.shape], b.t.dtype), tensor(pivs, [...b.lead, k])]);
}

/** QR: `[q, r]`, q (…, m, k) and r (…, k, n) for mode "reduced" (k = min(m, n)), or m×m and m×n. */
export function qr(x: TensorLike, mode: "reduced" | "complete" = "reduced"): [Tensor, Tensor] {
  if (mode !== "reduced" && mode !== "complete") {
    throw new ValueError(`qr: mode must be "reduced" or "complete"; received ${String(mode)}`);
  }
  const b = matrices(x, "qr");
  const { m, n } = b;
  const k = mode === "reduced" ? Math.min(m, n) : m;
  const qs = new Float64Array(b.count * m * k);
  const rs = new Float64Array(b.count * k * n);
  for (let i = 0; i < b.count; i++) {
    const { q, r } = householderQr(matrixAt(b, i), m, n);
    for (let row = 0; row < m; row++)
      for (let c = 0; c < k; c++) qs[i * m * k + row * k + c] = q[row * m + c]!;
    rs.set(r.subarray(0, k * n), i * k * n);
  }
  return [out(qs, [...b.lead, m, k], b.t.dtype), out(rs, [...b.lead, k, n], b.t.dtype)];
}

/**
 * Singular value decomposition: `[u, s, vh]` with x = u·diag(s)·vh, s descending (`fullMatrices`
 * makes u m×m and vh n×n), or s alone when `computeUv` is false.
 */
export function svd(
  x: TensorLike,
  fullMatrices = true,
  computeUv = true,
): Tensor | [Tensor, Tensor, Tensor] {
  const b = matrices(x, "svd");
  const { m, n } = b;
  const k = Math.min(m, n);
  const ku = fullMatrices ? m : k;
  const kv = fullMatrices ? n : k;
  const us = new Float64Array(b.count * m * ku);
  const ss = new Float64Array(b.count * k);
  const vs = new Float64Array(b.count * kv * n);
  for (let i = 0; i < b.count; i++) {
    const r = svdJacobi(matrixAt(b, i), m, n, fullMatrices);
    us.set(r.u.subarray(0, m * ku), i * m * ku);
    ss.set(r.s.subarray(0, k), i * k);
    vs.set(r.vt.subarray(0, kv * n), i * kv * n);
  }
  const s = out(ss, [...b.lead, k], b.t.dtype);
  if (!computeUv) return s;
  return [out(us, [...b.lead, m, ku], b.t.dtype), s, out(vs, [...b.lead, kv, n], b.t.dtype)];
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices, their lower triangle
 * read: `[w, v]`. dA = V (diag(dw) + F ∘ Vᵀ dV) Vᵀ, F_ij = 1/(w_j − w_i), symmetrized.
 */
export function eigh(x: TensorLike): [Tensor, Tensor] {
  const b = matrices(x, "eigh", true);
  const n = b.n;
  const ws = new Float64Array(b.count * n);
  const vs = new Float64Array(b.values.length);
  for (let i = 0; i < b.count; i++) {
    const r = symmetricEigen(matrixAt(b, i), n);
    ws.set(r.w, i * n);
    vs.set(r.v, i * n * n);
  }
  const w = out(ws, [...b.lead, n], b.t.dtype);
  const v = out(vs, [...b.t.shape], b.t.dtype);
  // F_ij = 1/(w_j − w_i) off the diagonal, 0 on it (equal eigenvalues give 0 too).
  const gap = subtract(expandDims(w, -2), expandDims(w, -1));
  const f = where(equal(gap, 0), 0, divide(1, where(equal(gap, 0), 1, gap)));
  const node = (dw: Tensor | null, dv: Tensor | null): Tensor => {
    let inner = dw
      ? multiply(expandDims(dw, -1), eye(n, n, 0, b.t.dtype as never))
      : multiply(f, 0);
    if (dv) inner = add(inner, multiply(f, matmul(mT(v), dv)));
    const g = matmul(v, matmul(inner, mT(v)));
    return multiply(add(g, mT(g)), 0.5);
  };
  recordEigh(w, v, b.t, node);
  return [w, v];
}
function recordEigh(
  w: Tensor,
  v: Tensor,
  x: Tensor,
  node: (dw: Tensor | null, dv: Tensor | null) => Tensor,
): void {
  record(w, [x], (dw) => [node(dw, null)]);
  record(v, [x], (dv) => [node(null, dv)]);
}

/**
 * Eigenvalues and right eigenvectors of general square matrices, `[w, v]`, for real spectra only:
 * Strata has no complex dtype, so a matrix with complex eigenvalues is an error. Eigenvalues come
 * in the order the QR iteration deflates them (NumPy's order is LAPACK's and may differ).
 */
export function eig(x: TensorLike): [Tensor, Tensor] {
  const b = matrices(x, "eig", true);
  const n = b.n;
  const ws = new Float64Array(b.count * n);
  const vs = new Float64Array(b.values.length);
  for (let i = 0; i < b.count; i++) {
    const r = realEigen(matrixAt(b, i), n);
    if (!r) {
      throw new ValueError(
        `eig: matrix ${i} of the batch has complex eigenvalues; Strata has no complex dtype (use eigh for symmetric matrices)`,
      );
    }
    ws.set(r.w, i * n);
    vs.set(r.v, i * n * n);
  }
  return [out(ws, [...b.lead, n], b.t.dtype), out(vs, [...b.t.shape], b.t.dtype)];
}

// ---------------------------------------------------------------- pseudo-inverse, rank, least squares

function pinvHost(a: Mat, m: number, n: number, rtol: number): Mat {
  const { u, s, vt } = svdJacobi(a, m, n, false);
  const k = Math.min(m, n);
  const cut = rtol * (s[0] ?? 0);
  // pinv = V diag(1/s) Uᵀ  (n×m)
  const res = new Float64Array(n * m);
  for (let p = 0; p < k; p++) {
    if (!(s[p]! > cut)) continue;
    const inv_ = 1 / s[p]!;
    for (let i = 0; i < n; i++) {
      const vip = vt[p * n + i]! * inv_;
      for (let j = 0; j < m; j++) res[i * m + j]! += vip * u[j * k + p]!;
    }
  }
  return res;
}

/**
 * Moore–Penrose pseudo-inverse by SVD; singular values at or below rcond·max(s) count as zero
 * (rcond null: max(m, n)·ε, NumPy 2's default).
 */
export function pinv(x: TensorLike, rcond: number | null = null): Tensor {
  const b = matrices(x, "pinv");
  const rtol = rcond ?? Math.max(b.m, b.n) * Number.EPSILON;
  const res = new Float64Array(b.values.length);
  for (let i = 0; i < b.count; i++)
    res.set(pinvHost(matrixAt(b, i), b.m, b.n, rtol), i * b.m * b.n);
  return out(res, [...b.lead, b.n, b.m], b.t.dtype);
}

/** The number of singular values above `tol` (default max(s)·max(m, n)·ε), int32. */
export function matrixRank(x: TensorLike, tol: number | null = null): Tensor {
  const b = matrices(x, "matrixRank");
  const ranks = new Int32Array(b.count);
  for (let i = 0; i < b.count; i++) {
    const { s } = svdJacobi(matrixAt(b, i), b.m, b.n, false);
    const cut = tol ?? (s[0] ?? 0) * Math.max(b.m, b.n) * Number.EPSILON;
    ranks[i] = s.filter((v) => v > cut).length;
  }
  return tensor(ranks, b.lead);
}

/**
 * Least-squares solution of a x = b (a 2-D, b 1-D or 2-D) by SVD, singular values below
 * rcond·max(s) dropped (rcond null: ε·max(m, n)). Returns x, as Keras does.
 */
export function lstsq(a: TensorLike, b: TensorLike, rcond: number | null = null): Tensor {
  const A = floatOf(a);
  const B = floatOf(b);
  if (A.rank !== 2)
    throw new ShapeError(`lstsq: a must be 2-D; received shape ${fmtShape(A.shape)}`);
  if ((B.rank !== 1 && B.rank !== 2) || B.shape[0] !== A.shape[0]) {
    throw new ShapeError(
      `lstsq: b must be 1-D or 2-D with ${A.shape[0]} rows; received shape ${fmtShape(B.shape)}`,
    );
  }
  const [m, n] = A.shape as [number, number];
  const k = B.rank === 1 ? 1 : B.shape[1]!;
  const p = pinvHost(
    Float64Array.from(A.dataSync(), Number),
    m,
    n,
    rcond ?? Number.EPSILON * Math.max(m, n),
  );
  const x = matMul(p, Float64Array.from(B.dataSync(), Number), n, m, k);
  const dt: DType = A.dtype === "float64" || B.dtype === "float64" ? "float64" : "float32";
  return out(x, B.rank === 1 ? [n] : [n, k], dt);
}

// ---------------------------------------------------------------- powers and norms

/** x to the integer power n by repeated squaring (n < 0: of inv(x); n = 0: the identity). */
export function matrixPower(x: TensorLike, n: number): Tensor {
  if (!Number.isInteger(n))
    throw new ValueError(`matrixPower: n must be an integer; received ${n}`);
  const t = asTensor(x);
  if (t.rank < 2 || t.shape[t.rank - 1] !== t.shape[t.rank - 2]) {
    throw new ShapeError(
      `matrixPower: expected square matrices; received shape ${fmtShape(t.shape)}`,
    );
  }
  const size = t.shape[t.rank - 1]!;
  if (n === 0) return broadcastTo(eye(size, size, 0, t.dtype as never), t.shape);
  let base = n < 0 ? inv(t) : t;
  let e = Math.abs(n);
  let result: Tensor | null = null;
  while (e > 0) {
    if (e & 1) result = result ? matmul(result, base) : base;
    e >>= 1;
    if (e) base = matmul(base, base);
  }
  return result!;
}

type Ord = number | "fro" | "nuc" | null;

/**
 * Vector or matrix norms, NumPy's `ord` semantics: over one axis, ord null/2 (Euclidean), ±Inf,
 * 0 (count of non-zeros), or any p; over two axes, "fro" (null), "nuc", ±Inf, ±1, ±2. axis null:
 * a vector norm of the flattened x for rank 1, a matrix norm for rank 2, Frobenius otherwise.
 */
export function norm(
  x: TensorLike,
  ord: Ord = null,
  axis: number | readonly number[] | null = null,
  keepdims = false,
): Tensor {
  const t = floatOf(x);
  if (axis === null) {
    if (ord === null || (t.rank !== 1 && t.rank !== 2)) {
      if (ord !== null) {
        throw new ValueError(
          `norm: ord ${ord} needs a 1-D or 2-D x (or an axis); received shape ${fmtShape(t.shape)}`,
        );
      }
      const r = sqrt(sum(square(t)));
      return keepdims
        ? reshape(
            r,
            t.shape.map(() => 1),
          )
        : r;
    }
    axis = t.rank === 1 ? [0] : [0, 1];
  }
  // In the order given (not sorted): the first axis holds the rows of a matrix norm.
  const axes = (typeof axis === "number" ? [axis] : [...axis]).map((a) =>
    normalizeAxis(a, t.rank, "norm"),
  );
  if (axes.length === 1) return vectorNorm(t, ord, axes[0]!, keepdims);
  if (axes.length === 2) return matrixNorm(t, ord, axes as [number, number], keepdims);
  throw new ValueError(`norm: axis must name one or two axes; received ${JSON.stringify(axis)}`);
}

function vectorNorm(t: Tensor, ord: Ord, axis: number, keepdims: boolean): Tensor {
  if (ord === "fro" || ord === "nuc")
    throw new ValueError(`norm: ord "${ord}" is a matrix norm; give two axes`);
  const a = abs(t);
  if (ord === null || ord === 2) return sqrt(sum(square(t), axis, keepdims));
  if (ord === Infinity) return max(a, axis, keepdims);
  if (ord === -Infinity) return min(a, axis, keepdims);
  if (ord === 0) return sum(castTo(castTo(t, "bool"), t.dtype), axis, keepdims);
  if (ord === 1) return sum(a, axis, keepdims);
  if (typeof ord !== "number" || Number.isNaN(ord))
    throw new ValueError(`norm: invalid ord ${String(ord)}`);
  return power(sum(power(a, ord), axis, keepdims), 1 / ord);
}

function matrixNorm(t: Tensor, ord: Ord, [r, c]: [number, number], keepdims: boolean): Tensor {
  if (r === c) throw new ValueError("norm: the two axes must differ");
  const keep = (y: Tensor): Tensor =>
    keepdims
      ? reshape(
          y,
          t.shape.map((d, i) => (i === r || i === c ? 1 : d)),
        )
      : y;
  if (ord === null || ord === "fro") return keep(sqrt(sum(square(t), [r, c])));
  const a = abs(t);
  // ord ±1: the largest / smallest column sum (sum over rows first); ±Inf: row sums.
  const sums = (inner: number, outer: number, pick: typeof max): Tensor => {
    const y = pick(sum(a, inner, true), outer, true);
    return keepdims
      ? y
      : reshape(
          y,
          t.shape.filter((_, i) => i !== r && i !== c),
        );
  };
  if (ord === 1) return sums(r, c, max);
  if (ord === -1) return sums(r, c, min);
  if (ord === Infinity) return sums(c, r, max);
  if (ord === -Infinity) return sums(c, r, min);
  if (ord === 2 || ord === -2 || ord === "nuc") {
    const moved = moveLast(t, r, c);
    const s = svd(moved, false, false) as Tensor;
    const y = ord === 2 ? max(s, -1) : ord === -2 ? min(s, -1) : sum(s, -1);
    return keep(y);
  }
  throw new ValueError(`norm: invalid ord ${String(ord)} for a matrix norm`);
}
function moveLast(t: Tensor, r: number, c: number): Tensor {
  const rest = [...t.shape.keys()].filter((i) => i !== r && i !== c);
  const perm = [...rest, r, c];
  return reshape(transposeT(t, perm), [...rest.map((i) => t.shape[i]!), t.shape[r]!, t.shape[c]!]);
}
