/**
 * Keras's `TensorBoard` callback (keras/src/callbacks/tensorboard.py, Keras 3.16): writes event
 * files that TensorBoard — and `strata board` — read, under `logDir/train` and
 * `logDir/validation`:
 *
 * - per epoch, `epoch_<metric>` scalars at step = epoch (train metrics and `epoch_learning_rate`
 *   under train/, the `val_` metrics without their prefix under validation/); with `updateFreq`
 *   "batch" or N, also `batch_<metric>` every N training batches at step = the global batch count;
 * - after each validation or `evaluate`, `evaluation_<metric>_vs_iterations` at step = the
 *   optimizer's iterations (validation/);
 * - every `histogramFreq` epochs, a histogram of every layer weight (`dense/kernel/histogram`),
 *   and with `writeImages` the weight as images (`dense/kernel/image`);
 * - with `writeGraph`, the Keras model config (tag "keras", plugin "graph_keras_model") for
 *   functional and Sequential models, which TensorBoard's graph dashboard draws;
 * - with `writeStepsPerSecond`, `epoch_steps_per_second` (and `batch_steps_per_second`);
 * - with `embeddingsFreq`, Keras's projector_config.pbtxt and weights checkpoints.
 *
 * Differences from Keras: no op-level training graph (Keras writes one only with the TensorFlow
 * backend, from the traced `tf.function`); `profileBatch` is validated as Keras does but profiling
 * is not available (a warning says so, once per process). Files are flushed after every hook that
 * wrote, so a reader sees each epoch (or logged batch) as soon as it ends.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ValueError, checkOptionNames } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Embedding } from "../../layers/core/embedding.js";
import { Model } from "../../models/model.js";
import { Callback, type CallbackModel, type Logs } from "../../train/callbacks/callback.js";
import { ratedOptimizers } from "../../train/callbacks/rated-optimizers.js";
import { EventFileWriter } from "./event-writer.js";
import { kerasWeightPaths } from "./keras-weight-paths.js";
import { encodeImageBatch, weightAsImageBatch } from "./weight-image.js";

/** Options of `callbacks.TensorBoard` (Keras's arguments, camelCased; the same defaults). */
export interface TensorBoardOptions {
  /** Where the run's `train/` and `validation/` event files go. Default "logs". */
  logDir?: string;
  /** Every this many epochs (counting from epoch 0), weight histograms. 0 (default): never. */
  histogramFreq?: number;
  /** Write the Keras model config for TensorBoard's graph dashboard. Default true. */
  writeGraph?: boolean;
  /** With histograms, also write each weight as images. Default false. */
  writeImages?: boolean;
  /** Log training steps per second (per epoch, and per batch with updateFreq). Default false. */
  writeStepsPerSecond?: boolean;
  /** "epoch" (default), or "batch" / an integer N: also log batch metrics every N batches. */
  updateFreq?: "epoch" | "batch" | number;
  /** Keras's batches to profile (an integer, a [start, stop] pair or "start,stop"). Not supported. */
  profileBatch?: number | readonly [number, number] | string;
  /** Every this many epochs, save the weights for the embedding projector. 0 (default): never. */
  embeddingsFreq?: number;
  /** A metadata file for every Embedding layer, or one per layer name. */
  embeddingsMetadata?: string | Readonly<Record<string, string>> | null;
}

const OPTION_NAMES = [
  "logDir",
  "histogramFreq",
  "writeGraph",
  "writeImages",
  "writeStepsPerSecond",
  "updateFreq",
  "profileBatch",
  "embeddingsFreq",
  "embeddingsMetadata",
] as const;

let profilingWarned = false;

/** Keras's `_init_profile_batch` checks; returns [start, stop]. */
function parseProfileBatch(value: unknown): [number, number] {
  const message =
    "TensorBoard: profileBatch must be a non-negative integer or a pair of positive integers " +
    `(a range of batches). Received: profileBatch=${JSON.stringify(value)}`;
  let pair: unknown[];
  if (typeof value === "string") pair = value.split(",").map((s) => Number(s.trim()));
  else if (typeof value === "number") pair = [value, value];
  else if (Array.isArray(value)) pair = value;
  else throw new ValueError(message);
  if (pair.length === 1) pair = [pair[0], pair[0]];
  if (pair.length !== 2 || !pair.every((v) => Number.isInteger(v))) throw new ValueError(message);
  const [start, stop] = pair as [number, number];
  if (start < 0 || stop < start) throw new ValueError(message);
  return [start, stop];
}

/**
 * A string as protobuf's text format writes it (Python's `text_format.MessageToString`): quoted,
 * with quotes, backslashes and control characters escaped, bytes outside ASCII as octal escapes.
 */
function textFormatString(value: string): string {
  const named: Record<number, string> = {
    10: "\\n",
    13: "\\r",
    9: "\\t",
    34: '\\"',
    39: "\\'",
    92: "\\\\",
  };
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    if (named[byte]) out += named[byte];
    else if (byte < 32 || byte >= 127) out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `"${out}"`;
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValueError(
      `TensorBoard: ${name} must be a non-negative integer. Received: ${name}=${String(value)}`,
    );
  }
  return value;
}

/** Keras `keras.callbacks.TensorBoard`: see the file comment. */
export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly histogramFreq: number;
  readonly writeGraph: boolean;
  readonly writeImages: boolean;
  readonly writeStepsPerSecond: boolean;
  /** "epoch", or log batch metrics every this many batches ("batch" is 1). */
  readonly updateFreq: "epoch" | number;
  readonly profileBatch: [number, number];
  readonly embeddingsFreq: number;
  readonly embeddingsMetadata: string | Readonly<Record<string, string>> | null;

  private writers: { train?: EventFileWriter; val?: EventFileWriter } = {};
  private globalTrainBatch = 0;
  private previousEpochIterations = 0;
  private epochStartTime = 0;
  private batchStartTime = 0;
  private training = false;

  /** `new TensorBoard({ logDir, … })`, or `new TensorBoard("logs", { … })` as Keras's positional. */
  constructor(logDirOrOptions: string | TensorBoardOptions = {}, more: TensorBoardOptions = {}) {
    super();
    const opts =
      typeof logDirOrOptions === "string" ? { ...more, logDir: logDirOrOptions } : logDirOrOptions;
    checkOptionNames("TensorBoard", opts, OPTION_NAMES);
    this.logDir = opts.logDir ?? "logs";
    if (typeof this.logDir !== "string" || this.logDir === "") {
      throw new ValueError(
        `TensorBoard: logDir must be a non-empty string. Received: logDir=${String(opts.logDir)}`,
      );
    }
    this.histogramFreq = nonNegativeInteger("histogramFreq", opts.histogramFreq ?? 0);
    this.writeGraph = opts.writeGraph ?? true;
    this.writeImages = opts.writeImages ?? false;
    this.writeStepsPerSecond = opts.writeStepsPerSecond ?? false;
    const freq = opts.updateFreq ?? "epoch";
    if (freq === "batch") this.updateFreq = 1;
    else if (freq === "epoch") this.updateFreq = "epoch";
    else if (typeof freq === "number" && Number.isInteger(freq) && freq > 0) this.updateFreq = freq;
    else {
      throw new ValueError(
        `TensorBoard: updateFreq must be "epoch", "batch" or a positive integer. ` +
          `Received: updateFreq=${JSON.stringify(freq)}`,
      );
    }
    this.profileBatch = parseProfileBatch(opts.profileBatch ?? 0);
    if (this.profileBatch[1] > 0 && !profilingWarned) {
      profilingWarned = true;
      console.warn(
        `strata: TensorBoard profileBatch=${JSON.stringify(opts.profileBatch)}: profiling is not ` +
          `supported in Strata; no profile will be written (the other logs are).`,
      );
    }
    this.embeddingsFreq = nonNegativeInteger("embeddingsFreq", opts.embeddingsFreq ?? 0);
    this.embeddingsMetadata = opts.embeddingsMetadata ?? null;
  }

  private get trainDir(): string {
    return join(this.logDir, "train");
  }
  private get valDir(): string {
    return join(this.logDir, "validation");
  }
  /** Created on first use, so a run without validation has no validation/ files (as Keras). */
  private get trainWriter(): EventFileWriter {
    return (this.writers.train ??= EventFileWriter.create(this.trainDir));
  }
  private get valWriter(): EventFileWriter {
    return (this.writers.val ??= EventFileWriter.create(this.valDir));
  }

  private flush(): void {
    this.writers.train?.flush();
    this.writers.val?.flush();
  }

  private closeWriters(): void {
    this.writers.train?.close();
    this.writers.val?.close();
    this.writers = {};
  }

  /** The model as a Strata Model (histograms, images, config and embeddings need one), or null. */
  private get strataModel(): Model | null {
    return this.model instanceof Model ? this.model : null;
  }

  /** Keras's `set_model`: new writers (new event files), then the model config when asked. */
  override setModel(model: CallbackModel): void {
    super.setModel(model);
    this.closeWriters();
    if (this.writeGraph) this.writeKerasModelSummary();
  }

  /** Keras's `keras_model_summary("keras", model, step=0)`, for functional and Sequential models. */
  private writeKerasModelSummary(): void {
    const writer = this.trainWriter;
    const model = this.strataModel;
    if (!model) return;
    let json: string;
    try {
      json = model.toJson();
    } catch (err) {
      console.warn(`strata: TensorBoard: the model failed to serialize as JSON; ignoring. ${err}`);
      return;
    }
    const className = (JSON.parse(json) as { class_name?: unknown }).class_name;
    if (className !== "Functional" && className !== "Sequential") return;
    writer.addKerasModel(json, 0);
    writer.flush();
  }

  override async onTrainBegin(): Promise<void> {
    this.training = true;
    this.globalTrainBatch = 0;
    this.previousEpochIterations = 0;
    if (this.embeddingsFreq) await this.configureEmbeddings();
  }

  override onTrainEnd(): void {
    this.training = false;
    this.closeWriters();
  }

  override onTestEnd(logs: Logs = {}): void {
    const iterations = this.model?.optimizer?.iterations;
    if (this.model?.optimizer && iterations !== undefined) {
      for (const [name, value] of Object.entries(logs)) {
        this.valWriter.addScalar(`evaluation_${name}_vs_iterations`, value, iterations);
      }
    }
    if (this.training) this.flush();
    else this.closeWriters(); // A standalone evaluate: no onTrainEnd will close them.
  }

  override onPredictEnd(): void {
    if (!this.training) this.closeWriters();
  }

  override onTrainBatchBegin(): void {
    this.globalTrainBatch += 1;
    if (this.writeStepsPerSecond) this.batchStartTime = performance.now();
  }

  override onTrainBatchEnd(_batch: number, logs: Logs = {}): void {
    const freq = this.updateFreq;
    if (freq === "epoch" || this.globalTrainBatch % freq !== 0) return;
    const step = this.globalTrainBatch;
    const writer = this.trainWriter;
    if (this.writeStepsPerSecond) {
      const seconds = (performance.now() - this.batchStartTime) / 1000;
      writer.addScalar("batch_steps_per_second", 1 / seconds, step);
    }
    for (const [name, value] of Object.entries(logs))
      writer.addScalar(`batch_${name}`, value, step);
    writer.flush();
  }

  override onEpochBegin(): void {
    if (this.writeStepsPerSecond) {
      this.previousEpochIterations = this.iterations();
      this.epochStartTime = performance.now();
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    this.logEpochMetrics(epoch, logs);
    if (this.histogramFreq && epoch % this.histogramFreq === 0) await this.logWeights(epoch);
    if (this.embeddingsFreq && epoch % this.embeddingsFreq === 0) await this.logEmbeddings(epoch);
    this.flush();
  }

  /** The optimizer's step count (the global batch count when the optimizer keeps none). */
  private iterations(): number {
    return this.model?.optimizer?.iterations ?? this.globalTrainBatch;
  }

  /** Keras's `_log_epoch_metrics`: train logs (+ learning rate) to train/, `val_` to validation/. */
  private logEpochMetrics(epoch: number, logs: Logs): void {
    if (Object.keys(logs).length === 0) return;
    const trainLogs: Logs = {};
    const valLogs: Logs = {};
    for (const [name, value] of Object.entries(logs)) {
      if (name.startsWith("val_")) valLogs[name.slice(4)] = value;
      else trainLogs[name] = value;
    }
    const optimizer = this.model?.optimizer;
    // A MultiOptimizer's inner optimizers are logged one by one (`learning_rate_<name>`).
    if (optimizer) {
      for (const { optimizer: o, logKey } of ratedOptimizers(optimizer)) {
        trainLogs[logKey] = o.currentLearningRate;
      }
    }
    if (this.writeStepsPerSecond) {
      const seconds = (performance.now() - this.epochStartTime) / 1000;
      trainLogs.steps_per_second = (this.iterations() - this.previousEpochIterations) / seconds;
    }
    for (const [name, value] of Object.entries(trainLogs)) {
      this.trainWriter.addScalar(`epoch_${name}`, value, epoch);
    }
    for (const [name, value] of Object.entries(valLogs)) {
      this.valWriter.addScalar(`epoch_${name}`, value, epoch);
    }
  }

  /** Keras's `_log_weights`: every layer weight's histogram (and images) under train/. */
  private async logWeights(epoch: number): Promise<void> {
    const writer = this.trainWriter;
    const model = this.strataModel;
    for (const { weight, path } of model ? kerasWeightPaths(model) : []) {
      const name = path.replace(/:/g, "_");
      const values = weight.value.dataSync();
      writer.addHistogram(`${name}/histogram`, values, epoch);
      if (!this.writeImages) continue;
      const batch = weightAsImageBatch(values, weight.shape);
      if (batch) writer.addImages(`${name}/image`, await encodeImageBatch(batch), epoch);
    }
    writer.flush();
  }

  /** Keras's `_configure_embeddings`: projector_config.pbtxt naming each Embedding layer. */
  private async configureEmbeddings(): Promise<void> {
    const metadata = this.embeddingsMetadata;
    const unclaimed = new Set(
      typeof metadata === "object" && metadata ? Object.keys(metadata) : [],
    );
    let text = "";
    for (const layer of this.strataModel?.layers ?? []) {
      if (!(layer instanceof Embedding)) continue;
      // Keras's fixed name: embeddings are taken to be the first layer with weights.
      text +=
        'embeddings {\n  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n';
      let path: string | undefined;
      if (typeof metadata === "string") path = metadata;
      else if (metadata && unclaimed.has(layer.name)) {
        path = metadata[layer.name];
        unclaimed.delete(layer.name);
      }
      if (path !== undefined) text += `  metadata_path: ${textFormatString(path)}\n`;
      text += "}\n";
    }
    if (unclaimed.size > 0) {
      throw new ValueError(
        "Unrecognized `Embedding` layer names passed to TensorBoard's embeddingsMetadata: " +
          `${[...unclaimed].join(", ")}`,
      );
    }
    mkdirSync(this.logDir, { recursive: true });
    await writeFileAtomic(join(this.logDir, "projector_config.pbtxt"), text);
  }

  /** Keras's `_log_embeddings`: the weights, saved as `train/keras_embedding.ckpt-<epoch>.weights.h5`. */
  private async logEmbeddings(epoch: number): Promise<void> {
    if (!this.model?.saveWeights) {
      throw new ValueError("TensorBoard: embeddingsFreq needs a model with saveWeights");
    }
    mkdirSync(this.trainDir, { recursive: true });
    await this.model.saveWeights(join(this.trainDir, `keras_embedding.ckpt-${epoch}.weights.h5`));
  }
}
