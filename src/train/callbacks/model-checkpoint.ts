import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { type CallbackModel, Callback, type Logs } from "./callback.js";
import { type Mode, checkMode, isImprovement, printMsg, resolveMode } from "./monitor.js";
import { type PyNumber, pyFormat } from "./py-format.js";

export interface ModelCheckpointOptions {
  /** The log that decides "best" with `saveBestOnly`. Default "val_loss". */
  monitor?: string;
  /** 1 prints a message at each save (or skipped save). Default 0. */
  verbose?: number;
  /** Save only when the monitored value improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** Save the weights only (`model.saveWeights`), not the whole model. Default false. */
  saveWeightsOnly?: boolean;
  /** "min", "max", or "auto" (inferred from the metric). Default "auto". */
  mode?: Mode;
  /** "epoch": save at each epoch end; an integer n: save every n training batches. Default "epoch". */
  saveFreq?: "epoch" | number;
  /** With `saveBestOnly`, the value the first save must beat. Default null (any value). */
  initialValueThreshold?: number | null;
}

/**
 * Keras `ModelCheckpoint`: saves the model (or its weights) at each epoch end or every `saveFreq`
 * batches. `filepath` may hold Python format fields filled from the epoch (1-based), the batch (with
 * an integer `saveFreq`) and the logs: `"ckpt-{epoch:02d}-{val_loss:.2f}.keras"`.
 *
 * The extension goes with the mode, as in Keras 3: the whole model (`model.save`, the default)
 * needs a path ending in `.keras`; `saveWeightsOnly: true` (`model.saveWeights`) needs
 * `.weights.h5`. Strata's interim `.weights.json` (weights only) is accepted in either mode.
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: Mode;
  readonly saveFreq: "epoch" | number;
  /** The best monitored value saved so far (starts at `initialValueThreshold`). */
  best: number | null;
  private direction: "min" | "max" | null = null;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;

  constructor(filepath: string, opts: ModelCheckpointOptions = {}) {
    super();
    checkOptionNames("ModelCheckpoint", opts, [
      "monitor",
      "verbose",
      "saveBestOnly",
      "saveWeightsOnly",
      "mode",
      "saveFreq",
      "initialValueThreshold",
    ]);
    const who = "ModelCheckpoint";
    if (typeof filepath !== "string" || filepath === "") {
      throw new ValueError(
        `${who}: filepath must be a non-empty string. Received: filepath=${String(filepath)}`,
      );
    }
    this.filepath = filepath;
    this.monitor = opts.monitor ?? "val_loss";
    this.verbose = opts.verbose ?? 0;
    this.saveBestOnly = opts.saveBestOnly ?? false;
    this.saveWeightsOnly = opts.saveWeightsOnly ?? false;
    this.mode = checkMode(opts.mode ?? "auto", who);
    this.saveFreq = opts.saveFreq ?? "epoch";
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(
        `${who}: unrecognized saveFreq: ${String(this.saveFreq)}. Expected saveFreq are "epoch" or positive integer values`,
      );
    }
    this.best = opts.initialValueThreshold ?? null;
    if (this.weightsOnly) {
      if (!filepath.endsWith(".weights.h5") && !filepath.endsWith(".weights.json")) {
        throw new ValueError(
          `${who}: when using saveWeightsOnly: true, the filepath provided must end in ".weights.h5" ` +
            `(Keras weights format) or Strata's interim ".weights.json". Received: filepath=${filepath}`,
        );
      }
    } else if (!filepath.endsWith(".keras")) {
      throw new ValueError(
        `${who}: the filepath provided must end in ".keras" (Keras model format), or pass ` +
          `saveWeightsOnly: true with a ".weights.h5" filepath. Received: filepath=${filepath}`,
      );
    }
  }

  override setModel(model: CallbackModel): void {
    super.setModel(model);
    this.direction = null;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    await super.onTrainBatchEnd(batch, logs);
    if (this.shouldSaveOnBatch(batch)) await this.save(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === "epoch") await this.save(epoch, null, logs);
  }

  /** Counts batches across epochs (batch numbers restart at 0 each epoch). */
  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === "epoch") return false;
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      return true;
    }
    return false;
  }

  /** The path for this save: `filepath` formatted with epoch + 1, batch + 1 and the logs. */
  filePathFor(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, PyNumber> = {};
    for (const [k, v] of Object.entries(logs)) values[k] = { float: v };
    values.epoch = { int: epoch + 1 };
    if (batch !== null && !("batch" in logs)) values.batch = { int: batch + 1 };
    return pyFormat(this.filepath, values, "ModelCheckpoint");
  }

  private shouldSave(epoch: number, logs: Logs, path: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: saving model to ${path}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Can save best model only with ${this.monitor} available.`);
      return true;
    }
    const mode = (this.direction ??= resolveMode(
      this.mode,
      this.monitor,
      this.model,
      "ModelCheckpoint",
    ));
    const bestStr = this.best === null ? "None" : this.best.toFixed(5);
    if (isImprovement(current, this.best, mode, 0)) {
      if (this.verbose > 0) {
        printMsg(
          `\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestStr} to ${current.toFixed(5)}, saving model to ${path}`,
        );
      }
      this.best = current;
      return true;
    }
    if (this.verbose > 0)
      printMsg(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestStr}`);
    return false;
  }

  /** Weights only: asked for, or implied by Strata's interim `.weights.json` extension. */
  private get weightsOnly(): boolean {
    return this.saveWeightsOnly || this.filepath.endsWith(".weights.json");
  }

  private async save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const path = this.filePathFor(epoch, batch, logs);
    if (!this.shouldSave(epoch, logs, path)) return;
    const model = this.model!;
    const method = this.weightsOnly ? "saveWeights" : "save";
    if (!model[method]) {
      throw new StrataError(`ModelCheckpoint: model "${model.name}" has no ${method} method`);
    }
    if ((await stat(path).catch(() => null))?.isDirectory()) {
      throw new StrataError(
        `Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: ${path}`,
      );
    }
    const dir = dirname(path);
    if (dir) await mkdir(dir, { recursive: true });
    await model[method]!(path);
    if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: finished saving model to ${path}`);
  }
}
