import { isInteractiveLoggingEnabled, writeToLog } from "../../utils/io-utils.js";
import { Progbar, type ProgressStream, formatLogValue } from "../../utils/progbar.js";
import { Callback, type Logs } from "./callback.js";

export { formatLogValue };

export type Writer = (text: string) => void;

/**
 * Keras's progress output: `verbose: 1` draws `469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - accuracy:
 * 0.9241 - loss: 0.2630`, redrawn in place on a terminal (once at the end otherwise); `verbose: 2`
 * prints one line at the end. fit prints it for each epoch, evaluate and predict for their run.
 * The line is the shared `utils/progbar.ts` Progbar, one per epoch or run.
 */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  private readonly stream: ProgressStream;
  /** Inside fit, validation's test hooks draw nothing: the epoch's line carries the val_ logs. */
  private inFit = false;

  constructor(write: Writer = (t) => process.stdout.write(t), interactive?: boolean) {
    super();
    this.stream = { write, isTTY: interactive ?? Boolean(process.stdout.isTTY) };
  }

  override onTrainBegin(): void {
    this.inFit = true;
  }

  override onTrainEnd(): void {
    this.inFit = false;
  }

  override onEpochBegin(epoch: number): void {
    if (this.params.verbose === 0) return;
    const header = `Epoch ${epoch + 1}/${this.params.epochs}\n`;
    if (isInteractiveLoggingEnabled()) this.stream.write(header);
    else writeToLog(header);
    this.begin();
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.bar?.update(batch + 1, logs, false);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.end(logs);
  }

  override onTestBegin(): void {
    if (!this.inFit) this.begin();
  }

  override onTestBatchEnd(batch: number, logs: Logs = {}): void {
    if (!this.inFit) this.bar?.update(batch + 1, logs, false);
  }

  override onTestEnd(logs: Logs = {}): void {
    if (!this.inFit) this.end(logs);
  }

  override onPredictBegin(): void {
    this.begin();
  }

  override onPredictBatchEnd(batch: number): void {
    this.bar?.update(batch + 1, {}, false);
  }

  override onPredictEnd(): void {
    this.end({});
  }

  private begin(): void {
    this.bar = new Progbar(this.params.steps, {
      verbose: this.params.verbose,
      stream: this.stream,
    });
  }

  private end(logs: Logs): void {
    this.bar?.finish(logs);
    this.bar = null;
  }
}
