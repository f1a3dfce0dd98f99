/**
 * `st.datasets.cifar100`: 50,000 training and 10,000 test 32×32 colour images in 100 fine classes
 * grouped into 20 coarse ones (Keras's `keras.datasets.cifar100`), read from
 * `cifar-100-python.tar.gz` (the Toronto archive Keras downloads, checked against Keras's sha256).
 *
 * Returns `[[xTrain, yTrain], [xTest, yTest]]` with shapes [50000,32,32,3], [50000,1],
 * [10000,32,32,3], [10000,1], uint8, channels last, as Keras; `labelMode` picks the fine (default)
 * or coarse labels. The archive holds `cifar-100-python/train` and `test`: pickled dicts with
 * `data` (uint8 [N, 3072], channel-major) and `fine_labels` / `coarse_labels`, parsed as CIFAR-10's
 * batches are. A folder `cifar-100-python/` already extracted in the cache folder is read as it is,
 * without a hash check.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { StrataError, ValueError } from "../../errors.js";
import { readTar } from "../../io/tar.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type DatasetOptions, datasetsDir, getFile } from "./cache.js";
import { parseBatch, toTensors } from "./cifar10.js";
import type { Splits } from "./common.js";

const URL = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz";
const FILE_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7";
const ARCHIVE = "cifar-100-python.tar.gz";
const FOLDER = "cifar-100-python";

export interface Cifar100Options extends DatasetOptions {
  /** "fine" (100 classes, the default) or "coarse" (20 superclasses) */
  labelMode?: "fine" | "coarse";
}

/** The train and test files: from an extracted folder, or from the (downloaded) archive. */
async function batchFiles(opts: DatasetOptions): Promise<Map<string, Uint8Array>> {
  const folder = join(datasetsDir(opts), FOLDER);
  const files = new Map<string, Uint8Array>();
  if ((await stat(join(folder, "train")).catch(() => null))?.isFile()) {
    for (const name of ["train", "test"]) files.set(name, await readFile(join(folder, name)));
    return files;
  }
  const gz = await getFile({ fname: ARCHIVE, url: URL, hash: FILE_SHA256 }, opts);
  let tar: Uint8Array;
  try {
    tar = gunzipSync(gz);
  } catch (err) {
    throw new StrataError(`${ARCHIVE}: not a valid gzip file (${(err as Error).message})`);
  }
  for (const entry of readTar(tar, ARCHIVE)) {
    const name = entry.name.replace(/^\.\//, "");
    if (name.startsWith(`${FOLDER}/`)) files.set(name.slice(FOLDER.length + 1), entry.data);
  }
  return files;
}

/** `keras.datasets.cifar100.load_data(label_mode)`: see the file comment. */
export async function loadData(opts: Cifar100Options = {}): Promise<Splits<Tensor, Tensor>> {
  const labelMode = opts.labelMode ?? "fine";
  if (labelMode !== "fine" && labelMode !== "coarse")
    throw new ValueError(
      `cifar100.loadData: labelMode must be one of "fine", "coarse". Received: labelMode=${String(labelMode)}`,
    );
  const files = await batchFiles(opts);
  const batch = (name: string) => {
    const bytes = files.get(name);
    if (!bytes) throw new StrataError(`cifar100: the archive has no ${FOLDER}/${name}`);
    return parseBatch(bytes, `${FOLDER}/${name}`, `${labelMode}_labels`);
  };
  return [toTensors([batch("train")]), toTensors([batch("test")])];
}
