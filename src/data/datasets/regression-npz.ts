/**
 * The loader Keras's two regression datasets share (boston_housing, california_housing): an
 * `.npz` with `x` [n, features] and `y` [n] fetched from Keras's origin, the first `rows` of it
 * shuffled by `np.random.RandomState(seed)` (replayed exactly) and split as Keras splits it: the
 * first `int(rows · (1 − testSplit))` for training. float32 unless `dtype: "float64"` is asked for.
 */
import { ValueError } from "../../errors.js";
import { parseNpz } from "../../io/npy.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile } from "./cache.js";
import type { Splits } from "./common.js";
import { RandomState } from "./random-state.js";

export interface RegressionNpzOptions extends DatasetOptions {
  /** File name in the cache folder (Keras's `path`). Default: Keras's file name. */
  path?: string;
  /** Fraction of the rows kept for the test set, in [0, 1). Default 0.2. */
  testSplit?: number;
  /** Seed of the shuffle before the split. Default 113. */
  seed?: number;
  /** dtype of the returned tensors. Default "float32". */
  dtype?: "float32" | "float64";
}

/** Loads `file` (Keras's name and sha256) as above; `rows(n)` picks how many of its n rows to keep. */
export async function loadRegressionNpz(
  where: string,
  file: { name: string; sha256: string },
  opts: RegressionNpzOptions,
  rows: (n: number) => number = (n) => n,
): Promise<Splits<Tensor, Tensor>> {
  const testSplit = opts.testSplit ?? 0.2;
  if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit < 1)) {
    throw new ValueError(
      `${where}: testSplit must be in [0, 1). Received: testSplit=${String(testSplit)}`,
    );
  }
  const dtype = opts.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new ValueError(
      `${where}: dtype must be "float32" or "float64". Received: dtype=${String(dtype)}`,
    );
  }
  const fname = opts.path ?? file.name;
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}${file.name}`, hash: file.sha256 },
    opts,
  );
  const arrays = parseNpz(bytes, { keys: ["x", "y"], keepFloat64: dtype === "float64" }, fname);
  const x = arrays.get("x")!;
  const y = arrays.get("y")!;
  const rowsIn = y.shape[0] ?? 0;
  if (
    x.shape.length !== 2 ||
    y.shape.length !== 1 ||
    x.shape[0] !== rowsIn ||
    Array.isArray(x.data) ||
    Array.isArray(y.data)
  ) {
    throw new ValueError(`${fname}: expected numeric x of shape [n, features] and y of shape [n]`);
  }
  const n = rows(rowsIn);
  const features = x.shape[1]!;
  const order = new RandomState(opts.seed ?? 113).permutation(n);
  // Python's int(len(x) * (1 - test_split)): the same double arithmetic, truncated.
  const nTrain = Math.trunc(n * (1 - testSplit));
  const alloc = (size: number): Float32Array | Float64Array =>
    dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  const xData = x.data;
  const yData = y.data;
  const split = (from: number, to: number): [Tensor, Tensor] => {
    const xs = alloc((to - from) * features);
    const ys = alloc(to - from);
    for (let r = from; r < to; r++) {
      const src = order[r]!;
      for (let j = 0; j < features; j++) {
        xs[(r - from) * features + j] = Number(xData[src * features + j]);
      }
      ys[r - from] = Number(yData[src]);
    }
    return [fromValues(xs, [to - from, features]), fromValues(ys, [to - from])];
  };
  return [split(0, nTrain), split(nTrain, n)];
}
