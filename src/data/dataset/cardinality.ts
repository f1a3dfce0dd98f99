/**
 * tf.data's cardinality: the number of elements of a pass when it can be known without iterating,
 * INFINITE_CARDINALITY for an endless dataset, UNKNOWN_CARDINALITY when only iterating would tell.
 */
export const INFINITE_CARDINALITY = -1;
export const UNKNOWN_CARDINALITY = -2;

const INF = INFINITE_CARDINALITY;
const UNKNOWN = UNKNOWN_CARDINALITY;

export function batchCardinality(n: number, batchSize: number, dropRemainder: boolean): number {
  if (n < 0) return n;
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

export function takeCardinality(n: number, count: number): number {
  if (count === 0) return 0;
  if (n === INF) return count;
  return n === UNKNOWN ? UNKNOWN : Math.min(n, count);
}

export function skipCardinality(n: number, count: number): number {
  return n < 0 ? n : Math.max(0, n - count);
}

/** `count` null: forever (an empty dataset stays empty). */
export function repeatCardinality(n: number, count: number | null): number {
  if (n === 0 || count === 0) return 0;
  if (count === null) return INF;
  return n < 0 ? n : n * count;
}

/** The shortest input; unknown when any is unknown. */
export function zipCardinality(ns: readonly number[]): number {
  if (ns.includes(UNKNOWN)) return UNKNOWN;
  const finite = ns.filter((n) => n !== INF);
  return finite.length === 0 ? INF : Math.min(...finite);
}

export function concatenateCardinality(a: number, b: number): number {
  if (a === INF || b === INF) return INF;
  return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a + b;
}
