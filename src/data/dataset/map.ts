/** map (sync or async, optionally several calls in flight, order kept) and filter. */
import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Pass } from "./sources.js";

/** A promise whose rejection is reported when awaited, not as unhandled while it waits in a queue. */
export function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * With `parallel` > 1, up to that many calls of `fn` run at once: each new input element starts
 * its call as soon as a slot frees, and results come out in input order.
 */
export function mapPass<T, U>(
  input: Pass<T>,
  fn: (x: T) => U | Promise<U>,
  parallel: number,
): Pass<U> {
  if (parallel <= 1) {
    return async function* () {
      for await (const item of input()) yield await fn(item);
    };
  }
  return async function* () {
    const it = input()[Symbol.asyncIterator]();
    const inFlight: Promise<U>[] = [];
    let done = false;
    try {
      for (;;) {
        while (!done && inFlight.length < parallel) {
          const next = await it.next();
          if (next.done) done = true;
          else inFlight.push(held(Promise.resolve().then(() => fn(next.value))));
        }
        const first = inFlight.shift();
        if (first === undefined) return;
        yield await first;
      }
    } finally {
      if (!done) await it.return?.();
    }
  };
}

export function filterPass<T>(
  input: Pass<T>,
  predicate: (x: T) => unknown | Promise<unknown>,
): Pass<T> {
  return async function* () {
    for await (const item of input()) if (truthy(await predicate(item))) yield item;
  };
}

/** A predicate's answer: a boolean, or a scalar tensor as tf.data's predicates return. */
function truthy(v: unknown): boolean {
  if (!(v instanceof Tensor)) return Boolean(v);
  if (v.size !== 1)
    throw new ValueError(
      `Dataset.filter: the predicate must return a boolean or a scalar tensor; received a tensor of shape [${v.shape.join(",")}]`,
    );
  return Boolean(v.item());
}
