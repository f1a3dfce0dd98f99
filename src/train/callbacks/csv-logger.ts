import { appendFile, readFile, writeFile } from "node:fs/promises";
import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { pyFloatRepr } from "./py-format.js";

export interface CSVLoggerOptions {
  /** Separates the fields. Default ",". */
  separator?: string;
  /** Append to an existing file (continuing a run) instead of overwriting it. Default false. */
  append?: boolean;
}

/**
 * Keras `CSVLogger`: one row per epoch — `epoch`, then the logs in sorted key order (fixed at the
 * first epoch; a key missing later is written `NA`). Written as Python's csv module writes it:
 * excel dialect (`\r\n` line ends, fields quoted only when they hold the separator, a quote or a
 * line break), floats as Python's `repr`. With `append`, the header is written only into an empty
 * or new file. Each row is on disk when the epoch ends.
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private appendHeader = true;

  constructor(filename: string, opts: CSVLoggerOptions = {}) {
    super();
    checkOptionNames("CSVLogger", opts, ["separator", "append"]);
    if (typeof filename !== "string" || filename === "") {
      throw new ValueError(
        `CSVLogger: filename must be a non-empty string. Received: filename=${String(filename)}`,
      );
    }
    this.filename = filename;
    this.separator = opts.separator ?? ",";
    if (typeof this.separator !== "string" || this.separator.length !== 1) {
      throw new ValueError(
        `CSVLogger: separator must be a 1-character string. Received: separator=${JSON.stringify(this.separator)}`,
      );
    }
    this.append = opts.append ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    if (this.append) {
      const existing = await readFile(this.filename, "utf8").catch(() => "");
      this.appendHeader = existing.length === 0;
    } else {
      this.appendHeader = true;
      await writeFile(this.filename, "");
    }
  }

  private field(value: string): string {
    const needsQuotes = value.includes(this.separator) || /["\r\n]/.test(value);
    return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
  }

  private row(fields: string[]): string {
    return `${fields.map((f) => this.field(f)).join(this.separator)}\r\n`;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    let text = "";
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (this.appendHeader) text += this.row(["epoch", ...this.keys]);
    }
    const values = this.keys.map((k) => (logs[k] === undefined ? "NA" : pyFloatRepr(logs[k]!)));
    text += this.row([String(epoch), ...values]);
    await appendFile(this.filename, text);
  }
}
