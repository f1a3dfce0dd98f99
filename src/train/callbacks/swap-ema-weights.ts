/**
 * Keras `SwapEMAWeights`: with an optimizer built with `useEma: true`, evaluation and prediction
 * run on the moving averages of the weights: the model's weights and their averages are swapped
 * in place before, and swapped back after. With `swapOnEpoch`, they are also swapped at each
 * epoch's end (so ModelCheckpoint and the like see the averages) and back at the next epoch's
 * start; after the last epoch the averages are set to the trained weights, so that fit's final
 * `finalizeVariableValues` leaves the averages in the model, as in Keras.
 */
import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";

/** What the callback needs of the optimizer: Optimizer's `useEma` and `emaPairs`. */
interface EmaOptimizer {
  readonly useEma?: boolean;
  readonly emaPairs?: readonly (readonly [EmaVariable, EmaVariable])[];
}
interface EmaVariable {
  readonly value: unknown;
  assign(value: never): void;
}

export class SwapEMAWeights extends Callback {
  readonly swapOnEpoch: boolean;
  private emaInModel = false;

  constructor(opts: { swapOnEpoch?: boolean } = {}) {
    super();
    checkOptionNames("SwapEMAWeights", opts, ["swapOnEpoch"]);
    this.swapOnEpoch = opts.swapOnEpoch ?? false;
  }

  private pairs(): readonly (readonly [EmaVariable, EmaVariable])[] {
    // As Keras: a LossScaleOptimizer's averages are its inner optimizer's.
    const outer = this.model?.optimizer as
      (EmaOptimizer & { innerOptimizer?: EmaOptimizer }) | null;
    const opt = outer?.innerOptimizer ?? outer;
    // A MultiOptimizer: the averages of the inner optimizers that keep them (Keras 3.16).
    const inner = (opt as { optimizers?: unknown } | null)?.optimizers;
    if (Array.isArray(inner)) {
      const withEma = (inner as EmaOptimizer[]).filter((o) => o.useEma && o.emaPairs);
      if (withEma.length === 0) {
        throw new ValueError(
          "SwapEMAWeights must be used when at least one inner optimizer has `useEma: true` set. " +
            "Received a MultiOptimizer with all inner optimizers having `useEma: false`.",
        );
      }
      return withEma.flatMap((o) => o.emaPairs!);
    }
    if (!opt || !opt.useEma || !opt.emaPairs) {
      throw new ValueError(
        "SwapEMAWeights must be used when `useEma: true` is set on the optimizer. " +
          `Received: useEma=${String(opt?.useEma ?? false)}`,
      );
    }
    return opt.emaPairs;
  }

  private swap(): void {
    for (const [v, avg] of this.pairs()) {
      const held = v.value;
      v.assign(avg.value as never);
      avg.assign(held as never);
    }
  }

  override onEpochBegin(): void {
    if (this.swapOnEpoch && this.emaInModel) {
      this.swap();
      this.emaInModel = false;
    }
  }

  override onEpochEnd(epoch: number): void {
    if (this.swapOnEpoch && !this.emaInModel) {
      this.swap();
      this.emaInModel = true;
      // fit ends by copying the averages into the model: make them the averages again.
      if (epoch === this.params.epochs - 1)
        for (const [v, avg] of this.pairs()) avg.assign(v.value as never);
    }
  }

  override onTestBegin(_logs?: Logs): void {
    if (!this.emaInModel) {
      this.swap();
      this.emaInModel = true;
    }
  }

  override onTestEnd(_logs?: Logs): void {
    if (this.emaInModel) {
      this.swap();
      this.emaInModel = false;
    }
  }

  override onPredictBegin(_logs?: Logs): void {
    this.onTestBegin();
  }

  override onPredictEnd(_logs?: Logs): void {
    this.onTestEnd();
  }
}
