/**
 * An optimizer's learning rate: a float32 Variable (a fixed rate, as Keras keeps it), a
 * LearningRateSchedule read at the step count, or a function read once per step.
 */
import { Variable } from "../../autodiff/variable.js";
import { StrataError } from "../../errors.js";
import { full } from "../../tensor/creation.js";
import type { LearningRate } from "./options.js";
import { LearningRateSchedule } from "./schedules.js";

export class OptimizerLearningRate {
  private lr: Variable | LearningRateSchedule | (() => number);

  /**
   * `iterationVar` is the optimizer's raw step counter; `tracked` its saved variables, where a
   * number rate's variable is appended here and kept at index 1, right after the counter.
   */
  constructor(
    private readonly optimizerName: string,
    lr: LearningRate,
    private readonly iterationVar: Variable,
    private readonly tracked: Variable[],
  ) {
    if (typeof lr === "number") {
      this.lr = this.variable(lr);
      tracked.push(this.lr);
    } else {
      this.lr = lr;
    }
  }

  /** The rate the next step will use (a schedule is read at the raw step count, as in Keras). */
  get current(): number {
    if (this.lr instanceof Variable) return Number(this.lr.value.item());
    if (this.lr instanceof LearningRateSchedule)
      return this.lr.call(Number(this.iterationVar.value.item()));
    return this.lr();
  }

  /** Sets a new (checked) rate, or replaces the rate by a schedule or a function. */
  set(lr: LearningRate): void {
    if (typeof lr !== "number") {
      if (this.lr instanceof Variable) this.tracked.splice(this.tracked.indexOf(this.lr), 1);
      this.lr = lr;
    } else if (this.lr instanceof LearningRateSchedule) {
      throw new StrataError(
        `${this.optimizerName}: this optimizer was created with a LearningRateSchedule as its learningRate, ` +
          "so its learning rate is not settable; create it with a number learningRate instead",
      );
    } else if (this.lr instanceof Variable) {
      this.lr.assign(full([], lr, "float32"));
    } else {
      this.lr = this.variable(lr);
      this.tracked.splice(1, 0, this.lr);
    }
  }

  /** The `learning_rate` config value: the serialized schedule, else the current rate. */
  config(): unknown {
    const lr = this.lr;
    return lr instanceof LearningRateSchedule
      ? lr.serialize()
      : lr instanceof Variable
        ? Number(lr.value.item())
        : lr();
  }

  private variable(lr: number): Variable {
    // Keras keeps the rate in a float32 variable: configs and logs read it back rounded to float32.
    return new Variable(full([], lr, "float32"), {
      name: `${this.optimizerName}/learning_rate`,
      trainable: false,
    });
  }
}
