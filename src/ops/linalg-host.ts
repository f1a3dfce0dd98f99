/**
 * Dense float64 matrix algorithms for `ops.linalg` (LU with partial pivoting, Cholesky,
 * triangular solves, Householder QR, Jacobi eigen-solver, one-sided Jacobi SVD, real
 * nonsymmetric eigenvalues by shifted QR). They run on the host: the matrices `ops.linalg`
 * decomposes are small and dense, no backend has decomposition kernels, and sequential pivoting
 * is a poor fit for the elementwise and matmul kernels the backends do have. Matrices are
 * row-major Float64Arrays; every function returns fresh arrays.
 */

export type Mat = Float64Array;

export function transposeMat(a: Mat, m: number, n: number): Mat {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

export function matMul(a: Mat, b: Mat, m: number, k: number, n: number): Mat {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]!;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += v * b[p * n + j]!;
    }
  }
  return c;
}

/**
 * LU with partial pivoting of an m×n matrix (LAPACK getrf): `lu` holds L (unit diagonal, below)
 * and U; `piv[i]` is the row swapped with row i (0-based, scipy's lu_factor); `sign` the
 * permutation's parity; `singular` whether a pivot was exactly 0.
 */
export function luDecompose(
  a: Mat,
  m: number,
  n: number,
): { lu: Mat; piv: Int32Array; sign: number; singular: boolean } {
  const lu = Float64Array.from(a);
  const k = Math.min(m, n);
  const piv = new Int32Array(k);
  let sign = 1;
  let singular = false;
  for (let c = 0; c < k; c++) {
    let p = c;
    let best = Math.abs(lu[c * n + c]!);
    for (let r = c + 1; r < m; r++) {
      const v = Math.abs(lu[r * n + c]!);
      if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) [p, best] = [r, v];
    }
    piv[c] = p;
    if (p !== c) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = lu[c * n + j]!;
        lu[c * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
    }
    const d = lu[c * n + c]!;
    if (d === 0) {
      singular = true;
      continue;
    }
    for (let r = c + 1; r < m; r++) {
      const f = (lu[r * n + c]! /= d);
      if (f === 0) continue;
      for (let j = c + 1; j < n; j++) lu[r * n + j]! -= f * lu[c * n + j]!;
    }
  }
  return { lu, piv, sign, singular };
}

/** Solves A X = B (A n×n, B n×k) from its LU factors. */
export function luSolve(lu: Mat, piv: Int32Array, b: Mat, n: number, k: number): Mat {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    const p = piv[i]!;
    if (p !== i) {
      for (let j = 0; j < k; j++) {
        const t = x[i * k + j]!;
        x[i * k + j] = x[p * k + j]!;
        x[p * k + j] = t;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < i; r++) {
      const f = lu[i * n + r]!;
      if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j]! -= f * x[r * k + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const f = lu[i * n + r]!;
      if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j]! -= f * x[r * k + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < k; j++) x[i * k + j]! /= d;
  }
  return x;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (its lower triangle read), or null. */
export function choleskyLower(a: Mat, n: number): Mat | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let p = 0; p < j; p++) s -= l[j * n + p]! ** 2;
    if (!(s > 0)) return null;
    const d = Math.sqrt(s);
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let p = 0; p < j; p++) t -= l[i * n + p]! * l[j * n + p]!;
      l[i * n + j] = t / d;
    }
  }
  return l;
}

/** Solves T X = B for triangular T (n×n; only its lower or upper triangle is read). */
export function triSolve(t: Mat, b: Mat, n: number, k: number, lower: boolean): Mat {
  const x = Float64Array.from(b);
  const order = lower ? [...Array(n).keys()] : [...Array(n).keys()].reverse();
  for (const i of order) {
    for (let r = 0; r < n; r++) {
      if (lower ? r >= i : r <= i) continue;
      const f = t[i * n + r]!;
      if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j]! -= f * x[r * k + j]!;
    }
    const d = t[i * n + i]!;
    for (let j = 0; j < k; j++) x[i * k + j]! /= d;
  }
  return x;
}

/** Householder QR of an m×n matrix: Q (m×m) and R (m×n), R's diagonal as LAPACK leaves it. */
export function householderQr(a: Mat, m: number, n: number): { q: Mat; r: Mat } {
  const r = Float64Array.from(a);
  const q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) q[i * m + i] = 1;
  for (let c = 0; c < Math.min(m - 1, n); c++) {
    let norm = 0;
    for (let i = c; i < m; i++) norm += r[i * n + c]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = r[c * n + c]! > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = c; i < m; i++) v[i] = r[i * n + c]!;
    v[c]! -= alpha;
    let vv = 0;
    for (let i = c; i < m; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    // R ← (I − 2vvᵀ/vᵀv) R ; Q ← Q (I − 2vvᵀ/vᵀv)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = c; i < m; i++) s += v[i]! * r[i * n + j]!;
      s = (2 * s) / vv;
      for (let i = c; i < m; i++) r[i * n + j]! -= s * v[i]!;
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = c; p < m; p++) s += q[i * m + p]! * v[p]!;
      s = (2 * s) / vv;
      for (let p = c; p < m; p++) q[i * m + p]! -= s * v[p]!;
    }
  }
  for (let i = 1; i < m; i++) for (let j = 0; j < Math.min(i, n); j++) r[i * n + j] = 0;
  return { q, r };
}

/**
 * Eigen-decomposition of a symmetric matrix (its lower triangle read, as LAPACK's syevd with
 * UPLO='L') by cyclic Jacobi rotations: eigenvalues ascending, eigenvectors as columns.
 */
export function symmetricEigen(a0: Mat, n: number): { w: Mat; v: Mat } {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = a0[i * n + j]!;
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off === 0 || !Number.isFinite(off)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const w = Float64Array.from(order, (i) => a[i * n + i]!);
  const vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vs[k * n + dst] = v[k * n + src]!;
  });
  return { w, v: vs };
}

/**
 * Singular values (descending) and vectors of an m×n matrix by one-sided Jacobi on the columns
 * (of Aᵀ when m < n): U (m×m, or m×k), s (k), Vᵀ (n×n, or k×n), k = min(m, n).
 */
export function svdJacobi(
  a: Mat,
  m: number,
  n: number,
  full: boolean,
): { u: Mat; s: Mat; vt: Mat } {
  if (m < n) {
    const r = svdJacobi(transposeMat(a, m, n), n, m, full);
    // Aᵀ = U S Vᵀ → A = V S Uᵀ
    const ku = full ? n : m;
    const kv = full ? m : m;
    return { u: transposeMat(r.vt, kv, m), s: r.s, vt: transposeMat(r.u, n, ku) };
  }
  const k = n;
  const w = Float64Array.from(a); // m×n, columns rotated towards U·S
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p]!;
          const y = w[i * n + q]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p]!;
          const y = w[i * n + q]!;
          w[i * n + p] = c * x - s * y;
          w[i * n + q] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p]!;
          const y = v[i * n + q]!;
          v[i * n + p] = c * x - s * y;
          v[i * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Float64Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i * n + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = [...Array(k).keys()].sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const cols = full ? m : k;
  const u = new Float64Array(m * cols);
  order.forEach((src, dst) => {
    const nrm = norms[src]!;
    if (nrm > 0) for (let i = 0; i < m; i++) u[i * cols + dst] = w[i * n + src]! / nrm;
  });
  completeOrthonormal(
    u,
    m,
    cols,
    order.map((src) => norms[src]! > 0),
  );
  const vt = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let i = 0; i < n; i++) vt[dst * n + i] = v[i * n + src]!;
  });
  return { u, s, vt };
}

/** Fills the columns of q (m×cols) not marked `done` with unit vectors orthogonal to the rest. */
function completeOrthonormal(q: Mat, m: number, cols: number, done: boolean[]): void {
  const have = [...done, ...new Array<boolean>(Math.max(0, cols - done.length)).fill(false)];
  let e = 0;
  for (let c = 0; c < cols; c++) {
    if (have[c]) continue;
    for (; e < m; e++) {
      const x = new Float64Array(m);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let o = 0; o < cols; o++) {
          if (!have[o]) continue;
          let d = 0;
          for (let i = 0; i < m; i++) d += q[i * cols + o]! * x[i]!;
          for (let i = 0; i < m; i++) x[i]! -= d * q[i * cols + o]!;
        }
      }
      const nrm = Math.hypot(...x);
      if (nrm > 1e-8) {
        for (let i = 0; i < m; i++) q[i * cols + c] = x[i]! / nrm;
        have[c] = true;
        e++;
        break;
      }
    }
  }
}

/**
 * Real eigenvalues and eigenvectors of a general square matrix: eigenvalues by shifted QR
 * iterations (null when a complex pair remains), eigenvectors by inverse iteration, unit length.
 */
export function realEigen(a: Mat, n: number): { w: Mat; v: Mat } | null {
  let h = Float64Array.from(a);
  const w = new Float64Array(n);
  let size = n;
  let iterations = 0;
  while (size > 0) {
    if (size === 1) {
      w[0] = h[0]!;
      break;
    }
    const sub = Math.abs(h[(size - 1) * n + size - 2]!);
    const scale = Math.abs(h[(size - 1) * n + size - 1]!) + Math.abs(h[(size - 2) * n + size - 2]!);
    if (sub <= 1e-14 * (scale || 1)) {
      w[size - 1] = h[(size - 1) * n + size - 1]!;
      size--;
      iterations = 0;
      continue;
    }
    if (++iterations > 500) return null;
    // Wilkinson shift from the trailing 2×2 block; a complex pair there means no real shift.
    const a11 = h[(size - 2) * n + size - 2]!;
    const a12 = h[(size - 2) * n + size - 1]!;
    const a21 = h[(size - 1) * n + size - 2]!;
    const a22 = h[(size - 1) * n + size - 1]!;
    const tr = a11 + a22;
    const disc = (a11 - a22) ** 2 / 4 + a12 * a21;
    if (disc < 0 && iterations > 60) return null;
    const root = Math.sqrt(Math.max(disc, 0));
    const l1 = tr / 2 + root;
    const l2 = tr / 2 - root;
    const mu = Math.abs(l1 - a22) < Math.abs(l2 - a22) ? l1 : l2;
    const blk = new Float64Array(size * size);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) blk[i * size + j] = h[i * n + j]! - (i === j ? mu : 0);
    const { q, r } = householderQr(blk, size, size);
    const rq = matMul(r, q, size, size, size);
    const next = Float64Array.from(h);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) next[i * n + j] = rq[i * size + j]! + (i === j ? mu : 0);
    h = next;
  }
  const v = new Float64Array(n * n);
  for (let e = 0; e < n; e++) {
    const lam = w[e]!;
    const shifted = Float64Array.from(a);
    const eps = 1e-10 * (Math.abs(lam) || 1);
    for (let i = 0; i < n; i++) shifted[i * n + i]! -= lam + eps;
    const { lu, piv } = luDecompose(shifted, n, n);
    for (let i = 0; i < n; i++) if (lu[i * n + i] === 0) lu[i * n + i] = 1e-300;
    let x: Mat = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(n) + i * 1e-3);
    for (let it = 0; it < 3; it++) {
      x = luSolve(lu, piv, x, n, 1);
      const nrm = Math.hypot(...x);
      for (let i = 0; i < n; i++) x[i]! /= nrm;
    }
    // NumPy (LAPACK) leaves each vector's sign free; make the largest component positive.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(x[i]!) > Math.abs(x[big]!)) big = i;
    const sgn = x[big]! < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) v[i * n + e] = sgn * x[i]!;
  }
  return { w, v };
}
