/**
 * What a lookup layer's `adapt` accumulates (Keras's `update_state` / `finalize_state`): each
 * token's count, and for "tf_idf" in how many documents (rows) it appears; then the vocabulary
 * by descending count with ties by descending token (Keras's `np.lexsort((tokens, counts))[::-1]`)
 * and the idf weights `log(1 + documents / (1 + document count))`. Only counts are kept, so
 * batches stream through.
 */
import { ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import { Tensor } from "../../../tensor/tensor.js";
import { declaredCount, withProgress } from "../../../utils/progbar.js";

export class TokenCounts<T> {
  private readonly counts = new Map<T, number>();
  private readonly documentCounts = new Map<T, number>();
  private documents = 0;

  get size(): number {
    return this.counts.size;
  }

  /**
   * Counts `tokens`; with `documents`, they are that many equal rows, each a document whose
   * distinct tokens are counted once.
   */
  add(tokens: readonly T[], documents: number | null): void {
    for (const tok of tokens) this.counts.set(tok, (this.counts.get(tok) ?? 0) + 1);
    if (documents === null) return;
    const per = documents === 0 ? 0 : tokens.length / documents;
    for (let d = 0; d < documents; d++) {
      for (const tok of new Set(tokens.slice(d * per, (d + 1) * per))) {
        this.documentCounts.set(tok, (this.documentCounts.get(tok) ?? 0) + 1);
      }
    }
    this.documents += documents;
  }

  /**
   * The counted tokens but `exclude`, most frequent first, ties by `compare` descending, at most
   * `limit` of them (null: all).
   */
  ranked(exclude: readonly T[], compare: (a: T, b: T) => number, limit: number | null): T[] {
    const skip = new Set(exclude);
    const entries = [...this.counts.entries()].filter(([t]) => !skip.has(t));
    entries.sort((a, b) => b[1] - a[1] || compare(b[0], a[0]));
    return (limit === null ? entries : entries.slice(0, Math.max(0, limit))).map(([t]) => t);
  }

  /** Keras's inverse document frequency of each token. */
  idf(tokens: readonly T[]): number[] {
    return tokens.map((t) =>
      Math.log(1 + this.documents / (1 + (this.documentCounts.get(t) ?? 0))),
    );
  }

  clear(): void {
    this.counts.clear();
    this.documentCounts.clear();
    this.documents = 0;
  }
}

/** What `adapt` accepts: a tensor or nested array, or a (async) iterable of batches such as a Dataset. */
export type AdaptData =
  Tensor | readonly unknown[] | Iterable<Tensor | TensorLike> | AsyncIterable<Tensor | TensorLike>;

/**
 * Keras's `adapt` walk: a tensor or array is one batch (a rank-1 one made a column, so each
 * value is its own document); an iterable or async iterable (a Dataset) yields batches, at most
 * `steps` of them. `where` names the layer in errors.
 */
export async function forEachAdaptBatch(
  data: AdaptData,
  steps: number | null,
  where: string,
  update: (batch: Tensor) => void,
  verbose: 0 | 1 = 1,
): Promise<void> {
  if (data instanceof Tensor || Array.isArray(data)) {
    const t = data instanceof Tensor ? data : asTensor(data as TensorLike);
    update(t.rank === 1 ? t.reshape([t.shape[0]!, 1]) : t);
    return;
  }
  if (!isIterable(data) && !isAsyncIterable(data)) {
    throw new ValueError(
      `${where}: adapt expects a tensor, an array, a Dataset or an iterable of batches; ` +
        `received ${String(data)}`,
    );
  }
  if (steps === 0) return;
  let i = 0;
  const total = declaredCount(data, steps);
  const batches = withProgress(data as AsyncIterable<unknown>, total, {
    verbose,
    unitName: "batch",
    label: "adapt: ",
  });
  for await (const batch of batches) {
    update(asBatch(batch, where));
    i++;
    if (steps !== null && i >= steps) break;
  }
}

/** One batch as a tensor (a tensor, or a nested array of tokens). */
export function asBatch(batch: unknown, where: string): Tensor {
  if (batch instanceof Tensor) return batch;
  if (
    Array.isArray(batch) ||
    ArrayBuffer.isView(batch) ||
    typeof batch === "string" ||
    typeof batch === "number"
  ) {
    return asTensor(batch as TensorLike);
  }
  throw new ValueError(
    `${where}: adapt expects batches that are tensors or arrays; received ${String(batch)}`,
  );
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return typeof x === "object" && x !== null && Symbol.iterator in x;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}
