import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { printMsg } from "./monitor.js";
import { optimizerOf } from "./reduce-lr-on-plateau.js";

/** `(epoch, lr) => newLr`: epoch counts from 0, `lr` is the optimizer's current rate. */
export type Schedule = (epoch: number, lr: number) => number;

/**
 * Keras `LearningRateScheduler`: at the start of every epoch, sets the optimizer's learning rate to
 * `schedule(epoch, currentLr)`; records the rate as `learning_rate` in the epoch logs.
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
    const optimizer = optimizerOf(this.model, "LearningRateScheduler");
    const lr = this.schedule(epoch, optimizer.currentLearningRate);
    if (typeof lr !== "number" || Number.isNaN(lr)) {
      throw new ValueError(
        `The output of the \`schedule\` function should be a float. Got: ${String(lr)}`,
      );
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0)
      printMsg(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = optimizerOf(this.model, "LearningRateScheduler").currentLearningRate;
  }
}
