import { StrataError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { printMsg } from "./monitor.js";

/**
 * Keras `TerminateOnNaN`: stops training at the first batch whose loss is NaN or infinite — by
 * setting `model.stopTraining` (the epoch ends and every callback's `onTrainEnd` runs), or with
 * `raiseError: true` by throwing at once (so no cleanup hook runs: a backup stays in place).
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;

  constructor(opts: { raiseError?: boolean } = {}) {
    super();
    checkOptionNames("TerminateOnNaN", opts, ["raiseError"]);
    this.raiseError = opts.raiseError ?? false;
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new StrataError(
        `NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`,
      );
    }
    printMsg(`Batch ${batch}: Invalid loss, terminating training`);
    this.model!.stopTraining = true;
  }
}
