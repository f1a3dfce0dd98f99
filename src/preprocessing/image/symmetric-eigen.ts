/**
 * Eigenvalues and eigenvectors of a real symmetric matrix, on the host in float64, for
 * ImageDataGenerator's ZCA whitening (zca-whitening.ts): Keras takes the SVD of the flattened
 * sample, whose left singular vectors and singular values are the eigenvectors and the square roots
 * of the eigenvalues of the symmetric matrix XᵀX (or, through XXᵀ, of the smaller Gram matrix).
 * src/ops has matrix products but no decomposition, and this is the only caller, so it lives here.
 *
 * Method: Householder reduction to tridiagonal form, then the implicit symmetric QR iteration with
 * Wilkinson shifts (Golub & Van Loan, Matrix Computations, §8.3), the rotations accumulated into
 * the eigenvectors. It costs about 6n³ flops for an n × n matrix and converges in a few steps per
 * eigenvalue; a cyclic Jacobi solver, simpler, costs about as much per sweep and needs several
 * sweeps, which matters at image sizes (n = 784 for 28 × 28 × 1, 3072 for 32 × 32 × 3).
 */

const EPS = 2 ** -52;

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (n × n, row-major). */
  vectors: Float64Array;
}

/** The eigen-decomposition of the symmetric n × n matrix `a` (row-major; only read). */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  const s = Float64Array.from(a);
  // z holds Qᵀ (rows are the basis vectors), so that every update touches contiguous rows.
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(n - 1, 0));
  tridiagonalize(s, z, d, e, n);
  tridiagonalQR(d, e, z, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => vectors.set(z.subarray(from * n, from * n + n), to * n));
  return { values, vectors };
}

/**
 * Householder reduction: A = Q T Qᵀ with T tridiagonal (diagonal d, off-diagonal e); z ← Qᵀ.
 * Step k reflects rows and columns k + 1 … n − 1 so that column k is zero below its subdiagonal.
 */
function tridiagonalize(
  s: Float64Array,
  z: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
): void {
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  const u = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const lo = k + 1;
    let norm2 = 0;
    for (let i = lo; i < n; i++) norm2 += s[i * n + k]! ** 2;
    const x0 = s[lo * n + k]!;
    const norm = Math.sqrt(norm2);
    if (norm === 0 || norm2 === x0 * x0) continue; // nothing below the subdiagonal to remove
    const alpha = x0 > 0 ? -norm : norm;
    for (let i = lo; i < n; i++) v[i] = s[i * n + k]!;
    v[lo] = x0 - alpha;
    let vv = 0;
    for (let i = lo; i < n; i++) vv += v[i]! * v[i]!;
    const beta = 2 / vv;
    // Column and row k become (…, alpha, 0, …, 0).
    s[lo * n + k] = alpha;
    s[k * n + lo] = alpha;
    for (let i = lo + 1; i < n; i++) {
      s[i * n + k] = 0;
      s[k * n + i] = 0;
    }
    // Trailing block S ← H S H with H = I − β v vᵀ: p = β S v, w = p − (β/2)(vᵀp) v,
    // S ← S − v wᵀ − w vᵀ (w kept in p).
    let vp = 0;
    for (let i = lo; i < n; i++) {
      let acc = 0;
      const row = i * n;
      for (let j = lo; j < n; j++) acc += s[row + j]! * v[j]!;
      p[i] = beta * acc;
      vp += v[i]! * p[i]!;
    }
    const half = (beta / 2) * vp;
    for (let i = lo; i < n; i++) p[i] = p[i]! - half * v[i]!;
    for (let i = lo; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      const pi = p[i]!;
      for (let j = lo; j < n; j++) s[row + j] = s[row + j]! - vi * p[j]! - pi * v[j]!;
    }
    // Qᵀ ← H Qᵀ on rows lo … n − 1: u = vᵀ Z, Z ← Z − β v uᵀ.
    u.fill(0);
    for (let i = lo; i < n; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) u[j] = u[j]! + vi * z[row + j]!;
    }
    for (let i = lo; i < n; i++) {
      const f = beta * v[i]!;
      if (f === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) z[row + j] = z[row + j]! - f * u[j]!;
    }
  }
  for (let i = 0; i < n; i++) d[i] = s[i * n + i]!;
  for (let i = 0; i < n - 1; i++) e[i] = s[(i + 1) * n + i]!;
}

/**
 * Implicit symmetric QR steps with a Wilkinson shift on the unreduced block [lo, hi] of the
 * tridiagonal (d, e), until every off-diagonal entry is negligible; the rotations are applied to
 * the rows of z.
 */
function tridiagonalQR(d: Float64Array, e: Float64Array, z: Float64Array, n: number): void {
  const negligible = (i: number): boolean =>
    Math.abs(e[i]!) <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!));
  let hi = n - 1;
  let steps = 0;
  const maxSteps = 60 * Math.max(n, 1);
  while (hi > 0) {
    if (negligible(hi - 1)) {
      e[hi - 1] = 0;
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && !negligible(lo - 1)) lo--;
    if (lo > 0) e[lo - 1] = 0;
    if (++steps > maxSteps) {
      throw new Error("symmetricEigen: the QR iteration did not converge");
    }
    // Wilkinson shift: the eigenvalue of the trailing 2 × 2 block nearer d[hi].
    const t = e[hi - 1]!;
    const delta = (d[hi - 1]! - d[hi]!) / 2;
    const mu = d[hi]! - (t * t) / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, t));
    let x = d[lo]! - mu;
    let y = e[lo]!;
    for (let k = lo; k < hi; k++) {
      // Rotation [c s; −s c] with c·x − s·y = r and s·x + c·y = 0.
      let c: number;
      let s: number;
      if (y === 0) {
        c = 1;
        s = 0;
      } else if (Math.abs(y) > Math.abs(x)) {
        const tau = -x / y;
        s = 1 / Math.sqrt(1 + tau * tau);
        c = s * tau;
      } else {
        const tau = -y / x;
        c = 1 / Math.sqrt(1 + tau * tau);
        s = c * tau;
      }
      if (k > lo) e[k - 1] = c * x - s * y; // the bulge at (k − 1, k + 1) becomes 0
      const a = d[k]!;
      const b = e[k]!;
      const g = d[k + 1]!;
      d[k] = c * c * a - 2 * c * s * b + s * s * g;
      d[k + 1] = s * s * a + 2 * c * s * b + c * c * g;
      e[k] = c * s * (a - g) + (c * c - s * s) * b;
      if (k < hi - 1) {
        x = e[k]!;
        y = -s * e[k + 1]!;
        e[k + 1] = c * e[k + 1]!;
      }
      const rk = k * n;
      const rk1 = rk + n;
      for (let j = 0; j < n; j++) {
        const zk = z[rk + j]!;
        const zk1 = z[rk1 + j]!;
        z[rk + j] = c * zk - s * zk1;
        z[rk1 + j] = s * zk + c * zk1;
      }
    }
  }
}
