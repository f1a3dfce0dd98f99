/**
 * Writes TensorBoard event files as TF2's summary writer does: a file
 * `events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2` in the log directory, starting with an
 * Event holding `file_version: "brain.Event:2"`, then one Event per summary, each a TFRecord.
 * Summaries are tensors tagged by plugin, as `tf.summary.*` writes them and TensorBoard reads them:
 * scalars (plugin "scalars", a float32 scalar), histograms ("histograms", a float64 [k, 3] tensor
 * of left edge, right edge, count), images ("images", a string tensor [width, height, png…]),
 * text ("text"), and the Keras model config ("graph_keras_model", as Keras's TensorBoard callback
 * writes it); `addGraph` writes a GraphDef into `Event.graph_def`.
 *
 * Events are buffered and appended to the file by `flush()` (and `close()`); each flush is visible
 * to readers at once. An event file is an append-only log that a reader follows while it grows, so
 * it is appended to, not rewritten atomically.
 */
import { mkdirSync, openSync, writeSync, closeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ValueError } from "../../errors.js";
import { DEFAULT_BUCKET_COUNT, histogramBuckets } from "./histogram-buckets.js";
import {
  EventMessage,
  GraphDefMessage,
  encodeMessage,
  type SummaryMetadataObject,
  type TensorProtoObject,
} from "./proto.js";
import { numericTensorProto, stringTensorProto } from "./tensor-proto.js";
import { frameRecord } from "./tfrecord.js";

/** The file version TF2 writes first in every event file. */
export const FILE_VERSION = "brain.Event:2";

/** Plugin names TensorBoard dispatches summaries on. */
export const PLUGIN = {
  scalars: "scalars",
  histograms: "histograms",
  images: "images",
  text: "text",
  kerasModel: "graph_keras_model",
} as const;

/** An image already encoded as PNG (or another format TensorBoard's browser page shows). */
export interface EncodedImage {
  width: number;
  height: number;
  /** The encoded file's bytes. */
  encoded: Uint8Array;
}

/** Options of `EventFileWriter.create`. */
export interface EventFileWriterOptions {
  /** Appended to the file name (TF's `filename_suffix`). Default ".v2", as TF2. */
  filenameSuffix?: string;
}

/** Numbers TF's file names carry to stay unique within a process. */
let fileCounter = 0;

function checkStep(step: number, where: string): void {
  if (!Number.isSafeInteger(step)) {
    throw new ValueError(`${where}: step must be an integer. Received: step=${step}`);
  }
}

function checkTag(tag: string, where: string): void {
  if (typeof tag !== "string" || tag === "") {
    throw new ValueError(`${where}: tag must be a non-empty string. Received: ${String(tag)}`);
  }
}

function metadata(pluginName: string, content?: Uint8Array): SummaryMetadataObject {
  return { pluginData: content ? { pluginName, content } : { pluginName } };
}

/** One event file being written. Create it with `EventFileWriter.create(logDir)`. */
export class EventFileWriter {
  private pending: Uint8Array[] = [];
  private fd: number | null;

  private constructor(
    /** The event file's full path. */
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Creates `logDir` (with its parents) and a new event file in it holding the file-version
   * event, written at once so the run shows up in readers before its first summary.
   */
  static create(logDir: string, opts: EventFileWriterOptions = {}): EventFileWriter {
    if (typeof logDir !== "string" || logDir === "") {
      throw new ValueError(
        `EventFileWriter: logDir must be a non-empty string. Received: ${logDir}`,
      );
    }
    mkdirSync(logDir, { recursive: true });
    const seconds = Math.floor(Date.now() / 1000);
    const name = `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}`;
    const path = join(logDir, name + (opts.filenameSuffix ?? ".v2"));
    const writer = new EventFileWriter(path, openSync(path, "a"));
    writer.addEvent({
      wallTime: seconds,
      fileVersion: FILE_VERSION,
      sourceMetadata: { writer: "strata" },
    });
    writer.flush();
    return writer;
  }

  /** Queues one Event (a plain object in protobufjs's camelCase form). */
  addEvent(event: Record<string, unknown>): void {
    if (this.fd === null) throw new ValueError(`EventFileWriter: ${this.path} is closed`);
    this.pending.push(frameRecord(encodeMessage(EventMessage, event)));
  }

  /** Queues a Summary event with one tensor value (the TF2 form of every summary). */
  addTensorSummary(
    tag: string,
    tensor: TensorProtoObject,
    step: number,
    meta: SummaryMetadataObject,
    wallTime = Date.now() / 1000,
  ): void {
    checkTag(tag, "EventFileWriter");
    checkStep(step, `EventFileWriter (tag ${tag})`);
    this.addEvent({ wallTime, step, summary: { value: [{ tag, tensor, metadata: meta }] } });
  }

  /** A scalar (`tf.summary.scalar`): a float32 tensor of shape []. */
  addScalar(tag: string, value: number, step: number, wallTime?: number): void {
    if (typeof value !== "number") {
      throw new ValueError(
        `EventFileWriter.addScalar(${tag}): value must be a number, got ${value}`,
      );
    }
    const tensor = numericTensorProto("DT_FLOAT", [], [value]);
    this.addTensorSummary(tag, tensor, step, metadata(PLUGIN.scalars), wallTime);
  }

  /** A histogram of `values` (`tf.summary.histogram`): `buckets` rows of [left, right, count]. */
  addHistogram(
    tag: string,
    values: ArrayLike<number>,
    step: number,
    opts: { buckets?: number; wallTime?: number } = {},
  ): void {
    const buckets = histogramBuckets(values, opts.buckets ?? DEFAULT_BUCKET_COUNT);
    const tensor = numericTensorProto("DT_DOUBLE", [buckets.length / 3, 3], buckets);
    this.addTensorSummary(tag, tensor, step, metadata(PLUGIN.histograms), opts.wallTime);
  }

  /** Encoded images of one size (`tf.summary.image`): a string tensor [width, height, img…]. */
  addImages(tag: string, images: readonly EncodedImage[], step: number, wallTime?: number): void {
    if (images.length === 0) {
      throw new ValueError(`EventFileWriter.addImages(${tag}): expected at least one image`);
    }
    const { width, height } = images[0]!;
    if (images.some((im) => im.width !== width || im.height !== height)) {
      throw new ValueError(`EventFileWriter.addImages(${tag}): all images must have one size`);
    }
    const tensor = stringTensorProto(
      [images.length + 2],
      [String(width), String(height), ...images.map((im) => im.encoded)],
    );
    this.addTensorSummary(tag, tensor, step, metadata(PLUGIN.images), wallTime);
  }

  /** Text (`tf.summary.text`, Markdown in TensorBoard): a string tensor of shape []. */
  addText(tag: string, text: string, step: number, wallTime?: number): void {
    const tensor = stringTensorProto([], [text]);
    this.addTensorSummary(tag, tensor, step, metadata(PLUGIN.text), wallTime);
  }

  /**
   * A Keras model's config (`model.to_json()`), as Keras's TensorBoard callback writes it with
   * `keras_model_summary`: plugin "graph_keras_model", content "1" (its version), tag "keras" by
   * default. TensorBoard's graph dashboard draws it as the model's conceptual graph.
   */
  addKerasModel(modelJson: string, step = 0, tag = "keras", wallTime?: number): void {
    const tensor = stringTensorProto([], [modelJson]);
    const meta = metadata(PLUGIN.kerasModel, new TextEncoder().encode("1"));
    this.addTensorSummary(tag, tensor, step, meta, wallTime);
  }

  /** A GraphDef (plain object: `{ node: [{ name, op, input, … }], versions }`) in `graph_def`. */
  addGraph(graphDef: Record<string, unknown>, step = 0, wallTime = Date.now() / 1000): void {
    checkStep(step, "EventFileWriter.addGraph");
    this.addEvent({ wallTime, step, graphDef: encodeMessage(GraphDefMessage, graphDef) });
  }

  /** Appends the queued events to the file; readers see them once this returns. */
  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    let written = 0;
    while (written < chunk.length) written += writeSync(this.fd, chunk, written);
  }

  /** Flushes and closes the file. Later writes raise; closing twice is harmless. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}
