import { Callback, type Logs } from "./callback.js";

/** Keras's number format in logs: 4 decimals, or scientific for tiny values. */
export function formatLogValue(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatLogs(logs: Logs): string {
  return Object.keys(logs)
    .sort()
    .map((k) => ` - ${k}: ${formatLogValue(logs[k]!)}`)
    .join("");
}

function perStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

function duration(seconds: number): string {
  const whole = Math.round(seconds); // before splitting, so 179.6 s is 3:00, not 2:60
  if (whole < 60) return `${whole}s`;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export type Writer = (text: string) => void;

/**
 * Keras's progress output: `verbose: 1` draws `469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - accuracy:
 * 0.9241 - loss: 0.2630`, redrawn in place on a terminal (once at the end otherwise); `verbose: 2`
 * prints one line at the end. fit prints it for each epoch, evaluate and predict for their run.
 */
export class ProgbarLogger extends Callback {
  private start = 0;
  private seen = 0;
  private lastDraw = 0;
  private readonly interactive: boolean;
  /** Inside fit, validation's test hooks draw nothing: the epoch's line carries the val_ logs. */
  private inFit = false;

  constructor(
    private readonly write: Writer = (t) => process.stdout.write(t),
    interactive?: boolean,
  ) {
    super();
    this.interactive = interactive ?? Boolean(process.stdout.isTTY);
  }

  override onTrainBegin(): void {
    this.inFit = true;
  }

  override onTrainEnd(): void {
    this.inFit = false;
  }

  override onEpochBegin(epoch: number): void {
    if (this.params.verbose === 0) return;
    this.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.begin();
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.step(batch, logs);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.end(logs);
  }

  override onTestBegin(): void {
    if (!this.inFit) this.begin();
  }

  override onTestBatchEnd(batch: number, logs: Logs = {}): void {
    if (!this.inFit) this.step(batch, logs);
  }

  override onTestEnd(logs: Logs = {}): void {
    if (!this.inFit) this.end(logs);
  }

  override onPredictBegin(): void {
    this.begin();
  }

  override onPredictBatchEnd(batch: number): void {
    this.step(batch, {});
  }

  override onPredictEnd(): void {
    this.end({});
  }

  private begin(): void {
    this.start = performance.now();
    this.seen = 0;
    this.lastDraw = 0;
  }

  private step(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    if (this.params.verbose !== 1 || !this.interactive) return;
    const now = performance.now();
    if (now - this.lastDraw < 50 && this.seen !== this.params.steps) return;
    this.lastDraw = now;
    this.write(`\r${this.line(logs, false)}\x1b[K`);
  }

  private end(logs: Logs): void {
    if (this.params.verbose === 0) return;
    if (this.params.verbose === 1) {
      this.write(
        `${this.interactive ? "\r" : ""}${this.line(logs, true)}${this.interactive ? "\x1b[K" : ""}\n`,
      );
    } else {
      const elapsed = (performance.now() - this.start) / 1000;
      const steps = this.seen;
      this.write(
        `${steps}/${steps} - ${duration(elapsed)} - ${perStep(elapsed / Math.max(steps, 1))}${formatLogs(logs)}\n`,
      );
    }
  }

  private line(logs: Logs, done: boolean): string {
    const total = this.params.steps ?? this.seen;
    const elapsed = (performance.now() - this.start) / 1000;
    const step = elapsed / Math.max(this.seen, 1);
    const width = 20;
    const filled = total > 0 ? Math.round((width * this.seen) / total) : width;
    const bar =
      "━".repeat(filled) + (done ? "" : "\x1b[2m" + "━".repeat(width - filled) + "\x1b[0m");
    const time = done ? duration(elapsed) : duration(step * Math.max(total - this.seen, 0));
    const count = `${this.seen}/${total}`.padStart(2 * String(total).length + 1);
    return `${count} ${done ? "━".repeat(width) : bar} ${time} ${perStep(step)}${formatLogs(logs)}`;
  }
}
