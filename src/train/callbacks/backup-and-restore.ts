import { copyFile, mkdir, readFile, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";

export interface BackupAndRestoreOptions {
  /** "epoch": back up at each epoch end; an integer n: every n training batches. Default "epoch". */
  saveFreq?: "epoch" | number;
  /** Delete the backup when training finishes. Default true. */
  deleteCheckpoint?: boolean;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Keras `BackupAndRestore`: makes a `fit` that was interrupted (an exception, a killed process)
 * resumable. At each epoch end (or every `saveFreq` batches) it writes to `backupDir`:
 * `latest.weights.json` (the model's weights and the optimizer's state — its iteration count,
 * learning rate and slots) and `training_metadata.json` (`{"epoch": next epoch to run, "batch"}`),
 * keeping the previous pair as `_latest.*` in case the newest is unreadable. When a new `fit` starts
 * and a backup exists, the weights are loaded and `fit` resumes at the saved epoch. A `fit` that
 * completes deletes the backup (unless `deleteCheckpoint: false`). The model must be built before
 * `fit`, and `fit` must be called with the same arguments as the interrupted one.
 */
export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly saveFreq: "epoch" | number;
  readonly deleteCheckpoint: boolean;
  private readonly weightsPath: string;
  private readonly metadataPath: string;
  private readonly prevWeightsPath: string;
  private readonly prevMetadataPath: string;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;

  constructor(backupDir: string, opts: BackupAndRestoreOptions = {}) {
    super();
    checkOptionNames("BackupAndRestore", opts, ["saveFreq", "deleteCheckpoint"]);
    if (!backupDir) throw new ValueError("BackupAndRestore: empty `backupDir` argument passed");
    this.backupDir = backupDir;
    this.saveFreq = opts.saveFreq ?? "epoch";
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(
        `BackupAndRestore: invalid value for saveFreq. Received: saveFreq=${String(this.saveFreq)}. ` +
          `Expected either "epoch" or a positive integer.`,
      );
    }
    this.deleteCheckpoint = opts.deleteCheckpoint ?? true;
    this.weightsPath = join(backupDir, "latest.weights.json");
    this.metadataPath = join(backupDir, "training_metadata.json");
    this.prevWeightsPath = join(backupDir, "_latest.weights.json");
    this.prevMetadataPath = join(backupDir, "_training_metadata.json");
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
    try {
      await this.restore();
    } catch (err) {
      // The newest backup is unreadable: fall back on the one before it, as Keras does.
      if (!(await exists(this.prevWeightsPath))) throw err;
      await copyFile(this.prevWeightsPath, this.weightsPath);
      await unlink(this.prevWeightsPath);
      if (await exists(this.prevMetadataPath)) {
        await copyFile(this.prevMetadataPath, this.metadataPath);
        await unlink(this.prevMetadataPath);
      } else {
        await rm(this.metadataPath, { force: true });
      }
      await this.restore();
    }
  }

  private async restore(): Promise<void> {
    const model = this.modelWithWeights();
    if (model.built === false) {
      throw new ValueError(
        `To use the BackupAndRestore callback, your model must be built before you call fit(). ` +
          `Model "${model.name}" is unbuilt. You can build it beforehand by calling it on a batch of data, ` +
          `or by giving its first layer an inputShape.`,
      );
    }
    if (await exists(this.weightsPath)) await model.loadWeights(this.weightsPath);
    if (await exists(this.metadataPath)) {
      const text = await readFile(this.metadataPath, "utf8");
      let epoch: unknown;
      try {
        epoch = (JSON.parse(text) as { epoch?: unknown }).epoch;
      } catch (err) {
        throw new StrataError(
          `BackupAndRestore: "${this.metadataPath}" is unreadable: ${(err as Error).message}`,
        );
      }
      if (!Number.isInteger(epoch) || (epoch as number) < 0) {
        throw new StrataError(
          `BackupAndRestore: "${this.metadataPath}" has no valid "epoch"; found ${String(epoch)}`,
        );
      }
      this.currentEpoch = epoch as number;
      model.resumeEpoch = epoch as number;
    }
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
    if (await exists(this.weightsPath)) await copyFile(this.weightsPath, this.prevWeightsPath);
    if (await exists(this.metadataPath)) await copyFile(this.metadataPath, this.prevMetadataPath);
    await model.saveWeights(this.weightsPath);
    const metadata: Record<string, number> = {
      epoch: this.currentEpoch,
      batch: this.lastBatchSeen,
    };
    // For inspection only: the optimizer's state itself is restored from the weights file.
    if (model.optimizer?.iterations !== undefined) metadata.iteration = model.optimizer.iterations;
    await writeFileAtomic(this.metadataPath, JSON.stringify(metadata));
  }

  override async onTrainEnd(): Promise<void> {
    if (this.deleteCheckpoint) await rm(this.backupDir, { recursive: true, force: true });
  }
}
