/** Keras's automatic names (layers, models, metrics, optimizers): one counter per prefix. */
const nameCounts = new Map<string, number>();

/** Keras's unique layer names: "dense", then "dense_1", "dense_2" … */
export function uniqueName(prefix: string): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Keras `clear_session`: restarts the automatic layer names. */
export function resetNames(): void {
  nameCounts.clear();
}

/**
 * Keras `backend.get_uid(prefix)`: the next number of `prefix`'s counter — the counter automatic
 * names draw from, so after one `Dense` (named "dense") `getUid("dense")` is 2.
 */
export function getUid(prefix = ""): number {
  const n = (nameCounts.get(prefix) ?? 0) + 1;
  nameCounts.set(prefix, n);
  return n;
}
