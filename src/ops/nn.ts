import { record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { allocate, isFloat } from "../tensor/dtype.js";
import {
  ForkedSeed,
  type Seed,
  SeedGenerator,
  generatorFor,
  permutation,
} from "../tensor/random.js";
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import { type Tensor, freshValues } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, hostStorage, kernels } from "./core.js";
import { multiply } from "./elementwise.js";

function checkSeed(seed: Seed | undefined, op: string): void {
  if (
    seed !== undefined &&
    !(seed instanceof SeedGenerator || seed instanceof ForkedSeed) &&
    !Number.isInteger(seed)
  ) {
    throw new ValueError(`${op}: seed must be an integer; received ${seed}`);
  }
}

export interface DropoutOptions {
  /**
   * Shape of the keep/drop mask, broadcast against x (one entry per axis of x; 1 shares one
   * decision along that axis, null takes x's size). Default: x's shape.
   */
  noiseShape?: readonly (number | null)[];
  /**
   * A number gives the same mask on every call; a SeedGenerator new masks from its stream;
   * without one the global generator is used.
   */
  seed?: Seed;
}

function resolveNoiseShape(
  noiseShape: readonly (number | null)[],
  shape: readonly number[],
): number[] {
  const resolved = noiseShape.map((d, i) => (d === null ? shape[i] : d));
  const fits =
    resolved.length === shape.length &&
    resolved.every((d, i) => Number.isInteger(d) && (d === 1 || d === shape[i]));
  if (!fits) {
    throw new ShapeError(
      `dropout: noiseShape ${JSON.stringify(noiseShape)} does not broadcast to the input shape ` +
        `${fmtShape(shape)} (each entry must be 1, null or the input's size)`,
    );
  }
  return resolved as number[];
}

/**
 * Keras `random.dropout`: zeroes each entry with probability `rate` and scales the kept ones by
 * 1/(1 − rate) ("inverted" dropout), so the expected value is unchanged and inference needs no
 * rescaling. The gradient is the same mask times dy.
 */
export function dropout(x: TensorLike, rate: number, opts: DropoutOptions = {}): Tensor {
  const t = asTensor(x);
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
    throw new ValueError(`dropout: rate must be a number in [0, 1); received ${String(rate)}`);
  }
  checkSeed(opts.seed, "dropout");
  const shape = opts.noiseShape ? resolveNoiseShape(opts.noiseShape, t.shape) : [...t.shape];
  if (rate === 0) return t;
  const dtype = isFloat(t.dtype) ? t.dtype : "float32";
  // Kept with probability 1 − rate: u ∈ [0, 1) is at least `rate` that often.
  const scale = 1 / (1 - rate);
  const size = sizeOf(shape);
  const mask = freshValues(() => {
    const values = allocate(dtype, size);
    const g = generatorFor(opts.seed);
    for (let i = 0; i < size; i++) values[i] = g.uniform() >= rate ? scale : 0;
    return values;
  }, shape);
  // d(x ⊙ m) = m ⊙ dx; multiply records it (the mask is a constant).
  return multiply(isFloat(t.dtype) ? t : castTo(t, dtype), mask);
}

/** out[..., j, ...] = x[..., perm[j], ...] along `axis`. */
function permuteAxis(x: Tensor, perm: Int32Array, axis: number): Tensor {
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = empty(x.shape, x.dtype);
  if (x.size > 0)
    kernels().gather(x.storage, hostStorage(perm), out.storage, outer, perm.length, inner);
  // A permutation's adjoint is its inverse: entry perm[j] of dx receives dy[j].
  return record(out, [x], (dy) => {
    const inverse = new Int32Array(perm.length);
    perm.forEach((p, j) => (inverse[p] = j));
    return [permuteAxis(dy, inverse, axis)];
  });
}

export interface ShuffleOptions {
  /** The axis whose entries are permuted (default 0: the rows / samples). */
  axis?: number;
  seed?: Seed;
}

/** Keras `random.shuffle`: a random permutation of x's entries along `axis`. */
export function shuffle(x: TensorLike, opts: ShuffleOptions = {}): Tensor {
  const t = asTensor(x);
  const { axis = 0, seed } = opts;
  if (t.rank === 0)
    throw new ValueError(`shuffle: x must have at least one axis; received a scalar`);
  checkSeed(seed, "shuffle");
  const a = normalizeAxis(axis, t.rank, "shuffle");
  return permuteAxis(t, permutation(t.shape[a]!, seed), a);
}
