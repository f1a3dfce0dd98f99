/**
 * `timeseriesDatasetFromArray`: Keras's `keras.utils.timeseries_dataset_from_array`, sliding
 * windows over an array whose first axis is time. The array stays as it is; each batch gathers its
 * windows with one `take` of a [batch, sequenceLength] index grid, so windows are never copied
 * ahead of the consumer.
 *
 * Window starts are `0, sequenceStride, 2·sequenceStride, …` below
 * `numSeqs = endIndex - startIndex - (sequenceLength - 1)·samplingRate` (and below the number of
 * targets when targets are given); window `i` holds the steps `startIndex + p, + samplingRate, …`
 * and its target is `targets[startIndex + p]`. With `shuffle`, the starts are permuted once by
 * NumPy's `RandomState(seed).shuffle` (as Keras does, so the same seed gives Keras's order before
 * its buffered shuffle), then shuffled again each pass in a buffer of `batchSize·8` windows (1024
 * unbatched), as Keras's `dataset.shuffle`; that second shuffle uses Strata's generator, not TF's.
 */
import { ValueError } from "../../errors.js";
import { asTensor, type TensorLike } from "../../ops/core.js";
import { take } from "../../ops/gather.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { Dataset } from "../dataset/dataset.js";
import { RandomState } from "../datasets/random-state.js";

export interface TimeseriesOptions {
  /** Steps between the starts of consecutive windows. Default 1. */
  sequenceStride?: number;
  /** Steps between two samples inside a window. Default 1. */
  samplingRate?: number;
  /** Windows per batch; null yields single windows. Default 128. */
  batchSize?: number | null;
  /** Shuffle the windows (see the file comment). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffles; a random one when absent. */
  seed?: number;
  /** Steps before this index are not used. */
  startIndex?: number | null;
  /** Steps from this index on are not used. */
  endIndex?: number | null;
}

const KNOWN = [
  "sequenceStride",
  "samplingRate",
  "batchSize",
  "shuffle",
  "seed",
  "startIndex",
  "endIndex",
];

/**
 * Windows of `data` as Keras's `timeseries_dataset_from_array`: `[inputs, targets]` batches, or
 * the inputs alone when `targets` is null.
 */
export function timeseriesDatasetFromArray(
  data: TensorLike,
  targets: null,
  sequenceLength: number,
  opts?: TimeseriesOptions,
): Dataset<Tensor>;
export function timeseriesDatasetFromArray(
  data: TensorLike,
  targets: TensorLike,
  sequenceLength: number,
  opts?: TimeseriesOptions,
): Dataset<[Tensor, Tensor]>;
export function timeseriesDatasetFromArray(
  data: TensorLike,
  targets: TensorLike | null,
  sequenceLength: number,
  opts: TimeseriesOptions = {},
): Dataset<Tensor | [Tensor, Tensor]> {
  const where = "timeseriesDatasetFromArray";
  for (const k of Object.keys(opts))
    if (!KNOWN.includes(k))
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
  const x = asTensor(data);
  if (x.rank === 0) throw new ValueError(`${where}: data must have a time axis; received a scalar`);
  const y = targets === null || targets === undefined ? null : asTensor(targets);
  if (y !== null && y.rank === 0)
    throw new ValueError(`${where}: targets must have a time axis; received a scalar`);
  const len = x.shape[0]!;
  const stride = opts.sequenceStride ?? 1;
  const rate = opts.samplingRate ?? 1;
  const batchSize = opts.batchSize === undefined ? 128 : opts.batchSize;
  const shuffle = opts.shuffle ?? false;
  const seed = opts.seed ?? Math.floor(Math.random() * 1e6);
  const intArg = (name: string, v: unknown): void => {
    if (typeof v !== "number" || !Number.isInteger(v))
      throw new ValueError(`${where}: ${name} must be an integer. Received: ${name}=${String(v)}`);
  };
  intArg("sequenceLength", sequenceLength);
  intArg("sequenceStride", stride);
  intArg("samplingRate", rate);
  if (batchSize !== null) intArg("batchSize", batchSize);
  if (sequenceLength < 1)
    throw new ValueError(
      `${where}: sequenceLength must be higher than 0. Received: sequenceLength=${sequenceLength}`,
    );
  if (batchSize !== null && batchSize < 1)
    throw new ValueError(
      `${where}: batchSize must be higher than 0 or null. Received: batchSize=${batchSize}`,
    );
  const { startIndex, endIndex } = opts;
  // Keras tests `if start_index:` and `if end_index:`, so 0 skips these checks.
  if (startIndex) {
    intArg("startIndex", startIndex);
    if (startIndex < 0)
      throw new ValueError(
        `${where}: startIndex must be 0 or greater. Received: startIndex=${startIndex}`,
      );
    if (startIndex >= len)
      throw new ValueError(
        `${where}: startIndex must be lower than the length of the data. Received: startIndex=${startIndex}, for data of length ${len}`,
      );
  }
  if (endIndex) {
    intArg("endIndex", endIndex);
    if (startIndex && endIndex <= startIndex)
      throw new ValueError(
        `${where}: endIndex must be higher than startIndex. Received: startIndex=${startIndex}, and endIndex=${endIndex}`,
      );
    if (endIndex >= len)
      throw new ValueError(
        `${where}: endIndex must be lower than the length of the data. Received: endIndex=${endIndex}, for data of length ${len}`,
      );
    if (endIndex <= 0)
      throw new ValueError(
        `${where}: endIndex must be higher than 0. Received: endIndex=${endIndex}`,
      );
  }
  if (rate <= 0)
    throw new ValueError(
      `${where}: samplingRate must be higher than 0. Received: samplingRate=${rate}`,
    );
  if (rate >= len)
    throw new ValueError(
      `${where}: samplingRate must be lower than the length of the data. Received: samplingRate=${rate}, for data of length ${len}`,
    );
  if (stride <= 0)
    throw new ValueError(
      `${where}: sequenceStride must be higher than 0. Received: sequenceStride=${stride}`,
    );
  if (stride >= len)
    throw new ValueError(
      `${where}: sequenceStride must be lower than the length of the data. Received: sequenceStride=${stride}, for data of length ${len}`,
    );

  const start = startIndex ?? 0;
  const end = endIndex ?? len;
  let numSeqs = end - start - (sequenceLength - 1) * rate;
  if (y !== null) numSeqs = Math.min(numSeqs, y.shape[0]!);
  const count = Math.max(0, Math.ceil(numSeqs / stride));
  const positions = new Int32Array(count);
  for (let i = 0; i < count; i++) positions[i] = i * stride;
  if (shuffle) new RandomState(seed).shuffle(positions);

  /** The windows starting at `starts` (relative to startIndex), with their targets. */
  const windows = (starts: ArrayLike<number>, single: boolean): Tensor | [Tensor, Tensor] => {
    const n = starts.length;
    const grid = new Int32Array(n * sequenceLength);
    for (let b = 0; b < n; b++)
      for (let s = 0; s < sequenceLength; s++)
        grid[b * sequenceLength + s] = start + starts[b]! + s * rate;
    const shape = single ? [sequenceLength] : [n, sequenceLength];
    const inputs = take(x, fromValues(grid, shape), 0);
    if (y === null) return inputs;
    const at = Int32Array.from(starts, (p) => start + p);
    return [inputs, take(y, fromValues(at, single ? [] : [n]), 0)];
  };

  if (!shuffle) {
    if (batchSize === null)
      return Dataset.range(count).map((i) => windows([positions[Number(i.item())]!], true));
    const batches = Math.ceil(count / batchSize);
    return Dataset.range(batches).map((b) => {
      const from = Number(b.item()) * batchSize;
      return windows(positions.subarray(from, from + batchSize), false);
    });
  }
  // Shuffled: the buffered shuffle runs over window numbers, and each batch of them becomes
  // one gather.
  const order = Dataset.range(count).shuffle(batchSize === null ? 1024 : batchSize * 8, { seed });
  if (batchSize === null) return order.map((i) => windows([positions[Number(i.item())]!], true));
  return order.batch(batchSize).map((ids) =>
    windows(
      Array.from(ids.dataSync(), (i) => positions[i]!),
      false,
    ),
  );
}
