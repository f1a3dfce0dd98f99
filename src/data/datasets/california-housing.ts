/**
 * `st.datasets.californiaHousing`: 20,640 California block groups from the 1990 census, 8
 * features each (median income, house age, average rooms and bedrooms, population, average
 * occupancy, latitude, longitude), and the median house value in dollars (Keras's
 * `keras.datasets.california_housing`), read from Keras's `california_housing.npz`.
 *
 * `version: "small"` keeps the first 600 rows (Keras's stand-in for boston_housing). As Keras
 * does, the rows are shuffled by `np.random.RandomState(seed)` (replayed exactly) and the first
 * `int(n · (1 − testSplit))` form the training set. Returns `[[xTrain, yTrain], [xTest, yTest]]`,
 * x [rows, 8] and y [rows]; float32 unless `dtype: "float64"` is asked for (as bostonHousing).
 */
import { ValueError } from "../../errors.js";
import { parseNpz } from "../../io/npy.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile } from "./cache.js";
import type { Splits } from "./common.js";
import { RandomState } from "./random-state.js";

const FILE_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f";
const SMALL_ROWS = 600;

export interface CaliforniaHousingOptions extends DatasetOptions {
  /** "large" (all 20,640 rows, the default) or "small" (the first 600) */
  version?: "large" | "small";
  /** File name in the cache folder (Keras's `path`). Default `"california_housing.npz"`. */
  path?: string;
  /** Fraction of the rows kept for the test set, in [0, 1). Default 0.2. */
  testSplit?: number;
  /** Seed of the shuffle before the split. Default 113. */
  seed?: number;
  /** dtype of the returned tensors. Default "float32". */
  dtype?: "float32" | "float64";
}

/** `keras.datasets.california_housing.load_data(...)`: see the file comment. */
export async function loadData(
  opts: CaliforniaHousingOptions = {},
): Promise<Splits<Tensor, Tensor>> {
  const where = "californiaHousing.loadData";
  const testSplit = opts.testSplit ?? 0.2;
  if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit < 1))
    throw new ValueError(
      `${where}: testSplit must be in [0, 1). Received: testSplit=${String(testSplit)}`,
    );
  const version = opts.version ?? "large";
  if (version !== "large" && version !== "small")
    throw new ValueError(
      `${where}: version must be one of "small", "large". Received: version=${String(version)}`,
    );
  const dtype = opts.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64")
    throw new ValueError(
      `${where}: dtype must be "float32" or "float64". Received: dtype=${String(dtype)}`,
    );
  const fname = opts.path ?? "california_housing.npz";
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}california_housing.npz`, hash: FILE_SHA256 },
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
  )
    throw new ValueError(`${fname}: expected numeric x of shape [n, features] and y of shape [n]`);
  const n = version === "small" ? Math.min(SMALL_ROWS, rowsIn) : rowsIn;
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
      for (let j = 0; j < features; j++)
        xs[(r - from) * features + j] = Number(xData[src * features + j]);
      ys[r - from] = Number(yData[src]);
    }
    return [fromValues(xs, [to - from, features]), fromValues(ys, [to - from])];
  };
  return [rows(0, nTrain), rows(nTrain, n)];
}
