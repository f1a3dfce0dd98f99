/**
 * `st.datasets.mnist`: 60,000 training and 10,000 test 28×28 grayscale digits (Keras's
 * `keras.datasets.mnist`), read from Keras's `mnist.npz`.
 *
 * Returns `[[xTrain, yTrain], [xTest, yTest]]` with shapes [60000,28,28], [60000], [10000,28,28],
 * [10000], uint8 as in Keras: scale with `xTrain.cast("float32").div(255)` (or `xTrain.div(255)`).
 *
 * Hash rule: Keras checks the file's sha256. The offline copy of mnist.npz that CI uses holds
 * exactly Keras's arrays in a zip re-made with other member timestamps, so its file hash differs.
 * A local file whose sha256 does not match is therefore still accepted when the sha256 of each of
 * its four arrays' element bytes matches Keras's data (computed from LeCun's original files); a
 * download must match Keras's file hash.
 */
import { parseNpz, readNpyHeader } from "../../io/npy.js";
import { ZipReader } from "../../io/zip.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile, hashOf } from "./cache.js";
import { type Splits, tensorFrom } from "./common.js";

const FILE_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";

/** sha256 of each array's raw element bytes (uint8, C order) in Keras's mnist.npz. */
const ARRAY_SHA256: Record<string, string> = {
  x_train: "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
  y_train: "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
  x_test: "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
  y_test: "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
};

/** Whether an npz holds exactly Keras's four MNIST arrays (whatever its zip layout). */
export function hasKerasMnistArrays(bytes: Uint8Array): boolean {
  try {
    const zip = new ZipReader(bytes, "mnist.npz");
    return Object.entries(ARRAY_SHA256).every(([key, expected]) => {
      const member = zip.read(`${key}.npy`);
      const header = readNpyHeader(member, key);
      return (
        header.descr === "|u1" && hashOf(member.subarray(header.dataOffset), "sha256") === expected
      );
    });
  } catch {
    return false;
  }
}

export interface MnistOptions extends DatasetOptions {
  /** File name in the cache folder (Keras's `path`). Default `"mnist.npz"`. */
  path?: string;
}

/** `keras.datasets.mnist.load_data()`: see the file comment. */
export async function loadData(opts: MnistOptions = {}): Promise<Splits<Tensor, Tensor>> {
  const fname = opts.path ?? "mnist.npz";
  const bytes = await getFile(
    { fname, url: `${KERAS_ORIGIN}mnist.npz`, hash: FILE_SHA256, acceptLocal: hasKerasMnistArrays },
    opts,
  );
  const arrays = parseNpz(bytes, { keys: ["x_train", "y_train", "x_test", "y_test"] }, fname);
  return [
    [tensorFrom(arrays, "x_train", fname), tensorFrom(arrays, "y_train", fname)],
    [tensorFrom(arrays, "x_test", fname), tensorFrom(arrays, "y_test", fname)],
  ];
}
