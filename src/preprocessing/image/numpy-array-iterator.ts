/**
 * `flow(x, y)`: Keras's NumpyArrayIterator. Batches of augmented, normalized images taken from a
 * rank-4 tensor, with their labels and sample weights. `subset` takes the generator's
 * `validationSplit`: the first ⌊n · split⌋ samples are "validation", the rest "training"; as in
 * Keras, both sides must hold the same set of label values unless `ignoreClassSplit`.
 */
import { ValueError } from "../../errors.js";
import { asTensor, type TensorLike } from "../../ops/core.js";
import { cast } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { slice } from "../../ops/join.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { BatchAugmenter } from "./augmenter.js";
import { type ImageBatch, ImageIterator, checkKeys } from "./image-iterator.js";
import type { LegacyRandom } from "./legacy-random.js";
import {
  SAVE_KEYS,
  type SaveOptions,
  type SaveTarget,
  saveBatch,
  saveTargetOf,
} from "./save-batch.js";

export interface FlowOptions extends SaveOptions {
  batchSize?: number;
  shuffle?: boolean;
  sampleWeight?: TensorLike | null;
  seed?: number;
  subset?: "training" | "validation" | null;
  ignoreClassSplit?: boolean;
}

const FLOW_KEYS = [
  "batchSize",
  "shuffle",
  "sampleWeight",
  "seed",
  "subset",
  "ignoreClassSplit",
  ...SAVE_KEYS,
];
/** Keras draws the saved files' hashes below 10^4 in `flow`. */
const HASH_BOUND = 1e4;

export class NumpyArrayIterator extends ImageIterator {
  readonly x: Tensor;
  readonly y: Tensor | null;
  readonly sampleWeight: Tensor | null;
  private readonly save: SaveTarget | null;

  constructor(
    x: TensorLike,
    y: TensorLike | null,
    private readonly generator: BatchAugmenter,
    options: FlowOptions = {},
  ) {
    checkKeys(options, FLOW_KEYS, "flow");
    const save = saveTargetOf(options, "flow");
    let xs = cast(asTensor(x), "float32");
    let ys = y === null ? null : asTensor(y);
    let sw = options.sampleWeight == null ? null : asTensor(options.sampleWeight);
    const n = xs.shape[0] ?? 0;
    if (ys && ys.shape[0] !== n) {
      throw new ValueError(
        `flow: x (images) and y (labels) should have the same length; received x.shape=[${xs.shape.join(", ")}], y.shape=[${ys.shape.join(", ")}]`,
      );
    }
    if (sw && sw.shape[0] !== n) {
      throw new ValueError(
        `flow: x (images) and sampleWeight should have the same length; received x.shape=[${xs.shape.join(", ")}], sampleWeight.shape=[${sw.shape.join(", ")}]`,
      );
    }
    const subset = options.subset ?? null;
    if (subset !== null) {
      if (subset !== "training" && subset !== "validation") {
        throw new ValueError(
          `flow: invalid subset name ${JSON.stringify(subset)}; expected "training" or "validation"`,
        );
      }
      const at = Math.floor(n * generator.validationSplit);
      if (ys && !options.ignoreClassSplit && !sameValues(rows(ys, 0, at), rows(ys, at, n))) {
        throw new ValueError(
          "flow: training and validation subsets have different numbers of classes after the split. If your arrays are sorted by the label, you might want to shuffle them.",
        );
      }
      const [from, to] = subset === "validation" ? [0, at] : [at, n];
      xs = rows(xs, from, to);
      ys = ys && rows(ys, from, to);
      sw = sw && rows(sw, from, to);
    }
    if (xs.rank !== 4) {
      throw new ValueError(
        `flow: input data should have rank 4; received an array with shape [${xs.shape.join(", ")}]`,
      );
    }
    super(xs.shape[0]!, options.batchSize ?? 32, options.shuffle ?? true, options.seed, "flow");
    this.x = xs;
    this.y = ys;
    this.sampleWeight = sw;
    this.save = save;
  }

  protected async batchOf(indices: Int32Array, rng: LegacyRandom): Promise<ImageBatch> {
    const idx = tensor(indices);
    const image = this.x.shape.slice(1);
    const params = Array.from(indices, () => this.generator.drawTransform(image, rng));
    const x = this.generator.standardizeBatch(
      this.generator.transformBatch(take(this.x, idx, 0), params),
    );
    if (this.save) {
      await saveBatch(this.save, x, indices, rng, HASH_BOUND, this.generator.dataFormat);
    }
    if (this.y === null) return x;
    const y = take(this.y, idx, 0);
    if (this.sampleWeight === null) return [x, y];
    return [x, y, take(this.sampleWeight, idx, 0)];
  }
}

function rows(t: Tensor, from: number, to: number): Tensor {
  return slice(t, [from, ...t.shape.slice(1).map(() => 0)], [to - from, ...t.shape.slice(1)]);
}

/** NumPy's `array_equal(unique(a), unique(b))` over all values. */
function sameValues(a: Tensor, b: Tensor): boolean {
  const values = (t: Tensor): (string | number)[] =>
    t.dtype === "string" ? t.stringValues() : Array.from(t.dataSync());
  const ua = [...new Set(values(a))].map(String).sort();
  const ub = [...new Set(values(b))].map(String).sort();
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}
