/**
 * The Gaussian process regressor behind BayesianOptimization, as KerasTuner configures
 * scikit-learn's: a Matern ν = 5/2 kernel with one length scale, `alpha` added to the diagonal,
 * targets normalized (mean 0, standard deviation 1), and the length scale chosen by maximizing
 * the log marginal likelihood within scikit-learn's bounds [1e-5, 1e5]. Small dense linear
 * algebra of our own: a Cholesky factor and triangular solves, in float64.
 *
 *   k(r) = (1 + √5 r/ℓ + 5 r² / (3 ℓ²)) · exp(−√5 r/ℓ)
 *   log p(y | X, ℓ) = −½ yᵀ K⁻¹ y − Σ log Lᵢᵢ − (n/2) log 2π,   K = L Lᵀ
 */
import { StrataError } from "../../errors.js";

const SQRT5 = Math.sqrt(5);

export function matern52(r: number, lengthScale: number): number {
  const d = (SQRT5 * r) / lengthScale;
  return (1 + d + (d * d) / 3) * Math.exp(-d);
}

function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** The lower Cholesky factor of a symmetric positive definite n×n matrix (row-major), or null. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Solves L x = b (L lower triangular). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b (L lower triangular). */
export function solveUpper(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

interface Fitted {
  x: number[][];
  l: Float64Array;
  alphaVec: Float64Array;
  lengthScale: number;
  yMean: number;
  yStd: number;
}

export class GaussianProcess {
  private fitted: Fitted | null = null;

  constructor(readonly alpha = 1e-4) {}

  get lengthScale(): number | null {
    return this.fitted?.lengthScale ?? null;
  }

  /** Fits the process to points `x` (each in [0, 1]^d) and their values `y`. */
  fit(x: readonly (readonly number[])[], y: readonly number[]): void {
    const n = y.length;
    if (n === 0 || x.length !== n)
      throw new StrataError(
        `GaussianProcess.fit: expected as many points as values; received ${x.length} and ${n}`,
      );
    const yMean = y.reduce((a, b) => a + b, 0) / n;
    let yStd = Math.sqrt(y.reduce((a, b) => a + (b - yMean) ** 2, 0) / n);
    if (yStd === 0) yStd = 1; // scikit-learn's _handle_zeros_in_scale
    const yn = y.map((v) => (v - yMean) / yStd);
    const points = x.map((p) => [...p]);
    const dist = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++)
        dist[i * n + j] = dist[j * n + i] = distance(points[i]!, points[j]!);

    // The likelihood over log ℓ: a grid across the bounds, then a golden-section refinement.
    const logLikelihood = (logScale: number) => this.logLikelihood(dist, n, yn, Math.exp(logScale));
    const lo = Math.log(1e-5);
    const hi = Math.log(1e5);
    const steps = 64;
    let best = lo;
    let bestValue = -Infinity;
    for (let i = 0; i <= steps; i++) {
      const t = lo + ((hi - lo) * i) / steps;
      const v = logLikelihood(t);
      if (v > bestValue) [best, bestValue] = [t, v];
    }
    let a = Math.max(lo, best - (hi - lo) / steps);
    let b = Math.min(hi, best + (hi - lo) / steps);
    const phi = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 40; i++) {
      const c = b - phi * (b - a);
      const d = a + phi * (b - a);
      if (logLikelihood(c) > logLikelihood(d)) b = d;
      else a = c;
    }
    const mid = (a + b) / 2;
    const chosen = logLikelihood(mid) >= bestValue ? mid : best;
    const lengthScale = Math.exp(chosen);
    const l = this.factor(dist, n, lengthScale);
    if (!l)
      throw new StrataError(
        "GaussianProcess.fit: the kernel matrix is not positive definite; increase alpha",
      );
    const alphaVec = solveUpper(l, n, solveLower(l, n, yn));
    this.fitted = { x: points, l, alphaVec, lengthScale, yMean, yStd };
  }

  /** The predictive mean and standard deviation at `point` (the prior, 0 and 1, before a fit). */
  predict(point: readonly number[]): { mean: number; std: number } {
    const f = this.fitted;
    if (!f) return { mean: 0, std: 1 };
    const n = f.x.length;
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) k[i] = matern52(distance(point, f.x[i]!), f.lengthScale);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += k[i]! * f.alphaVec[i]!;
    const v = solveLower(f.l, n, k);
    let variance = 1;
    for (let i = 0; i < n; i++) variance -= v[i]! * v[i]!;
    return { mean: mean * f.yStd + f.yMean, std: Math.sqrt(Math.max(variance, 0)) * f.yStd };
  }

  private factor(dist: Float64Array, n: number, lengthScale: number): Float64Array | null {
    const kmat = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) kmat[i] = matern52(dist[i]!, lengthScale);
    for (let i = 0; i < n; i++) kmat[i * n + i] = kmat[i * n + i]! + this.alpha;
    return cholesky(kmat, n);
  }

  private logLikelihood(
    dist: Float64Array,
    n: number,
    y: readonly number[],
    lengthScale: number,
  ): number {
    const l = this.factor(dist, n, lengthScale);
    if (!l) return -Infinity;
    const z = solveLower(l, n, y);
    let quad = 0;
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      quad += z[i]! * z[i]!;
      logDet += Math.log(l[i * n + i]!);
    }
    return -0.5 * quad - logDet - (n / 2) * Math.log(2 * Math.PI);
  }
}
