import { Variable } from "../autodiff/variable.js";
import { ValueError } from "../errors.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import { take } from "../ops/gather.js";
import { tensor } from "../tensor/creation.js";
import { permutation } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";

/** x or y as users pass them: one tensor, one per input/output, or keyed by input/output name. */
export type DataStructure =
  TensorLike | readonly TensorLike[] | Readonly<Record<string, TensorLike>>;

/** One batch as the step functions see it. */
export interface Batch {
  x: Tensor[];
  y: Tensor[] | null;
  sampleWeight: Tensor | null;
}

/**
 * What `trainStep` / `testStep` receive, as Keras passes `data` to train_step: x alone, or
 * `[x, y]` / `[x, y, sampleWeight]`, x and y one tensor for a model with one input / output and a
 * list otherwise (a multi-input batch without targets comes as `[xs]`), so `const [x, y] = data`
 * reads it as `x, y = data` does in Keras's guides.
 */
export type StepData = Tensor | readonly unknown[];

/** Logs a step returns: numbers, or scalar tensors as Keras's train_step returns them. */
export type StepLogs = Record<string, number | Tensor>;

/** A batch as a step receives it. */
export function stepData(batch: Batch): StepData {
  const x = batch.x.length === 1 ? batch.x[0]! : batch.x;
  if (batch.y === null) return batch.x.length === 1 ? x : [x];
  const y = batch.y.length === 1 ? batch.y[0]! : batch.y;
  return batch.sampleWeight ? [x, y, batch.sampleWeight] : [x, y];
}

/**
 * Keras `utils.unpack_x_y_sample_weight`: a step's `data` as `[x, y, sampleWeight]` (y and
 * sampleWeight null when absent). An array of one, two or three entries is (x), (x, y) or
 * (x, y, sampleWeight), as in Keras; anything else is x alone.
 */
export function unpackXYSampleWeight(data: StepData): [unknown, unknown | null, Tensor | null] {
  if (!Array.isArray(data)) return [data, null, null];
  if (data.length === 1) return [data[0], null, null];
  if (data.length === 2) return [data[0], data[1], null];
  if (data.length === 3) return [data[0], data[1], asTensor(data[2] as TensorLike)];
  throw new ValueError(
    `unpackXYSampleWeight: data is x, [x], [x, y] or [x, y, sampleWeight]; received an array of ${data.length}`,
  );
}

/** A step's `data` as the batch the built-in steps compute with. */
export function batchOfStepData(data: StepData): Batch {
  const [x, y, sampleWeight] = unpackXYSampleWeight(data);
  const list = (v: unknown): Tensor[] =>
    (Array.isArray(v) ? v : [v]).map((t) => asTensor(t as TensorLike));
  return { x: list(x), y: y === null ? null : list(y), sampleWeight };
}

/** A step's logs as numbers: scalar tensors read once. */
export function numericLogs(logs: StepLogs, where: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) {
    if (typeof v === "number") out[k] = v;
    else if (v instanceof Tensor && v.size === 1) out[k] = Number(v.item());
    else
      throw new ValueError(
        `${where}: logs must hold numbers or one-value tensors; ${k} is ${v instanceof Tensor ? `a tensor of shape [${v.shape.join(",")}]` : typeof v}`,
      );
  }
  return out;
}

/** A dataset: an (async) iterable of [x, y] or [x, y, sampleWeight] batches. */
export type BatchSource = AsyncIterable<unknown> | Iterable<unknown>;

/**
 * What train/ knows of a `st.data.Dataset` without importing data/: a dataset may say how many
 * batches a pass yields (tf.data's cardinality; negative when infinite or unknown).
 */
export interface SizedSource {
  cardinality(): number;
}

/**
 * A dataset that makes each epoch's pass itself (Keras's PyDataset adapter): fit asks it for a
 * pass with its `shuffle`, so it can reorder its batches and run its epoch hooks.
 */
export interface EpochPassSource {
  epochPass(shuffle: boolean): AsyncIterable<unknown>;
}

/** The pass over `source` for one epoch: its own `epochPass` when it has one, else itself. */
export function passOf(source: BatchSource, shuffle: boolean): BatchSource {
  const own = (source as Partial<EpochPassSource>).epochPass;
  return typeof own === "function" ? own.call(source, shuffle) : source;
}

/** Batches in one pass over a dataset, when it knows them; null otherwise. */
export function datasetSteps(source: BatchSource): number | null {
  const sized = source as Partial<SizedSource>;
  if (typeof sized.cardinality !== "function") return null;
  const n = sized.cardinality();
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * Batches per epoch of a source that declares them itself: Keras's PyDataset `len()`, which the
 * endless iterators of ImageDataGenerator give as `length`. null when it declares none.
 */
export function declaredLength(source: BatchSource): number | null {
  const n = (source as { length?: unknown }).length;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null;
}

/** Whether a dataset says it repeats forever (tf.data's INFINITE_CARDINALITY, -1). */
export function isEndless(source: BatchSource): boolean {
  const sized = source as Partial<SizedSource>;
  return typeof sized.cardinality === "function" && sized.cardinality() === -1;
}

export function isTensorValue(v: unknown): boolean {
  return v instanceof Tensor || v instanceof Variable || ArrayBuffer.isView(v);
}

/**
 * Normalizes x or y to one tensor per model input/output, in the model's order. A plain nested
 * number array is one tensor; an array of tensors is one per input; an object is keyed by name.
 */
export function toTensorList(
  data: DataStructure,
  names: readonly string[],
  what: string,
): Tensor[] {
  if (Array.isArray(data) && data.length > 0 && (data.every(isTensorValue) || names.length > 1)) {
    if (data.length !== names.length) {
      throw new ValueError(
        `${what}: the model has ${names.length} (${names.join(", ")}); received a list of ${data.length}`,
      );
    }
    return data.map((d) => asTensor(d as TensorLike));
  }
  if (typeof data === "object" && data !== null && !Array.isArray(data) && !isTensorValue(data)) {
    const record = data as Record<string, TensorLike>;
    const missing = names.filter((n) => !(n in record));
    if (missing.length > 0) {
      throw new ValueError(
        `${what}: missing ${missing.join(", ")}; expected keys ${names.join(", ")}; received ${Object.keys(record).join(", ")}`,
      );
    }
    return names.map((n) => asTensor(record[n]!));
  }
  if (names.length > 1) {
    throw new ValueError(
      `${what}: the model has ${names.length} (${names.join(", ")}); received a single array`,
    );
  }
  return [asTensor(data as TensorLike)];
}

/** In-memory arrays cut into batches along the first axis. */
export class ArrayData {
  readonly size: number;

  constructor(
    readonly x: Tensor[],
    readonly y: Tensor[] | null,
    readonly sampleWeight: Tensor | null = null,
  ) {
    const all = [...x, ...(y ?? []), ...(sampleWeight ? [sampleWeight] : [])];
    this.size = x[0]?.shape[0] ?? 0;
    for (const t of all) {
      if (t.rank === 0 || t.shape[0] !== this.size) {
        throw new ValueError(
          `data: every array must have the same number of samples on its first axis; received shapes ${all.map((a) => `[${a.shape}]`).join(", ")}`,
        );
      }
    }
  }

  /** Keras's validationSplit: the last fraction of the samples, taken before any shuffling. */
  split(fraction: number): [ArrayData, ArrayData] {
    if (!(fraction > 0 && fraction < 1)) {
      throw new ValueError(`fit: validationSplit must be in (0, 1); received ${fraction}`);
    }
    const at = Math.floor(this.size * (1 - fraction));
    const rows = (from: number, to: number) =>
      tensor(Int32Array.from({ length: to - from }, (_, i) => from + i));
    const pick = (idx: Tensor) =>
      new ArrayData(
        this.x.map((t) => take(t, idx, 0)),
        this.y ? this.y.map((t) => take(t, idx, 0)) : null,
        this.sampleWeight ? take(this.sampleWeight, idx, 0) : null,
      );
    return [pick(rows(0, at)), pick(rows(at, this.size))];
  }

  steps(batchSize: number): number {
    return Math.ceil(this.size / batchSize);
  }

  *batches(batchSize: number, shuffle: boolean): Generator<Batch> {
    const order = shuffle ? permutation(this.size) : null;
    for (let start = 0; start < this.size; start += batchSize) {
      const end = Math.min(start + batchSize, this.size);
      const idx = tensor(
        order
          ? order.slice(start, end)
          : Int32Array.from({ length: end - start }, (_, i) => start + i),
      );
      yield {
        x: this.x.map((t) => take(t, idx, 0)),
        y: this.y ? this.y.map((t) => take(t, idx, 0)) : null,
        sampleWeight: this.sampleWeight ? take(this.sampleWeight, idx, 0) : null,
      };
    }
  }
}

export function isBatchSource(x: unknown): x is BatchSource {
  return (
    typeof x === "object" &&
    x !== null &&
    !isTensorValue(x) &&
    !Array.isArray(x) &&
    (Symbol.asyncIterator in x || Symbol.iterator in x)
  );
}

/** Reads batches from a dataset, stopping after `steps` when given. */
export async function* datasetBatches(
  source: BatchSource,
  inputNames: readonly string[],
  outputNames: readonly string[],
  steps: number | null,
): AsyncGenerator<Batch> {
  if (steps !== null && steps <= 0) return;
  let n = 0;
  for await (const item of source as AsyncIterable<unknown>) {
    // As Keras unpacks a batch: [x], [x, y] or [x, y, sampleWeight]; anything else is x alone.
    if (Array.isArray(item) && (item.length < 1 || item.length > 3)) {
      throw new ValueError(
        `a dataset must yield x, [x], [x, y] or [x, y, sampleWeight]; received an array of ${item.length}`,
      );
    }
    const [x, y, sw] = (Array.isArray(item) ? item : [item]) as [
      DataStructure,
      DataStructure?,
      TensorLike?,
    ];
    yield {
      x: toTensorList(x, inputNames, "x"),
      y: y === undefined ? null : toTensorList(y, outputNames, "y"),
      sampleWeight: sw === undefined ? null : asTensor(sw),
    };
    // Stop here rather than at the next item, which would read (decode, augment) one batch more.
    if (steps !== null && ++n >= steps) return;
  }
}
