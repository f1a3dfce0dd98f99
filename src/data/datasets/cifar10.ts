/**
 * `st.datasets.cifar10`: 50,000 training and 10,000 test 32×32 colour images in 10 classes
 * (Keras's `keras.datasets.cifar10`), read from `cifar-10-python.tar.gz` (the Toronto archive
 * Keras downloads, checked against Keras's sha256).
 *
 * Returns `[[xTrain, yTrain], [xTest, yTest]]` with shapes [50000,32,32,3], [50000,1],
 * [10000,32,32,3], [10000,1] (channels last, labels with a trailing axis of 1, as Keras).
 * uint8 as in Keras (the training images take 150 MB). Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog,
 * 7 horse, 8 ship, 9 truck.
 *
 * The archive holds `cifar-10-batches-py/data_batch_1` … `_5` and `test_batch`: Python pickles of
 * dicts with `data` (a uint8 array of [N, 3072] rows, channel-major 3×32×32) and `labels` (a list),
 * read with the restricted unpickler. A folder `cifar-10-batches-py/` already extracted in the cache
 * folder is read as it is, without a hash check.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { StrataError } from "../../errors.js";
import { PickledArray, unpickle } from "../../io/pickle.js";
import { readTar } from "../../io/tar.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type DatasetOptions, datasetsDir, getFile } from "./cache.js";
import type { Splits } from "./common.js";

const URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz";
const FILE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce";
const FOLDER = "cifar-10-batches-py";
const TRAIN_BATCHES = [
  "data_batch_1",
  "data_batch_2",
  "data_batch_3",
  "data_batch_4",
  "data_batch_5",
];
const PIXELS = 32 * 32;

export interface Batch {
  data: Uint8Array;
  labels: number[];
}

/** Keras's `load_batch`: one pickled batch → raw [N, 3072] bytes and its labels. */
export function parseBatch(bytes: Uint8Array, where: string, labelKey = "labels"): Batch {
  const dict = unpickle(bytes, where);
  if (!(dict instanceof Map)) throw new StrataError(`${where}: expected a pickled dict`);
  const data = dict.get("data");
  const labels = dict.get(labelKey);
  if (
    !(data instanceof PickledArray) ||
    data.descr !== "|u1" ||
    !(data.data instanceof Uint8Array)
  ) {
    throw new StrataError(`${where}: "data" must be a uint8 array`);
  }
  const n = data.shape[0] ?? 0;
  if (data.shape.length !== 2 || data.shape[1] !== 3 * PIXELS || data.fortranOrder) {
    throw new StrataError(
      `${where}: "data" must have shape (N, 3072); received (${data.shape.join(", ")})`,
    );
  }
  if (!Array.isArray(labels) || labels.length !== n || !labels.every((l) => Number.isInteger(l))) {
    throw new StrataError(`${where}: "${labelKey}" must be a list of ${n} integers`);
  }
  return { data: data.data, labels: labels as number[] };
}

/** Concatenates batches into NHWC images (from Keras's channel-major rows) and [N, 1] labels. */
export function toTensors(batches: Batch[]): [Tensor, Tensor] {
  const n = batches.reduce((s, b) => s + b.labels.length, 0);
  const x = new Uint8ClampedArray(n * 3 * PIXELS);
  const y = new Uint8ClampedArray(n);
  let row = 0;
  for (const b of batches) {
    for (let i = 0; i < b.labels.length; i++, row++) {
      y[row] = b.labels[i]!;
      const src = i * 3 * PIXELS;
      const dst = row * 3 * PIXELS;
      // Row layout is [channel][pixel]; NHWC wants [pixel][channel].
      for (let p = 0; p < PIXELS; p++) {
        x[dst + 3 * p] = b.data[src + p]!;
        x[dst + 3 * p + 1] = b.data[src + PIXELS + p]!;
        x[dst + 3 * p + 2] = b.data[src + 2 * PIXELS + p]!;
      }
    }
  }
  return [fromValues(x, [n, 32, 32, 3]), fromValues(y, [n, 1])];
}

/** The six batch files, by name: from an extracted folder, or from the (downloaded) archive. */
async function batchFiles(opts: DatasetOptions): Promise<Map<string, Uint8Array>> {
  const folder = join(datasetsDir(opts), FOLDER);
  const files = new Map<string, Uint8Array>();
  if ((await stat(join(folder, "data_batch_1")).catch(() => null))?.isFile()) {
    for (const name of [...TRAIN_BATCHES, "test_batch"]) {
      files.set(name, await readFile(join(folder, name)));
    }
    return files;
  }
  const gz = await getFile({ fname: "cifar-10-python.tar.gz", url: URL, hash: FILE_SHA256 }, opts);
  let tar: Uint8Array;
  try {
    tar = gunzipSync(gz);
  } catch (err) {
    throw new StrataError(
      `cifar-10-python.tar.gz: not a valid gzip file (${(err as Error).message})`,
    );
  }
  for (const entry of readTar(tar, "cifar-10-python.tar.gz")) {
    const name = entry.name.replace(/^\.\//, "");
    if (name.startsWith(`${FOLDER}/`)) files.set(name.slice(FOLDER.length + 1), entry.data);
  }
  return files;
}

/** `keras.datasets.cifar10.load_data()`: see the file comment. */
export async function loadData(opts: DatasetOptions = {}): Promise<Splits<Tensor, Tensor>> {
  const files = await batchFiles(opts);
  const batch = (name: string): Batch => {
    const bytes = files.get(name);
    if (!bytes) throw new StrataError(`cifar10: the archive has no ${FOLDER}/${name}`);
    return parseBatch(bytes, `${FOLDER}/${name}`);
  };
  return [toTensors(TRAIN_BATCHES.map(batch)), toTensors([batch("test_batch")])];
}
