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
import type { Tensor } from "../../tensor/tensor.js";
import type { Splits } from "./common.js";
import { type RegressionNpzOptions, loadRegressionNpz } from "./regression-npz.js";

const FILE_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f";
const SMALL_ROWS = 600;

export interface CaliforniaHousingOptions extends RegressionNpzOptions {
  /** "large" (all 20,640 rows, the default) or "small" (the first 600) */
  version?: "large" | "small";
}

/** `keras.datasets.california_housing.load_data(...)`: see the file comment. */
export function loadData(opts: CaliforniaHousingOptions = {}): Promise<Splits<Tensor, Tensor>> {
  const where = "californiaHousing.loadData";
  const version = opts.version ?? "large";
  if (version !== "large" && version !== "small") {
    return Promise.reject(
      new ValueError(
        `${where}: version must be one of "small", "large". Received: version=${String(version)}`,
      ),
    );
  }
  return loadRegressionNpz(
    where,
    { name: "california_housing.npz", sha256: FILE_SHA256 },
    opts,
    (n) => (version === "small" ? Math.min(SMALL_ROWS, n) : n),
  );
}
