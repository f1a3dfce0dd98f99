/** cache (in memory) and prefetch (work ahead of the consumer). */
import { held } from "./map.js";
import type { Pass } from "./sources.js";

/** The first complete pass is kept and replayed; a pass left early keeps nothing (tf.data). */
export function cachePass<T>(input: Pass<T>): Pass<T> {
  let cache: T[] | null = null;
  return async function* () {
    if (cache !== null) {
      yield* cache;
      return;
    }
    const filling: T[] = [];
    for await (const item of input()) {
      filling.push(item);
      yield item;
    }
    cache = filling;
  };
}

/**
 * Keeps `bufferSize` requests to the input in flight: while the consumer works on one element,
 * the next ones are being produced. At most `bufferSize` elements are produced ahead.
 */
export function prefetchPass<T>(input: Pass<T>, bufferSize: number): Pass<T> {
  return async function* () {
    const it = input()[Symbol.asyncIterator]();
    const ahead: Promise<IteratorResult<T>>[] = [];
    let finished = false;
    const fill = (): void => {
      while (ahead.length < bufferSize) ahead.push(held(it.next()));
    };
    try {
      fill();
      for (;;) {
        const r = await ahead.shift()!;
        if (r.done) {
          finished = true;
          return;
        }
        fill(); // before handing the element over, so the input runs while the consumer works
        yield r.value;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  };
}
