/**
 * `st.datasets.bostonHousing`: 506 Boston suburbs in the 1970s, 13 features each, and the median
 * home value in k$ (Keras's `keras.datasets.boston_housing`), read from Keras's
 * `boston_housing.npz`.
 *
 * Keras's warning applies: the feature "B" encodes a racial assumption; use this dataset only to
 * illustrate that problem, or to follow material that uses it.
 *
 * Returns `[[xTrain, yTrain], [xTest, yTest]]` with shapes [404,13], [404], [102,13], [102] for
 * the default split. As Keras does, the rows are shuffled by `np.random.RandomState(seed)` (replayed
 * exactly, so `yTrain[:5]` is 15.2 42.3 50 21.1 17.7 as in the book) and the first
 * `int(506 · (1 − testSplit))` rows form the training set. Keras returns float64 arrays; here the
 * tensors are float32 unless `dtype: "float64"` is asked for.
 */
import { ValueError } from "../../errors.js";
import { parseNpz } from "../../io/npy.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile } from "./cache.js";
import type { Splits } from "./common.js";
import { RandomState } from "./random-state.js";

const FILE_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5";

export interface BostonHousingOptions extends DatasetOptions {
  /** File name in the cache folder (Keras's `path`). Default `"boston_housing.npz"`. */
  path?: string;
  /** Fraction of the rows kept for the test set, in [0, 1). Default 0.2. */
  testSplit?: number;
  /** Seed of the shuffle before the split. Default 113. */
  seed?: number;
  /** dtype of the returned tensors. Default "float32". */
  dtype?: "float32" | "float64";
}

/** `keras.datasets.boston_housing.load_data(...)`: see the file comment. */
export async function loadData(opts: BostonHousingOptions = {}): Promise<Splits<Tensor, Tensor>> {
  const testSplit = opts.testSplit ?? 0.2;
  if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit < 1)) {
    throw new ValueError(
      `bostonHousing.loadData: testSplit must be in [0, 1). Received: testSplit=${testSplit}`,
    );
  }
  const dtype = opts.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new ValueError(
      `bostonHousing.loadData: dtype must be "float32" or "float64". Received: dtype=${String(dtype)}`,
    );
  }
  const fname = opts.path ?? "boston_housing.npz";
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}boston_housing.npz`, hash: FILE_SHA256 },
    opts,
  );
  const arrays = parseNpz(bytes, { keys: ["x", "y"], keepFloat64: dtype === "float64" }, fname);
  const x = arrays.get("x")!;
  const y = arrays.get("y")!;
  const n = y.shape[0] ?? 0;
  if (
    x.shape.length !== 2 ||
    y.shape.length !== 1 ||
    x.shape[0] !== n ||
    Array.isArray(x.data) ||
    Array.isArray(y.data)
  ) {
    throw new ValueError(`${fname}: expected numeric x of shape [n, features] and y of shape [n]`);
  }
  const features = x.shape[1]!;
  const order = new RandomState(opts.seed ?? 113).permutation(n);
  // Python's int(len(x) * (1 - test_split)): the same double arithmetic, truncated.
  const nTrain = Math.trunc(n * (1 - testSplit));
  const alloc = (size: number): Float32Array | Float64Array =>
    dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  const xData = x.data;
  const yData = y.data;
  const rows = (from: number, to: number): [Tensor, Tensor] => {
    const xs = alloc((to - from) * features);
    const ys = alloc(to - from);
    for (let r = from; r < to; r++) {
      const src = order[r]!;
      xs.set(xData.subarray(src * features, (src + 1) * features), (r - from) * features);
      ys[r - from] = yData[src]!;
    }
    return [fromValues(xs, [to - from, features]), fromValues(ys, [to - from])];
  };
  return [rows(0, nTrain), rows(nTrain, n)];
}
