/**
 * Keras's `keras.utils.Progbar`: the one terminal progress line every long job draws — fit's
 * epochs, evaluate and predict (through ProgbarLogger), downloads (bytes and their rate), adapt
 * over a dataset (batches) and the listing of a folder of files. `469/469 ━━━━━━━━━━━━━━━━━━━━
 * 3s 6ms/step - loss: 0.2630`: the count, the bar, the time left (the time taken once done), the
 * rate, and any values. On a terminal (`verbose: 1`) the line is redrawn in place, at most every
 * `interval` seconds; `verbose: 2` writes one line at the end; `verbose: 0` nothing. When the
 * stream is not a terminal, only the final line is written — or nothing, for jobs whose line is
 * progress only (`finalWhenNotTTY: false`), so logs and pipes stay clean.
 */

import { isInteractiveLoggingEnabled, writeToLog } from "./io-utils.js";

/** Where progress goes: a Node stream such as `process.stdout`, or anything with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgbarOptions {
  /** Characters of the bar. Default 20. */
  width?: number;
  /** 0: silent, 1: a live line (default), 2: one line at the end. */
  verbose?: number;
  /** Seconds between redraws. Default 0.05 (Keras's). */
  interval?: number;
  /** What one unit of progress is called in the rate ("step", "batch", "file"). Default "step". */
  unitName?: string;
  /** "time": time per unit (Keras's `6ms/step`); "bytes": throughput (`1.2 MB/s`). */
  rate?: "time" | "bytes";
  /** Default `process.stdout`. */
  stream?: ProgressStream;
  /** Whether the final line is written when the stream is not a terminal. Default true. */
  finalWhenNotTTY?: boolean;
  /** Text before the count ("Indexing files: "). */
  label?: string;
}

/** Keras's number format in logs: 4 decimals, or scientific for tiny values. */
export function formatLogValue(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatValues(values: Readonly<Record<string, number>>): string {
  return Object.keys(values)
    .sort()
    .map((k) => ` - ${k}: ${formatLogValue(values[k]!)}`)
    .join("");
}

/** Keras's time per unit: `2s/step`, `15ms/step`, `80us/step`. */
export function perUnit(seconds: number, unit = "step"): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}

/** A duration: `42s`, `3:07`, `1:02:05`. */
export function duration(seconds: number): string {
  const whole = Math.round(seconds); // before splitting, so 179.6 s is 3:00, not 2:60
  const mmss = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return mmss(whole);
  return `${Math.floor(whole / 3600)}:${mmss(whole % 3600).padStart(5, "0")}`;
}

/** Bytes per second in decimal units: `850 B/s`, `12.4 kB/s`, `3.1 MB/s`. */
export function byteRate(bytesPerSecond: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytesPerSecond;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}/s`;
}

/** A progress line: see the file comment. */
export class Progbar {
  private readonly width: number;
  private readonly verbose: number;
  private readonly interval: number;
  private readonly unitName: string;
  private readonly rate: "time" | "bytes";
  private readonly stream: ProgressStream;
  private readonly finalWhenNotTTY: boolean;
  private readonly label: string;
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private seen = 0;
  private finished = false;

  constructor(
    public target: number | null,
    opts: ProgbarOptions = {},
  ) {
    this.width = opts.width ?? 20;
    this.verbose = opts.verbose ?? 1;
    this.interval = (opts.interval ?? 0.05) * 1000;
    this.unitName = opts.unitName ?? "step";
    this.rate = opts.rate ?? "time";
    this.stream = opts.stream ?? process.stdout;
    this.finalWhenNotTTY = opts.finalWhenNotTTY ?? true;
    this.label = opts.label ?? "";
  }

  /**
   * Whether the line is redrawn in place: the stream is a terminal and interactive logging is
   * on (`st.config.disableInteractiveLogging()` sends complete lines to the log instead).
   */
  get interactive(): boolean {
    return isInteractiveLoggingEnabled() && Boolean(this.stream.isTTY);
  }

  private write(text: string): void {
    if (isInteractiveLoggingEnabled()) this.stream.write(text);
    else writeToLog(text);
  }

  /** Units done so far. */
  get current(): number {
    return this.seen;
  }

  /**
   * Moves to `current` units done, with the values to show (as given: Keras's stateful metrics);
   * redraws on a terminal. As in Keras, reaching the target finishes the line unless `finalize`
   * is false (fit's epochs finish only once the validation logs are in).
   */
  update(
    current: number,
    values: Readonly<Record<string, number>> = {},
    finalize = this.target !== null && current >= this.target,
  ): void {
    this.seen = current;
    if (finalize) return this.finish(values);
    if (this.finished || this.verbose !== 1 || !this.interactive) return;
    const now = performance.now();
    if (now - this.lastDraw < this.interval && current !== this.target) return;
    this.lastDraw = now;
    this.write(`\r${this.line(values, false)}\x1b[K`);
  }

  /** Adds `n` units. */
  add(n: number, values: Readonly<Record<string, number>> = {}): void {
    this.update(this.seen + n, values);
  }

  /** The final line (an unknown target becomes the count reached, as Keras's ProgbarLogger). */
  finish(values: Readonly<Record<string, number>> = {}): void {
    if (this.finished) return;
    this.finished = true;
    if (this.target === null) this.target = this.seen;
    if (this.verbose === 0 || (!this.interactive && !this.finalWhenNotTTY)) return;
    const elapsed = this.elapsed();
    if (this.verbose === 2) {
      this.write(
        `${this.label}${this.seen}/${this.seen} - ${duration(elapsed)} - ${this.rateText(elapsed)}${formatValues(values)}\n`,
      );
      return;
    }
    const line = this.line(values, true);
    this.write(this.interactive ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  private rateText(elapsed: number): string {
    if (this.rate === "bytes") return byteRate(this.seen / Math.max(elapsed, 1e-9));
    return perUnit(elapsed / Math.max(this.seen, 1), this.unitName);
  }

  private line(values: Readonly<Record<string, number>>, done: boolean): string {
    const elapsed = this.elapsed();
    const rate = this.rateText(elapsed);
    const total = this.target;
    if (total === null) {
      return `${this.label}${String(this.seen).padStart(7)}/Unknown ${duration(elapsed)} ${rate}${formatValues(values)}`;
    }
    const filled =
      total > 0 ? Math.min(this.width, Math.round((this.width * this.seen) / total)) : this.width;
    const bar = done
      ? "━".repeat(this.width)
      : "━".repeat(filled) + "\x1b[2m" + "━".repeat(this.width - filled) + "\x1b[0m";
    const perOne = elapsed / Math.max(this.seen, 1);
    const time = done ? duration(elapsed) : duration(perOne * Math.max(total - this.seen, 0));
    const count = `${this.seen}/${total}`.padStart(2 * String(total).length + 1);
    return `${this.label}${count} ${bar} ${time} ${rate}${formatValues(values)}`;
  }
}

/**
 * Counts the items of an (async) iterable on a Progbar once each is handled (when the next is
 * asked for, or the loop ends), and finishes the line when the loop ends. A run of one item of
 * an unknown count draws nothing (no bar for a job that was never long). Quiet when not a
 * terminal unless `finalWhenNotTTY` says otherwise.
 */
export async function* withProgress<T>(
  items: AsyncIterable<T> | Iterable<T>,
  target: number | null,
  opts: ProgbarOptions,
): AsyncGenerator<T> {
  if ((opts.verbose ?? 1) === 0) {
    yield* items;
    return;
  }
  const bar = new Progbar(target, { finalWhenNotTTY: false, ...opts });
  let n = 0;
  let pending = false;
  const shown = () => n > 1 || (n > 0 && target !== null && target > 1);
  try {
    for await (const item of items) {
      pending = true;
      yield item;
      pending = false;
      n++;
      if (shown()) bar.update(n, {}, false);
    }
  } finally {
    // A loop that stops early (break, steps) has still handled the item it holds.
    if (pending) n++;
    if (shown()) {
      if (pending) bar.update(n, {}, false);
      bar.finish();
    }
  }
}

/**
 * How many items an iterable says it yields, capped by `steps`: a Dataset's `cardinality()`
 * (when known and finite), an array's or a Sequence's `length`; null when it does not say.
 */
export function declaredCount(items: unknown, steps?: number | null): number | null {
  let n: number | null = null;
  const card = (items as { cardinality?: unknown } | null)?.cardinality;
  const length = (items as { length?: unknown } | null)?.length;
  if (typeof card === "function") {
    const c = (card as () => unknown).call(items);
    if (typeof c === "number" && c >= 0) n = c;
  } else if (typeof length === "number" && length >= 0) {
    n = length;
  }
  if (steps !== undefined && steps !== null) n = n === null ? steps : Math.min(n, steps);
  return n;
}
