/**
 * `st.datasets.fashionMnist`: 60,000 training and 10,000 test 28×28 grayscale images of 10 kinds
 * of clothing (Keras's `keras.datasets.fashion_mnist`), read from the four gzipped idx files Keras
 * downloads into the `fashion-mnist/` sub-folder of the cache.
 *
 * Returns `[[xTrain, yTrain], [xTest, yTest]]` with shapes [60000,28,28], [60000], [10000,28,28],
 * [10000], uint8 as in Keras.
 * Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
 * 8 Bag, 9 Ankle boot. Keras checks no hash for these files; Strata checks the sha256 of Keras's
 * files (recorded from them), so a corrupt download is caught.
 */
import { gunzipSync } from "node:zlib";
import { StrataError } from "../../errors.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type DatasetOptions, KERAS_ORIGIN, getFile } from "./cache.js";
import type { Splits } from "./common.js";

const FILES = {
  trainLabels: [
    "train-labels-idx1-ubyte.gz",
    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  ],
  trainImages: [
    "train-images-idx3-ubyte.gz",
    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
  ],
  testLabels: [
    "t10k-labels-idx1-ubyte.gz",
    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
  ],
  testImages: [
    "t10k-images-idx3-ubyte.gz",
    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
  ],
} as const;

/**
 * Parses an idx file of unsigned bytes: a big-endian magic 0x00000800 + rank (0x801 labels,
 * 0x803 images), one big-endian uint32 per dimension, then the elements.
 */
export function parseIdx(bytes: Uint8Array, rank: number, where: string): Tensor {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expected = 0x800 + rank;
  if (bytes.length < 4 + 4 * rank || view.getUint32(0, false) !== expected) {
    const got = bytes.length >= 4 ? `0x${view.getUint32(0, false).toString(16)}` : "nothing";
    throw new StrataError(
      `${where}: not an idx file of rank ${rank}: expected magic 0x${expected.toString(16)}, received ${got}`,
    );
  }
  const shape = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k, false));
  const offset = 4 + 4 * rank;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== count) {
    throw new StrataError(
      `${where}: idx shape [${shape.join(",")}] needs ${count} bytes of data, found ${bytes.length - offset}`,
    );
  }
  const data = Uint8ClampedArray.from(bytes.subarray(offset, offset + count));
  return fromValues(data, shape);
}

async function read(
  file: readonly [string, string],
  rank: number,
  opts: DatasetOptions,
): Promise<Tensor> {
  const [name, sha256] = file;
  const gz = await getFile(
    { fname: `fashion-mnist/${name}`, url: KERAS_ORIGIN + name, hash: sha256 },
    opts,
  );
  let raw: Uint8Array;
  try {
    raw = gunzipSync(gz);
  } catch (err) {
    throw new StrataError(
      `fashion-mnist/${name}: not a valid gzip file (${(err as Error).message})`,
    );
  }
  return parseIdx(raw, rank, `fashion-mnist/${name}`);
}

/** `keras.datasets.fashion_mnist.load_data()`: see the file comment. */
export async function loadData(opts: DatasetOptions = {}): Promise<Splits<Tensor, Tensor>> {
  const yTrain = await read(FILES.trainLabels, 1, opts);
  const xTrain = await read(FILES.trainImages, 3, opts);
  const yTest = await read(FILES.testLabels, 1, opts);
  const xTest = await read(FILES.testImages, 3, opts);
  for (const [x, y, what] of [
    [xTrain, yTrain, "train"],
    [xTest, yTest, "test"],
  ] as const) {
    if (x.shape[0] !== y.shape[0]) {
      throw new StrataError(
        `fashion-mnist: ${what} images (${x.shape[0]}) and labels (${y.shape[0]}) differ in number`,
      );
    }
  }
  return [
    [xTrain, yTrain],
    [xTest, yTest],
  ];
}
