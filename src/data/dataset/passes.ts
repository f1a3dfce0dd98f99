/** Cutting and joining passes: take, skip, repeat, concatenate, zip, enumerate. */
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Pass } from "./sources.js";

export function takePass<T>(input: Pass<T>, count: number): Pass<T> {
  return async function* () {
    if (count === 0) return;
    let n = 0;
    for await (const item of input()) {
      yield item;
      if (++n >= count) return;
    }
  };
}

export function skipPass<T>(input: Pass<T>, count: number): Pass<T> {
  return async function* () {
    let n = 0;
    for await (const item of input()) if (n++ >= count) yield item;
  };
}

/** `count` null: forever; a pass that yields nothing ends it (tf.data does not spin on empty data). */
export function repeatPass<T>(input: Pass<T>, count: number | null): Pass<T> {
  return async function* () {
    for (let i = 0; count === null || i < count; i++) {
      let any = false;
      for await (const item of input()) {
        any = true;
        yield item;
      }
      if (!any) return;
    }
  };
}

export function concatenatePass<T, U>(a: Pass<T>, b: Pass<U>): Pass<T | U> {
  return async function* () {
    yield* a();
    yield* b();
  };
}

/** Elements of every input side by side, ending with the shortest. */
export function zipPass(inputs: readonly Pass<unknown>[]): Pass<unknown[]> {
  return async function* () {
    const its = inputs.map((p) => p()[Symbol.asyncIterator]());
    try {
      for (;;) {
        const nexts = await Promise.all(its.map((it) => it.next()));
        if (nexts.some((n) => n.done)) return;
        yield nexts.map((n) => n.value);
      }
    } finally {
      await Promise.all(its.map((it) => it.return?.()));
    }
  };
}

/** [index, element] with the index an int32 scalar counting from `start`. */
export function enumeratePass<T>(input: Pass<T>, start: number): Pass<[Tensor, T]> {
  return async function* () {
    let i = start;
    for await (const item of input()) yield [tensor(new Int32Array([i++]), []), item];
  };
}
