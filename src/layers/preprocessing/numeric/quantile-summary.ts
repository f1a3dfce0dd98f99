/**
 * The approximate quantiles behind `Discretization.adapt`, computed as Keras 3.16 computes them
 * (its `summarize` / `merge_summaries` / `compress_summary`, float32 where Keras keeps float32),
 * so an adapted layer gets Keras's bin boundaries. A summary is a sorted list of values with a
 * weight each (how many data values it stands for). Each batch is summarized to about 1/ε
 * values, merged into the running summary, and the merge compressed back to about 1/ε points by
 * interpolating the cumulative weights: memory stays O(1/ε) however much data streams through.
 */

/** Sorted values and the weight each carries. */
export interface QuantileSummary {
  values: Float32Array;
  weights: Float32Array;
}

export function emptySummary(): QuantileSummary {
  return { values: new Float32Array(0), weights: new Float32Array(0) };
}

/** One batch as a summary: every ⌊step⌋-th sorted value, weighted step = max(n·ε, 1). */
export function summarize(data: Float32Array, epsilon: number): QuantileSummary {
  const sorted = Float32Array.from(data).sort();
  const step = Math.max(sorted.length / (1 / epsilon), 1);
  const stride = Math.trunc(step);
  const values: number[] = [];
  for (let i = Math.trunc(step - 1); i < sorted.length; i += stride) values.push(sorted[i]!);
  return { values: Float32Array.from(values), weights: new Float32Array(values.length).fill(step) };
}

/** Both summaries' points sorted by value (ties keep their order), then compressed. */
export function mergeSummaries(
  a: QuantileSummary,
  b: QuantileSummary,
  epsilon: number,
): QuantileSummary {
  const n = a.values.length + b.values.length;
  const at = (i: number): [number, number] =>
    i < a.values.length
      ? [a.values[i]!, a.weights[i]!]
      : [b.values[i - a.values.length]!, b.weights[i - a.values.length]!];
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(i)[0] - at(j)[0]);
  return compressSummary(
    {
      values: Float32Array.from(order, (i) => at(i)[0]),
      weights: Float32Array.from(order, (i) => at(i)[1]),
    },
    epsilon,
  );
}

/** NumPy's `interp`: piecewise linear through (xp, fp), clamped to the end values outside. */
function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  if (x < xp[0]!) return fp[0]!;
  let lo = 0;
  let hi = n - 1; // xp[lo] <= x < xp[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[hi]! - fp[lo]!) / (xp[hi]! - xp[lo]!);
  return fp[lo]! + slope * (x - xp[lo]!);
}

/**
 * About 1/ε points that keep the summary's distribution: at the cumulative fractions ε, 2ε, …, 1
 * the value and the cumulative weight are read off by interpolation, and each new point weighs
 * the cumulative weight gained since the previous one. A summary already that small is kept.
 */
export function compressSummary(s: QuantileSummary, epsilon: number): QuantileSummary {
  const n = s.values.length;
  if (n * epsilon < 1) return s;
  const cum = new Float32Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc = Math.fround(acc + s.weights[i]!);
  const fractions = cum.map((c) => c / cum[n - 1]!);
  const points = Math.ceil(1 / epsilon); // NumPy's len(arange(0, 1, ε))
  const values = new Float32Array(points);
  const weights = new Float32Array(points);
  let previous = 0;
  for (let k = 0; k < points; k++) {
    const p = epsilon + k * epsilon;
    values[k] = interp(p, fractions, s.values);
    const c = interp(p, fractions, cum);
    weights[k] = c - previous;
    previous = c;
  }
  return { values, weights };
}

/** The `numBins − 1` inner boundaries: the summary compressed to `numBins` points, last dropped. */
export function binBoundaries(s: QuantileSummary, numBins: number): number[] {
  return Array.from(compressSummary(s, 1 / numBins).values.slice(0, -1));
}
