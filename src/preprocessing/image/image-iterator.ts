/**
 * The base of Keras's legacy image iterators (keras.preprocessing.image.Iterator): an endless
 * async iterator of batches, epoch after epoch. Each epoch walks the samples in order, or in a new
 * permutation when shuffling; its last batch may be short. `length` is the number of batches in an
 * epoch (Keras `len(iterator)`). With a seed, batch k draws its order and its transforms from
 * NumPy's legacy generator seeded with `seed + k` (k counts every batch served), as Keras does.
 *
 * An iterator is its own async iterator, like a Python iterator: a `for await` loop that breaks
 * leaves it where it stopped, and the next loop goes on from there. Being endless, it needs
 * `stepsPerEpoch` in `fit` (and `steps` / `validationSteps` elsewhere); `it.length` is one epoch,
 * and then each epoch of `fit` is exactly one of the iterator's epochs, as in Keras.
 */
import { INFINITE_CARDINALITY } from "../../data/dataset/cardinality.js";
import { ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { LegacyRandom } from "./legacy-random.js";

/** Rejects option names the call does not know (a Python spelling such as batch_size, say). */
export function checkKeys(options: object, known: readonly string[], where: string): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new ValueError(`${where}: unknown option '${k}'; expected one of ${known.join(", ")}`);
    }
  }
}

/** x alone (no labels), [x, y], or [x, y, sampleWeight]; y is one tensor per output for "multi_output". */
export type ImageBatch = Tensor | [Tensor, Tensor | Tensor[]] | [Tensor, Tensor | Tensor[], Tensor];

export abstract class ImageIterator implements AsyncIterableIterator<ImageBatch> {
  batchIndex = 0;
  totalBatchesSeen = 0;
  private indexArray: Int32Array | null = null;

  constructor(
    /** Samples in an epoch. */
    readonly n: number,
    readonly batchSize: number,
    readonly shuffle: boolean,
    readonly seed: number | undefined,
    /** What the iterator reads, for messages ("flow", or flowFromDirectory and its folder). */
    private readonly where: string,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`${where}: batchSize must be a positive integer; received ${batchSize}`);
    }
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) {
      throw new ValueError(`${where}: seed must be a non-negative integer; received ${seed}`);
    }
  }

  /** Batches per epoch (Keras `len(iterator)`). */
  get length(): number {
    return Math.ceil(this.n / this.batchSize);
  }

  /** Endless, as tf.data says of a repeated dataset; `length` gives the batches per epoch. */
  cardinality(): number {
    return INFINITE_CARDINALITY;
  }

  /** Starts a new epoch at the next batch. */
  reset(): void {
    this.batchIndex = 0;
  }

  async next(): Promise<IteratorResult<ImageBatch>> {
    if (this.n === 0) throw new ValueError(`${this.where}: there are no images to iterate over`);
    const rng = new LegacyRandom(
      this.seed === undefined ? undefined : (this.seed + this.totalBatchesSeen) % 2 ** 32,
    );
    if (this.batchIndex === 0 || this.indexArray === null) {
      this.indexArray = this.shuffle
        ? rng.permutation(this.n)
        : Int32Array.from({ length: this.n }, (_, i) => i);
    }
    const current = (this.batchIndex * this.batchSize) % this.n;
    this.batchIndex = this.n > current + this.batchSize ? this.batchIndex + 1 : 0;
    this.totalBatchesSeen++;
    const indices = this.indexArray.slice(current, current + this.batchSize);
    return { done: false, value: await this.batchOf(indices, rng) };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The batch of the samples at `indices`, their transforms drawn from `rng` in order. */
  protected abstract batchOf(indices: Int32Array, rng: LegacyRandom): Promise<ImageBatch>;
}
