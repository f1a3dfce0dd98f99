import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { ratedOptimizers } from "./rated-optimizers.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";
import { type Mode, checkCount, checkMode, checkNumber, printMsg } from "./monitor.js";

export interface ReduceLROnPlateauOptions {
  /** The log to watch. Default "val_loss". */
  monitor?: string;
  /** `newLr = lr * factor`; must be below 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement after which the rate is reduced. Default 10. */
  patience?: number;
  /** 1 prints a message at each reduction. Default 0. */
  verbose?: number;
  /** "min", "max", or "auto" (max when the name contains "acc"). Default "auto". */
  mode?: Mode;
  /** The smallest change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The rate is never reduced below this. Default 0. */
  minLr?: number;
}

/** The compiled optimizer, whose learning rate the LR callbacks read and set. */
export function optimizerOf(
  model: CallbackModel | null,
  who: string,
): NonNullable<CallbackModel["optimizer"]> {
  const opt = model?.optimizer;
  if (!opt) throw new StrataError(`${who}: the model has no optimizer; compile it first`);
  return opt;
}

/**
 * Keras `ReduceLROnPlateau`: multiplies the optimizer's learning rate by `factor` once the monitored
 * quantity has not improved (by more than `minDelta`) for `patience` epochs, never going below
 * `minLr`; after a reduction, `cooldown` epochs pass before waiting starts again. Also records the
 * current rate as `learning_rate` in the epoch logs (so History has it).
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: Mode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  private warned = false;

  constructor(opts: ReduceLROnPlateauOptions = {}) {
    super();
    checkOptionNames("ReduceLROnPlateau", opts, [
      "monitor",
      "factor",
      "patience",
      "verbose",
      "mode",
      "minDelta",
      "cooldown",
      "minLr",
    ]);
    const who = "ReduceLROnPlateau";
    this.monitor = opts.monitor ?? "val_loss";
    this.factor = checkNumber(opts.factor ?? 0.1, "factor", who);
    if (this.factor >= 1) {
      throw new ValueError(
        `ReduceLROnPlateau does not support a factor >= 1.0. Received: factor=${this.factor}`,
      );
    }
    this.patience = checkCount(opts.patience ?? 10, "patience", who);
    this.verbose = opts.verbose ?? 0;
    this.mode = checkMode(opts.mode ?? "auto", who);
    this.minDelta = checkNumber(opts.minDelta ?? 1e-4, "minDelta", who);
    this.cooldown = checkCount(opts.cooldown ?? 0, "cooldown", who);
    this.minLr = checkNumber(opts.minLr ?? 0, "minLr", who);
    this.reset();
  }

  /** Keras's own "auto" rule for this callback: maximize when the name contains "acc". */
  private get maximize(): boolean {
    return this.mode === "max" || (this.mode === "auto" && this.monitor.includes("acc"));
  }

  private improved(current: number): boolean {
    return this.maximize
      ? current > this.best + this.minDelta
      : current < this.best - this.minDelta;
  }

  private reset(): void {
    this.best = this.maximize ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onTrainBegin(): void {
    this.reset();
  }

  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const rated = ratedOptimizers(optimizerOf(this.model, "ReduceLROnPlateau"));
    for (const { optimizer, logKey } of rated) logs[logKey] = optimizer.currentLearningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
            `Available metrics are: ${Object.keys(logs).join(",")}.`,
        );
      }
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improved(current)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        // A MultiOptimizer's inner optimizers are reduced one by one; one reduction is enough
        // to start the cooldown, as in Keras.
        let reduced = false;
        for (const { optimizer, name } of rated) {
          const oldLr = optimizer.currentLearningRate;
          // The rate lives in float32: compare against minLr as float32 too, as Keras does.
          if (!(oldLr > Math.fround(this.minLr))) continue;
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          optimizer.learningRate = newLr;
          reduced = true;
          if (this.verbose > 0) {
            const whose = name === null ? "" : ` ${name}`;
            printMsg(
              `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing${whose} learning rate to ${newLr}.`,
            );
          }
        }
        if (reduced) {
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
