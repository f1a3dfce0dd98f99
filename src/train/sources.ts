/** Where the loops' batches come from: arrays cut into batches, or a dataset of [x, y] batches. */
import { ValueError } from "../errors.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import {
  ArrayData,
  type Batch,
  type BatchSource,
  type DataStructure,
  datasetBatches,
  isBatchSource,
  passOf,
  toTensorList,
} from "./data-adapter.js";

export type Source = { kind: "arrays"; data: ArrayData } | { kind: "dataset"; source: BatchSource };

/** The model's input and output names, which key name-keyed data. */
export interface Names {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

export function toSource(
  names: Names,
  x: DataStructure | BatchSource,
  y: DataStructure | undefined,
  sw: TensorLike | undefined,
  where: string,
): Source {
  if (isBatchSource(x)) {
    if (y !== undefined)
      throw new ValueError(`${where}: y must not be given when x is a dataset (it yields [x, y])`);
    return { kind: "dataset", source: x };
  }
  const xs = toTensorList(x, names.inputNames, `${where}: x`);
  const ys = y === undefined ? null : toTensorList(y, names.outputNames, `${where}: y`);
  return { kind: "arrays", data: new ArrayData(xs, ys, sw === undefined ? null : asTensor(sw)) };
}

/** One pass over the source, stopping after `steps` batches when given. */
export async function* batchesOf(
  names: Names,
  src: Source,
  batchSize: number,
  shuffle: boolean,
  steps: number | null,
): AsyncGenerator<Batch> {
  if (src.kind === "dataset") {
    const pass = passOf(src.source, shuffle);
    yield* datasetBatches(pass, names.inputNames, names.outputNames, steps);
    return;
  }
  let n = 0;
  for (const b of src.data.batches(batchSize, shuffle)) {
    if (steps !== null && n++ >= steps) return;
    yield b;
  }
}

const RAN_OUT =
  "Your input ran out of data; interrupting training. Make sure that your dataset or generator " +
  "can generate at least `stepsPerEpoch * epochs` batches.";

/**
 * fit's batches, epoch by epoch (Keras's EpochIterator). Without `stepsPerEpoch` an epoch is one
 * pass over the data. With it, each epoch takes that many batches from a pass that carries on
 * across epochs, so an endless generator keeps feeding; when a pass ends inside an epoch, Keras's
 * "ran out of data" warning is printed, the epoch ends early and the next one starts a new pass.
 * An epoch that gets no batch at all (a one-shot generator used up) stops training.
 */
export class EpochBatches {
  private pass: AsyncIterator<Batch> | null = null;
  /** Set when an epoch got no batch: there is nothing left to train on. */
  exhausted = false;

  constructor(
    private readonly names: Names,
    private readonly src: Source,
    private readonly batchSize: number,
    private readonly shuffle: boolean,
    private readonly steps: number | null,
  ) {}

  async *epoch(): AsyncGenerator<Batch> {
    let n = 0;
    let fresh = false;
    while (this.steps === null || n < this.steps) {
      if (!this.pass) {
        this.pass = batchesOf(this.names, this.src, this.batchSize, this.shuffle, null);
        fresh = true;
      }
      const next = await this.pass.next();
      if (next.done) {
        this.pass = null;
        // A pass that ended with the last epoch: this epoch starts a new one, no warning.
        if (n === 0 && !fresh) continue;
        if (this.steps !== null || n === 0) console.warn(RAN_OUT);
        break;
      }
      n++;
      yield next.value;
    }
    if (n === 0) this.exhausted = true;
  }

  /** Ends a pass left open by the last epoch, so the dataset's end-of-pass work runs. */
  async close(): Promise<void> {
    const open = this.pass;
    this.pass = null;
    await open?.return?.(undefined);
  }
}
