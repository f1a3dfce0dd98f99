/**
 * Reads TensorBoard event files into plain, decoded events — the reader `strata board` follows
 * live runs with. Understands what TF2 / Keras / Strata write (tensor summaries dispatched on
 * their plugin name) and TF1's legacy summary fields (`simple_value`, `histo`, `image`).
 *
 *   const { events, nextOffset } = await readEvents(path);          // the whole file
 *   const more = await readEvents(path, nextOffset);                // what was appended since
 *   const reader = new EventFileReader(path); await reader.poll();   // the same, offset kept
 *
 * A record still being written at the end of a file is left for the next read (`nextOffset`
 * stops before it), so following a file that a training run is appending to is safe.
 */
import { open } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ValueError } from "../../errors.js";
import {
  EventMessage,
  GraphDefMessage,
  decodeMessage,
  type EventObject,
  type SummaryValueObject,
} from "./proto.js";
import { PLUGIN } from "./event-writer.js";
import { tensorNumbers, tensorShape, tensorStrings } from "./tensor-proto.js";
import { readRecords } from "./tfrecord.js";

/** Fields every decoded event has. */
interface EventBase {
  /** Seconds since the Unix epoch, when the event was written. */
  wallTime: number;
  /** The global step (the epoch for Keras's epoch summaries, the batch for batch summaries). */
  step: number;
}

/** The first event of a file: its format version ("brain.Event:2"). */
export interface FileVersionEvent extends EventBase {
  kind: "fileVersion";
  fileVersion: string;
}
/** A scalar summary (`epoch_loss` …). */
export interface ScalarEvent extends EventBase {
  kind: "scalar";
  tag: string;
  value: number;
}
/** One histogram bucket: values in [left, right) (the last bucket includes its right edge). */
export interface HistogramBucket {
  left: number;
  right: number;
  count: number;
}
/** A histogram summary (`dense/kernel/histogram` …). */
export interface HistogramEvent extends EventBase {
  kind: "histogram";
  tag: string;
  buckets: HistogramBucket[];
}
/** An image summary: one or more encoded images (PNG as written by Strata and TF) of one size. */
export interface ImageEvent extends EventBase {
  kind: "image";
  tag: string;
  width: number;
  height: number;
  images: Uint8Array[];
}
/** A text summary (TensorBoard shows it as Markdown): the strings, flattened, and their shape. */
export interface TextEvent extends EventBase {
  kind: "text";
  tag: string;
  text: string[];
  shape: number[];
}
/** A Keras model's config (Keras's `model.to_json()`), parsed; TensorBoard's conceptual graph. */
export interface KerasModelEvent extends EventBase {
  kind: "kerasModel";
  tag: string;
  config: unknown;
}
/** A GraphDef (`Event.graph_def`), decoded to a plain object: `{ node: [{ name, op, input }] }`. */
export interface GraphEvent extends EventBase {
  kind: "graph";
  graphDef: Record<string, unknown>;
}
/** Any other tensor summary, as numbers (or strings) with its plugin name. */
export interface TensorEvent extends EventBase {
  kind: "tensor";
  tag: string;
  pluginName: string;
  dtype: string;
  shape: number[];
  values: number[] | string[];
}

/** A decoded event. A file's Event with several summary values gives one of these per value. */
export type TensorBoardEvent =
  | FileVersionEvent
  | ScalarEvent
  | HistogramEvent
  | ImageEvent
  | TextEvent
  | KerasModelEvent
  | GraphEvent
  | TensorEvent;

/** The result of a read: the events found and the byte offset to continue from. */
export interface EventsRead {
  events: TensorBoardEvent[];
  nextOffset: number;
}

const utf8 = new TextDecoder();

/** Plain Uint8Array views (protobufjs hands out Buffers when it decodes a Buffer). */
const plainBytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** One Summary.Value as a decoded event, or null for kinds this reader does not know. */
function decodeValue(value: SummaryValueObject, base: EventBase): TensorBoardEvent | null {
  const tag = value.tag ?? "";
  const where = `event summary "${tag}" at step ${base.step}`;
  if (value.simpleValue !== undefined)
    return { kind: "scalar", ...base, tag, value: value.simpleValue };
  if (value.histo) {
    // TF1 HistogramProto: bucket i spans (limit[i-1], limit[i]]; the first starts at `min`.
    const limits = value.histo.bucketLimit ?? [];
    const counts = value.histo.bucket ?? [];
    const buckets = counts.map((count, i) => ({
      left: i === 0 ? (value.histo!.min ?? 0) : limits[i - 1]!,
      right: limits[i] ?? value.histo!.max ?? 0,
      count,
    }));
    return { kind: "histogram", ...base, tag, buckets };
  }
  if (value.image) {
    const { width = 0, height = 0, encodedImageString } = value.image;
    const images = encodedImageString ? [plainBytes(encodedImageString)] : [];
    return { kind: "image", ...base, tag, width, height, images };
  }
  const tensor = value.tensor;
  if (!tensor) return null;
  const pluginName = value.metadata?.pluginData?.pluginName ?? "";
  const shape = tensorShape(tensor);
  switch (pluginName) {
    case PLUGIN.scalars:
      return { kind: "scalar", ...base, tag, value: tensorNumbers(tensor, where)[0] ?? NaN };
    case PLUGIN.histograms: {
      const flat = tensorNumbers(tensor, where);
      const buckets: HistogramBucket[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        buckets.push({ left: flat[i]!, right: flat[i + 1]!, count: flat[i + 2]! });
      }
      return { kind: "histogram", ...base, tag, buckets };
    }
    case PLUGIN.images: {
      const [w, h, ...images] = tensorStrings(tensor, where);
      const width = Number(utf8.decode(w));
      const height = Number(utf8.decode(h));
      return { kind: "image", ...base, tag, width, height, images: images.map(plainBytes) };
    }
    case PLUGIN.text: {
      const text = tensorStrings(tensor, where).map((s) => utf8.decode(s));
      return { kind: "text", ...base, tag, text, shape };
    }
    case PLUGIN.kerasModel: {
      const json = utf8.decode(tensorStrings(tensor, where)[0] ?? new Uint8Array());
      let config: unknown;
      try {
        config = JSON.parse(json);
      } catch {
        throw new ValueError(`${where}: the Keras model config is not valid JSON`);
      }
      return { kind: "kerasModel", ...base, tag, config };
    }
    default: {
      const dtype = tensor.dtype ?? "DT_INVALID";
      const values =
        dtype === "DT_STRING"
          ? tensorStrings(tensor, where).map((s) => utf8.decode(s))
          : tensorNumbers(tensor, where);
      return { kind: "tensor", ...base, tag, pluginName, dtype, shape, values };
    }
  }
}

/** One Event record's decoded events (none for session logs and other kinds not shown). */
export function decodeEvent(record: Uint8Array): TensorBoardEvent[] {
  const event = decodeMessage(EventMessage, record) as EventObject;
  const base: EventBase = { wallTime: event.wallTime ?? 0, step: event.step ?? 0 };
  if (event.fileVersion !== undefined) {
    return [{ kind: "fileVersion", ...base, fileVersion: event.fileVersion }];
  }
  if (event.graphDef !== undefined) {
    return [{ kind: "graph", ...base, graphDef: decodeMessage(GraphDefMessage, event.graphDef) }];
  }
  const out: TensorBoardEvent[] = [];
  for (const value of event.summary?.value ?? []) {
    const decoded = decodeValue(value, base);
    if (decoded) out.push(decoded);
  }
  return out;
}

/**
 * Decodes the complete records of an event file's bytes from `offset`. A record cut short at the
 * end is left for later (`nextOffset` points at its start); a corrupt one raises a ValueError.
 */
export function decodeEvents(buffer: Uint8Array, offset = 0, source = "buffer"): EventsRead {
  const { records, nextOffset } = readRecords(buffer, offset, source);
  return { events: records.flatMap(decodeEvent), nextOffset };
}

/**
 * Reads the events of the file at `path` from byte `offset` (0: the whole file) to its current
 * end. Pass the returned `nextOffset` to the next call to get only what was appended since.
 */
export async function readEvents(path: string, offset = 0): Promise<EventsRead> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (offset > size) {
      throw new ValueError(
        `readEvents: offset ${offset} is past the end of ${path} (${size} bytes); ` +
          `the file was replaced or truncated`,
      );
    }
    const buffer = new Uint8Array(size - offset);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(
        buffer,
        filled,
        buffer.length - filled,
        offset + filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const read = decodeEvents(buffer.subarray(0, filled), 0, path);
    return { events: read.events, nextOffset: offset + read.nextOffset };
  } finally {
    await handle.close();
  }
}

/** Follows one event file: each `poll()` returns the events appended since the previous one. */
export class EventFileReader {
  /** The byte offset the next poll reads from. */
  offset = 0;
  constructor(readonly path: string) {}

  async poll(): Promise<TensorBoardEvent[]> {
    const { events, nextOffset } = await readEvents(this.path, this.offset);
    this.offset = nextOffset;
    return events;
  }
}

/**
 * The event files directly in `dir` (names containing "tfevents", as TensorBoard looks for them),
 * sorted by name (the creation time comes first in it), as full paths. [] if `dir` is missing.
 */
export function listEventFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.includes("tfevents"))
    .sort()
    .map((n) => join(dir, n));
}
