import { checkOptionNames } from "../../errors.js";
import { type CallbackModel, Callback, type Logs } from "./callback.js";
import {
  type Mode,
  checkCount,
  checkMode,
  checkNumber,
  isImprovement,
  printMsg,
  resolveMode,
} from "./monitor.js";

export interface EarlyStoppingOptions {
  /** The log to watch. Default "val_loss". */
  monitor?: string;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement after which training stops. Default 0. */
  patience?: number;
  /** 1 prints a message when training stops and when weights are restored. Default 0. */
  verbose?: number;
  /** "min", "max", or "auto" (inferred from the metric). Default "auto". */
  mode?: Mode;
  /** Training stops unless the monitored value beats this within `patience` epochs. Default null. */
  baseline?: number | null;
  /** Put back the weights of the best epoch when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs of warm-up before monitoring starts. Default 0. */
  startFromEpoch?: number;
}

/**
 * Keras `EarlyStopping`: stops training when the monitored quantity has stopped improving.
 *
 * At each epoch end (from `startFromEpoch` on) `wait` counts the epochs since the last improvement;
 * an epoch improves when it beats the best by more than `minDelta`. `wait` restarts only when the
 * value also beats `baseline`, so without such an epoch training stops after `patience` epochs.
 * Training stops once `wait >= patience` (never on epoch 0). With `restoreBestWeights`, the best
 * epoch's weights are put back when training ends, whether it stopped early or not.
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: Mode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;

  wait = 0;
  /** The epoch training stopped at (0 when it ran to the end). */
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  bestWeights: unknown[] | null = null;
  private direction: "min" | "max" | null = null;
  private warned = false;

  constructor(opts: EarlyStoppingOptions = {}) {
    super();
    checkOptionNames("EarlyStopping", opts, [
      "monitor",
      "minDelta",
      "patience",
      "verbose",
      "mode",
      "baseline",
      "restoreBestWeights",
      "startFromEpoch",
    ]);
    const who = "EarlyStopping";
    this.monitor = opts.monitor ?? "val_loss";
    this.minDelta = Math.abs(checkNumber(opts.minDelta ?? 0, "minDelta", who));
    this.patience = checkCount(opts.patience ?? 0, "patience", who);
    this.verbose = opts.verbose ?? 0;
    this.mode = checkMode(opts.mode ?? "auto", who);
    this.baseline =
      opts.baseline === undefined || opts.baseline === null
        ? null
        : checkNumber(opts.baseline, "baseline", who);
    this.restoreBestWeights = opts.restoreBestWeights ?? false;
    this.startFromEpoch = checkCount(opts.startFromEpoch ?? 0, "startFromEpoch", who);
  }

  override setModel(model: CallbackModel): void {
    super.setModel(model);
    this.direction = null;
  }

  override onTrainBegin(): void {
    // Reset so one instance can serve several fits, as in Keras.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    // Resolved on the first epoch end, when the model's metrics exist.
    const mode = (this.direction ??= resolveMode(
      this.mode,
      this.monitor,
      this.model,
      "EarlyStopping",
    ));
    const current = this.monitorValue(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    const model = this.model!;
    // Until something improves, the first monitored epoch's weights are the best there are.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (isImprovement(current, this.best, mode, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      // Only a value that beats both the best so far and the baseline restarts the wait.
      if (this.baseline === null || isImprovement(current, this.baseline, mode, this.minDelta))
        this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      printMsg(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0)
        printMsg(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights as never[]);
    }
  }

  /** The monitored log; a missing one is reported once (Keras's warning) and skips the epoch. */
  private monitorValue(logs: Logs): number | undefined {
    const value = logs[this.monitor];
    if (value === undefined && !this.warned) {
      this.warned = true;
      console.warn(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(logs).join(",")}`,
      );
    }
    return value;
  }
}
