import { mkdir, readFile, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";
import { type RandomState, captureRandomState, restoreRandomState } from "./random-state.js";

export interface BackupAndRestoreOptions {
  /** "epoch": back up at each epoch end; an integer n: every n training batches. Default "epoch". */
  saveFreq?: "epoch" | number;
  /** Keep the backup before the newest too, and fall back on it if the newest is unreadable. Default false. */
  doubleCheckpoint?: boolean;
  /** Delete the backup when training finishes. Default true. */
  deleteCheckpoint?: boolean;
}

/** `training_metadata.json`: where training stands, and the weights file that goes with it. */
interface Metadata {
  epoch: number;
  batch: number;
  iteration?: number;
  /** The weights file of this backup, in the same directory (absent in older backups). */
  weights?: string;
  /** The generators' states (absent in older backups: those resume without them). */
  random?: RandomState;
}

const METADATA = "training_metadata.json";
const PREVIOUS_METADATA = "training_metadata.json.bkp";
/** The weights file of backups written before metadata named its weights. */
const OLD_WEIGHTS = "latest.weights.json";
const WEIGHTS_FILE = /^backup-(\d+)\.weights\.json$/;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Keras `BackupAndRestore`: makes a `fit` that was interrupted (an exception, a killed process)
 * resumable. At each epoch end (or every `saveFreq` batches) it writes to `backupDir` a weights file
 * (the model's weights and the optimizer's state — its iteration count, learning rate and slots) and
 * then `training_metadata.json` (`{"epoch": next epoch to run, "batch", "weights": that file, "random":
 * the generators' states}`). The metadata is the commit: it is written atomically after its weights
 * file is complete, so a process killed at any moment leaves a backup whose weights, epoch and random
 * state belong together, and the resumed `fit` finishes with the same weights as an uninterrupted one
 * (saveFreq "epoch"; a batch-level backup restarts its unfinished epoch, as in Keras). With
 * `doubleCheckpoint` the previous backup is kept too, and used if the newest is unreadable. When a new
 * `fit` starts and a backup exists, it is loaded and `fit` resumes at the saved epoch. A `fit` that
 * completes deletes the backup (unless `deleteCheckpoint: false`). The model must be built before
 * `fit`, and `fit` must be called with the same arguments as the interrupted one.
 */
export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly saveFreq: "epoch" | number;
  readonly doubleCheckpoint: boolean;
  readonly deleteCheckpoint: boolean;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;
  /** Numbers the weights files, so a new backup never overwrites the one the metadata names. */
  private saves = 0;

  constructor(backupDir: string, opts: BackupAndRestoreOptions = {}) {
    super();
    checkOptionNames("BackupAndRestore", opts, [
      "saveFreq",
      "doubleCheckpoint",
      "deleteCheckpoint",
    ]);
    if (!backupDir) throw new ValueError("BackupAndRestore: empty `backupDir` argument passed");
    this.backupDir = backupDir;
    this.saveFreq = opts.saveFreq ?? "epoch";
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(
        `BackupAndRestore: invalid value for saveFreq. Received: saveFreq=${String(this.saveFreq)}. ` +
          `Expected either "epoch" or a positive integer.`,
      );
    }
    this.doubleCheckpoint = opts.doubleCheckpoint ?? false;
    this.deleteCheckpoint = opts.deleteCheckpoint ?? true;
  }

  private path(name: string): string {
    return join(this.backupDir, name);
  }

  private modelWithWeights(): CallbackModel &
    Required<Pick<CallbackModel, "saveWeights" | "loadWeights">> {
    const model = this.model!;
    if (!model.saveWeights || !model.loadWeights) {
      throw new StrataError(`BackupAndRestore: model "${model.name}" cannot save and load weights`);
    }
    return model as CallbackModel & Required<Pick<CallbackModel, "saveWeights" | "loadWeights">>;
  }

  override async onTrainBegin(): Promise<void> {
    this.currentEpoch = 0;
    this.batchesSinceSave = 0;
    this.lastBatchSeen = 0;
    this.saves = 0;
    const model = this.modelWithWeights();
    if (model.built === false) {
      throw new ValueError(
        `To use the BackupAndRestore callback, your model must be built before you call fit(). ` +
          `Model "${model.name}" is unbuilt. You can build it beforehand by calling it on a batch of data, ` +
          `or by giving its first layer an inputShape.`,
      );
    }
    if (!(await exists(this.backupDir))) return;
    try {
      await this.restore(METADATA);
    } catch (err) {
      // The newest backup is unreadable: fall back on the one before it, as Keras does.
      if (!(await exists(this.path(PREVIOUS_METADATA)))) throw err;
      await this.restore(PREVIOUS_METADATA);
    }
  }

  private async readMetadata(name: string): Promise<Metadata | null> {
    const path = this.path(name);
    if (!(await exists(path))) return null;
    let metadata: Partial<Metadata>;
    try {
      metadata = JSON.parse(await readFile(path, "utf8")) as Partial<Metadata>;
    } catch (err) {
      throw new StrataError(`BackupAndRestore: "${path}" is unreadable: ${(err as Error).message}`);
    }
    if (!Number.isInteger(metadata.epoch) || metadata.epoch! < 0) {
      throw new StrataError(
        `BackupAndRestore: "${path}" has no valid "epoch"; found ${String(metadata.epoch)}`,
      );
    }
    if (metadata.weights !== undefined && !WEIGHTS_FILE.test(metadata.weights)) {
      throw new StrataError(
        `BackupAndRestore: "${path}" names the weights file "${String(metadata.weights)}"; ` +
          `expected backup-<n>.weights.json`,
      );
    }
    return { batch: 0, ...metadata } as Metadata;
  }

  private async restore(metadataName: string): Promise<void> {
    const model = this.modelWithWeights();
    const metadata = await this.readMetadata(metadataName);
    const weights = metadata?.weights ?? OLD_WEIGHTS;
    if (await exists(this.path(weights))) await model.loadWeights(this.path(weights));
    else if (metadata?.weights) {
      throw new StrataError(
        `BackupAndRestore: "${this.path(metadataName)}" names "${weights}", which is missing`,
      );
    }
    if (!metadata) return;
    if (metadata.random) restoreRandomState(model, metadata.random, this.path(metadataName));
    this.saves = Number(WEIGHTS_FILE.exec(weights)?.[1] ?? 0);
    this.currentEpoch = metadata.epoch;
    model.resumeEpoch = metadata.epoch;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onEpochEnd(epoch: number, _logs: Logs = {}): Promise<void> {
    this.currentEpoch = epoch + 1;
    this.lastBatchSeen = 0;
    if (this.saveFreq === "epoch") await this.save();
  }

  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    await super.onTrainBatchEnd(batch, logs);
    if (this.saveFreq === "epoch") return;
    // Batch numbers restart each epoch: count the batches run since the last backup.
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.save();
    }
  }

  private async save(): Promise<void> {
    const model = this.modelWithWeights();
    await mkdir(this.backupDir, { recursive: true });
    this.saves += 1;
    const weights = `backup-${this.saves}.weights.json`;
    await model.saveWeights(this.path(weights));
    const metadata: Metadata = {
      epoch: this.currentEpoch,
      batch: this.lastBatchSeen,
      weights,
      random: captureRandomState(model),
    };
    // For inspection only: the optimizer's state itself is restored from the weights file.
    if (model.optimizer?.iterations !== undefined) metadata.iteration = model.optimizer.iterations;
    const previous = this.doubleCheckpoint
      ? await this.readMetadata(METADATA).catch(() => null)
      : null;
    if (previous) await writeFileAtomic(this.path(PREVIOUS_METADATA), JSON.stringify(previous));
    await writeFileAtomic(this.path(METADATA), JSON.stringify(metadata));
    await this.removeUnused([weights, previous?.weights]);
  }

  /** Deletes weights files no metadata names, and temporaries a killed process left behind. */
  private async removeUnused(keep: readonly (string | undefined)[]): Promise<void> {
    for (const name of await readdir(this.backupDir)) {
      const stale = (WEIGHTS_FILE.test(name) || name === OLD_WEIGHTS) && !keep.includes(name);
      if (stale || (name.startsWith(".") && name.endsWith(".tmp"))) {
        await rm(this.path(name), { force: true });
      }
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.deleteCheckpoint) await rm(this.backupDir, { recursive: true, force: true });
  }
}
