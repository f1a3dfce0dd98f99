/**
 * Histogram buckets as TF2's `tf.summary.histogram` computes them (TensorBoard's
 * plugins/histogram/summary_v2.py): `bucketCount` equal-width buckets from the minimum to the
 * maximum, each a row [left edge, right edge, count]; the maximum falls in the last bucket. All
 * values equal: every bucket is [v, v, 0] except the last, [v, v, n]. No values: all zeros.
 */

/** The default number of buckets, as in TensorBoard. */
export const DEFAULT_BUCKET_COUNT = 30;

/** The buckets of `values` as `bucketCount` rows of [left, right, count], flattened row-major. */
export function histogramBuckets(
  values: ArrayLike<number>,
  bucketCount = DEFAULT_BUCKET_COUNT,
): Float64Array {
  const k = Math.max(0, Math.floor(bucketCount));
  const out = new Float64Array(k * 3);
  const n = values.length;
  if (n === 0 || k === 0) return out;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (range === 0) {
    for (let b = 0; b < k; b++) out.set([max, max, 0], b * 3);
    out[k * 3 - 1] = n;
    return out;
  }
  const width = range / k;
  // TF's LinSpace: start + i * (stop - start) / (num - 1), the last edge then set to the maximum.
  const step = range / k;
  for (let b = 0; b < k; b++) {
    out[b * 3] = min + b * step;
    out[b * 3 + 1] = b === k - 1 ? max : min + (b + 1) * step;
  }
  for (let i = 0; i < n; i++) {
    const index = Math.min(Math.floor((values[i]! - min) / width), k - 1);
    if (index >= 0) out[index * 3 + 2]! += 1;
  }
  return out;
}
