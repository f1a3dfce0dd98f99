import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { printMsg } from "./monitor.js";
import { ratedOptimizers } from "./rated-optimizers.js";
import { optimizerOf } from "./reduce-lr-on-plateau.js";

/** `(epoch, lr) => newLr`: epoch counts from 0, `lr` is the optimizer's current rate. */
export type Schedule = (epoch: number, lr: number) => number;

/**
 * Keras `LearningRateScheduler`: at the start of every epoch, sets the optimizer's learning rate to
 * `schedule(epoch, currentLr)`; records the rate as `learning_rate` in the epoch logs. With a
 * MultiOptimizer, each inner optimizer's rate is scheduled and logged (`learning_rate_<name>`).
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: Schedule;
  readonly verbose: number;

  constructor(schedule: Schedule, opts: { verbose?: number } = {}) {
    super();
    checkOptionNames("LearningRateScheduler", opts, ["verbose"]);
    if (typeof schedule !== "function") {
      throw new ValueError(
        `LearningRateScheduler: schedule must be a function (epoch, lr) => lr. Received: ${String(schedule)}`,
      );
    }
    this.schedule = schedule;
    this.verbose = opts.verbose ?? 0;
  }

  override onEpochBegin(epoch: number): void {
    // A MultiOptimizer's inner optimizers are scheduled one by one, each from its own rate.
    for (const { optimizer, name } of ratedOptimizers(
      optimizerOf(this.model, "LearningRateScheduler"),
    )) {
      const lr = this.schedule(epoch, optimizer.currentLearningRate);
      if (typeof lr !== "number" || Number.isNaN(lr)) {
        throw new ValueError(
          `The output of the \`schedule\` function should be a float. Got: ${String(lr)}`,
        );
      }
      optimizer.learningRate = lr;
      if (this.verbose > 0) {
        const whose = name === null ? "" : `${name} `;
        printMsg(
          `\nEpoch ${epoch + 1}: LearningRateScheduler setting ${whose}learning rate to ${lr}.`,
        );
      }
    }
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    for (const { optimizer, logKey } of ratedOptimizers(
      optimizerOf(this.model, "LearningRateScheduler"),
    )) {
      logs[logKey] = optimizer.currentLearningRate;
    }
  }
}
