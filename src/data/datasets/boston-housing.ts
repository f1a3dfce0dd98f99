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
import type { Tensor } from "../../tensor/tensor.js";
import type { Splits } from "./common.js";
import { type RegressionNpzOptions, loadRegressionNpz } from "./regression-npz.js";

const FILE_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5";

/** `path` (default `"boston_housing.npz"`), `testSplit` (0.2), `seed` (113), `dtype` ("float32"). */
export type BostonHousingOptions = RegressionNpzOptions;

/** `keras.datasets.boston_housing.load_data(...)`: see the file comment. */
export function loadData(opts: BostonHousingOptions = {}): Promise<Splits<Tensor, Tensor>> {
  return loadRegressionNpz(
    "bostonHousing.loadData",
    { name: "boston_housing.npz", sha256: FILE_SHA256 },
    opts,
  );
}
