/**
 * Keras's `keras.applications.imagenet_utils`: the input preprocessing the ImageNet models were
 * trained with (`preprocessInput`, modes "caffe", "tf" and "torch") and `decodePredictions`,
 * which names a batch of 1000-way predictions with ImageNet's classes (class-index.ts).
 */
import { ValueError, fmtShape } from "../errors.js";
import { cast, divide, flip, subtract } from "../ops/index.js";
import { isFloat } from "../tensor/dtype.js";
import { tensor } from "../tensor/creation.js";
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { loadClassIndex } from "./class-index.js";

export type PreprocessMode = "caffe" | "tf" | "torch";
export type DataFormat = "channels_last" | "channels_first";

export interface PreprocessOptions {
  /** "channels_last" (default, Keras's `image_data_format()`) or "channels_first". */
  dataFormat?: DataFormat | null;
  /** "caffe" (default), "tf" or "torch"; see `preprocessInput`. */
  mode?: PreprocessMode;
}

/** ImageNet's per-channel means: caffe's in BGR order over [0, 255], torch's in RGB over [0, 1]. */
const CAFFE_MEAN = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/**
 * Keras `imagenet_utils.preprocess_input`: a batch of images (3-D or 4-D, 3 colour channels,
 * values in [0, 255]) as the model expects them, in float32 (or the input's float dtype):
 * - "caffe": RGB → BGR, then each channel minus ImageNet's mean, unscaled;
 * - "tf": scaled to [-1, 1] (x / 127.5 − 1);
 * - "torch": scaled to [0, 1], then each channel normalized by ImageNet's mean and std.
 * Unlike NumPy's in-place version, the input is never changed.
 */
export function preprocessInput(x: Tensor | NestedArray, opts: PreprocessOptions = {}): Tensor {
  for (const k of Object.keys(opts)) {
    if (k !== "dataFormat" && k !== "mode") {
      throw new ValueError(`preprocessInput: unknown option ${k}; expected dataFormat or mode`);
    }
  }
  const mode = opts.mode ?? "caffe";
  if (!["caffe", "tf", "torch"].includes(mode)) {
    throw new ValueError(
      `preprocessInput: expected mode to be one of "caffe", "tf" or "torch". Received: mode=${String(mode)}`,
    );
  }
  const dataFormat = opts.dataFormat ?? "channels_last";
  if (dataFormat !== "channels_last" && dataFormat !== "channels_first") {
    throw new ValueError(
      `preprocessInput: expected dataFormat to be one of "channels_first" or "channels_last". ` +
        `Received: dataFormat=${String(dataFormat)}`,
    );
  }
  let t = x instanceof Tensor ? x : tensor(x as NestedArray);
  if (!isFloat(t.dtype)) t = cast(t, "float32");
  if (mode === "tf") return subtract(divide(t, 127.5), 1);
  const axis = dataFormat === "channels_last" ? t.rank - 1 : t.rank === 3 ? 0 : 1;
  if (t.rank < 3 || t.shape[axis] !== 3) {
    throw new ValueError(
      `preprocessInput: expected images of rank 3 or 4 with 3 channels on axis ${axis} ` +
        `(${dataFormat}); received shape ${fmtShape(t.shape)}`,
    );
  }
  // A (3, 1, …) or (…, 3) column of per-channel constants, broadcast over the images.
  const perChannel = (values: number[]): Tensor => {
    const shape = t.shape.map((_, i) => (i === axis ? 3 : 1)).slice(axis === 0 ? 0 : 1);
    return tensor(values, shape, t.dtype as "float32");
  };
  if (mode === "torch") {
    return divide(subtract(divide(t, 255), perChannel(TORCH_MEAN)), perChannel(TORCH_STD));
  }
  return subtract(flip(t, axis), perChannel(CAFFE_MEAN));
}

/** One guess: the WordNet id, the class name and the score. */
export type Prediction = [classId: string, className: string, score: number];

/**
 * Keras `imagenet_utils.decode_predictions`: for each row of a (samples, 1000) batch of scores,
 * its `top` classes, best first, as `[classId, className, score]`.
 */
export async function decodePredictions(
  preds: Tensor | number[][],
  top = 5,
): Promise<Prediction[][]> {
  const t = preds instanceof Tensor ? preds : tensor(preds);
  if (t.rank !== 2 || t.shape[1] !== 1000) {
    throw new ValueError(
      "decodePredictions expects a batch of predictions (i.e. a 2D array of shape " +
        `(samples, 1000)). Received array with shape: ${fmtShape(t.shape)}`,
    );
  }
  if (!Number.isInteger(top) || top < 1) {
    throw new ValueError(`decodePredictions: top must be a positive integer. Received: top=${top}`);
  }
  const index = await loadClassIndex();
  const values = t.dataSync();
  const results: Prediction[][] = [];
  for (let row = 0; row < t.shape[0]!; row++) {
    const scores = Array.from(values.subarray(row * 1000, (row + 1) * 1000) as ArrayLike<number>);
    // NumPy's `argsort()[-top:][::-1]`: best first; among equal scores the later class first.
    const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || b - a);
    results.push(order.slice(0, top).map((i) => [...index[String(i)]!, scores[i]!] as Prediction));
  }
  return results;
}
