/**
 * Keras `RemoteMonitor`: at each epoch's end, POSTs `{"epoch": i, ...logs}` to `root + path` —
 * as a form field (`field=<JSON>`, application/x-www-form-urlencoded) or, with `sendAsJson`, as an
 * application/json body — with `headers` added. The JSON is written as Python's `json.dumps`
 * writes it (`", "`/`": "` separators, float repr), so a server written for Keras reads the same
 * text. An unreachable server (or, in JSON mode, a NaN log Keras's JSON encoder refuses) warns
 * and training goes on, as in Keras.
 */
import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { pyFloatRepr } from "./py-format.js";

export interface RemoteMonitorOptions {
  /** The server's root URL (default `"http://localhost:9000"`). */
  root?: string;
  /** Appended to `root` (default `"/publish/epoch/end/"`). */
  path?: string;
  /** The form field holding the JSON (default `"data"`; unused with `sendAsJson`). */
  field?: string;
  /** Extra HTTP headers (default none). */
  headers?: Record<string, string> | null;
  /** Send the logs as an application/json body (default false). */
  sendAsJson?: boolean;
}

/** A float as Python's `json.dumps` writes it (NaN and infinities as JavaScript names). */
function pyJsonFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return pyFloatRepr(x);
}

/** `json.dumps({"epoch": epoch, **logs})`, Python's default separators. */
export function pyJsonDumps(epoch: number, logs: Logs): string {
  const parts = [`"epoch": ${epoch}`];
  for (const [k, v] of Object.entries(logs)) parts.push(`${JSON.stringify(k)}: ${pyJsonFloat(v)}`);
  return `{${parts.join(", ")}}`;
}

export class RemoteMonitor extends Callback {
  readonly root: string;
  readonly path: string;
  readonly field: string;
  readonly headers: Record<string, string> | null;
  readonly sendAsJson: boolean;

  constructor(opts: RemoteMonitorOptions = {}) {
    super();
    checkOptionNames("RemoteMonitor", opts, ["root", "path", "field", "headers", "sendAsJson"]);
    for (const key of ["root", "path", "field"] as const) {
      if (opts[key] !== undefined && typeof opts[key] !== "string") {
        throw new ValueError(
          `RemoteMonitor: ${key} must be a string; received ${key}=${String(opts[key])}`,
        );
      }
    }
    this.root = opts.root ?? "http://localhost:9000";
    this.path = opts.path ?? "/publish/epoch/end/";
    this.field = opts.field ?? "data";
    this.headers = opts.headers ?? null;
    this.sendAsJson = opts.sendAsJson ?? false;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const json = pyJsonDumps(epoch, logs);
    let body: string;
    let contentType: string;
    if (this.sendAsJson) {
      // requests' json= encodes with allow_nan=False: a NaN or infinite log is not sent.
      if (Object.values(logs).some((v) => !Number.isFinite(v))) {
        this.warn();
        return;
      }
      body = json;
      contentType = "application/json";
    } else {
      body = new URLSearchParams({ [this.field]: json }).toString();
      contentType = "application/x-www-form-urlencoded";
    }
    try {
      const res = await fetch(this.root + this.path, {
        method: "POST",
        body,
        headers: { "Content-Type": contentType, ...(this.headers ?? {}) },
      });
      await res.arrayBuffer(); // drain, so the connection is released
    } catch {
      this.warn();
    }
  }

  private warn(): void {
    process.emitWarning(`Could not reach RemoteMonitor root server at ${this.root}`);
  }
}
