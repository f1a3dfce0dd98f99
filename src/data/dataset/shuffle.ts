/**
 * tf.data's shuffle: a buffer of `bufferSize` elements; each output is a random one of the
 * buffer, whose place the next input element takes. A buffer at least as large as the dataset
 * gives a uniform permutation; a smaller one shuffles locally.
 */
import { Generator, SeedGenerator } from "../../tensor/random.js";
import type { Pass } from "./sources.js";

export function shufflePass<T>(
  input: Pass<T>,
  bufferSize: number,
  seed: number | undefined,
  reshuffleEachIteration: boolean,
): Pass<T> {
  // Seeded from the global generator when no seed is given, so setSeed fixes it (Keras).
  const streams = new SeedGenerator(seed).generator;
  const fixed = streams.fork();
  return async function* () {
    const g = new Generator(reshuffleEachIteration ? streams.fork() : fixed);
    const buffer: T[] = [];
    for await (const item of input()) {
      if (buffer.length < bufferSize) {
        buffer.push(item);
        continue;
      }
      const j = Math.floor(g.uniform() * bufferSize);
      const out = buffer[j]!;
      buffer[j] = item;
      yield out;
    }
    while (buffer.length > 0) {
      const j = Math.floor(g.uniform() * buffer.length);
      const out = buffer[j]!;
      buffer[j] = buffer[buffer.length - 1]!;
      buffer.pop();
      yield out;
    }
  };
}
