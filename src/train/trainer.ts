import { ValueError } from "../errors.js";
import { maxEpochs, maxStepsPerEpoch } from "../tensor/config.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import { concatenate } from "../ops/join.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  Callback,
  CallbackList,
  type CallbackModel,
  History,
  type Logs,
} from "./callbacks/callback.js";
import { ProgbarLogger } from "./callbacks/progbar.js";
import { type SteppedModel, stepFunctions } from "./step-functions.js";
import type { Batch, BatchSource, DataStructure } from "./data-adapter.js";
import {
  datasetSteps,
  declaredLength,
  isBatchSource,
  isEndless,
  isTensorValue,
  numericLogs,
  stepData,
  toTensorList,
} from "./data-adapter.js";
import { weighByClass } from "./class-weight.js";
import { diagnose, isProblem } from "./diagnose.js";
import { EpochBatches, type Source, batchesOf, toSource } from "./sources.js";
import {
  type EvaluateOptions,
  type FitOptions,
  type PredictOptions,
  checkEvaluateOptions,
  checkFitOptions,
  checkPredictOptions,
} from "./loop-options.js";

/** What the loops need of a model (the Model class implements it). */
export interface TrainableModel extends CallbackModel, Omit<SteppedModel, "compiled" | "name"> {
  readonly inputNames: string[];
  readonly outputNames: string[];
  buildOnBatch(x: Tensor[]): void;
  resetMetrics(): void;
  metricsResults(): Logs;
}

export type { EvaluateOptions, FitOptions, PredictOptions } from "./loop-options.js";

/** Lets timers, servers and other I/O run between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether fit's second argument is targets (tensors, arrays, or tensors by name), not options. */
function looksLikeData(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (isTensorValue(v) || Array.isArray(v)) return true;
  return typeof v === "object" && Object.values(v).some(isTensorValue);
}

/** `model.fit(x, y, options)` — or `model.fit(dataset, options)`. */
export async function fit(
  model: TrainableModel,
  x: DataStructure | BatchSource,
  yOrOptions?: DataStructure | FitOptions,
  maybeOptions: FitOptions = {},
): Promise<History> {
  const datasetCall = isBatchSource(x);
  if (datasetCall && looksLikeData(yOrOptions)) {
    throw new ValueError(
      "fit: y must not be given when x is a dataset (it yields [x, y]); pass the options second: fit(dataset, { epochs })",
    );
  }
  // fit(x, {epochs}) without y, as Keras's VAE and GAN guides call a model with its own trainStep.
  const optionsSecond = datasetCall || (yOrOptions !== undefined && !looksLikeData(yOrOptions));
  const y = optionsSecond ? undefined : (yOrOptions as DataStructure | undefined);
  const opts =
    (optionsSecond ? ((yOrOptions as FitOptions | undefined) ?? {}) : maybeOptions) ?? {};
  checkFitOptions(opts);
  const epochs = cappedEpochs(opts.epochs ?? 1);
  const batchSize = opts.batchSize ?? 32;
  const verbose = opts.verbose ?? 1;
  const initialEpoch = opts.initialEpoch ?? 0;
  let train = toSource(model, x, y, opts.sampleWeight, "fit");

  let validation: Source | null = null;
  if (opts.validationSplit !== undefined && opts.validationSplit > 0) {
    if (train.kind !== "arrays")
      throw new ValueError("fit: validationSplit needs arrays, not a dataset");
    const [t, v] = train.data.split(opts.validationSplit);
    train = { kind: "arrays", data: t };
    validation = { kind: "arrays", data: v };
  }
  if (opts.validationData !== undefined) {
    const vd = opts.validationData;
    validation = isBatchSource(vd)
      ? { kind: "dataset", source: vd }
      : toSource(model, vd[0], vd[1], vd[2], "fit: validationData");
  }
  const classWeight = opts.classWeight ?? null;

  const declaredSteps = runSteps(train, opts.stepsPerEpoch, "fit", "stepsPerEpoch");
  const stepsPerEpoch = cappedSteps(train, batchSize, declaredSteps);
  // Steps that are the dataset's own length: each epoch is one whole pass, closed as it ends
  // (a PyDataset's onEpochEnd runs then, not when the next epoch starts).
  const passPerEpoch = opts.stepsPerEpoch === undefined && stepsPerEpoch === declaredSteps;
  const steps = stepsOf(train, batchSize, stepsPerEpoch);
  const history = new History();
  // Keras appends History and the progress bar after the user's callbacks, so they see what those
  // add to the logs (ReduceLROnPlateau's learning_rate).
  const callbacks = withProgbar([...(opts.callbacks ?? []), history], verbose);
  callbacks.configure(model, { epochs, steps, verbose });
  model.stopTraining = false;

  await callbacks.call("onTrainBegin", {});
  // A callback may move the start: BackupAndRestore resuming an interrupted run (Keras `_initial_epoch`).
  const startEpoch = model.resumeEpoch || initialEpoch;
  model.resumeEpoch = null;
  let logs: Logs = {};
  let firstBatch = true;
  const batches = new EpochBatches(model, train, batchSize, opts.shuffle ?? true, stepsPerEpoch);
  for (let epoch = startEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    model.resetMetrics();
    await callbacks.call("onEpochBegin", epoch, {});
    let step = 0;
    for await (const batch of batches.epoch()) {
      if (firstBatch) model.buildOnBatch(batch.x);
      firstBatch = false;
      await callbacks.call("onTrainBatchBegin", step, {});
      const data = stepData(classWeight ? weighByClass(batch, classWeight) : batch);
      logs = numericLogs(stepFunctions(model).train(data), "trainStep");
      await callbacks.call("onTrainBatchEnd", step, logs);
      step++;
      if (model.stopTraining) break;
      await yieldToEventLoop();
    }
    if (passPerEpoch) await batches.close();
    if (batches.exhausted) break;
    const epochLogs: Logs = { ...logs };
    const freq = opts.validationFreq ?? 1;
    if (validation && (epoch + 1) % freq === 0) {
      // As in Keras, the callbacks see validation's test hooks.
      const valLogs = await runTest(
        model,
        validation,
        opts.validationBatchSize ?? batchSize,
        runSteps(validation, opts.validationSteps, "fit", "validationSteps"),
        callbacks,
      );
      for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v;
    }
    await callbacks.call("onEpochEnd", epoch, epochLogs);
    logs = epochLogs;
  }
  await batches.close();
  // As Keras: an optimizer with useEma leaves the moving averages in the model.
  model.optimizer?.finalizeVariableValues?.();
  await callbacks.call("onTrainEnd", logs);
  // The curves' diagnosis, when they show something wrong (st.utils.diagnose).
  const diagnosis = verbose > 0 ? diagnose(history) : null;
  if (diagnosis && isProblem(diagnosis)) process.stdout.write(`${diagnosis.message}\n`);
  return history;
}

/** The callbacks, with a ProgbarLogger appended when verbose and none is among them (as Keras). */
function withProgbar(given: readonly Callback[] = [], verbose: number): CallbackList {
  const add = verbose !== 0 && !given.some((c) => c instanceof ProgbarLogger);
  return new CallbackList([...given, ...(add ? [new ProgbarLogger()] : [])]);
}

/**
 * The steps a run takes over `src` (null: all of one pass): `steps` when given, else the length a
 * dataset declares (Keras's PyDataset `len()`, as ImageDataGenerator's endless iterators give it).
 * A dataset that repeats forever needs steps, as in Keras.
 */
function runSteps(
  src: Source,
  steps: number | undefined,
  what: string,
  option: string,
): number | null {
  if (steps !== undefined) return steps;
  if (src.kind !== "dataset") return null;
  const declared = declaredLength(src.source);
  if (declared !== null) return declared;
  if (isEndless(src.source)) {
    throw new ValueError(
      `${what}: the dataset repeats forever (its cardinality is INFINITE); give ${option} so that each run ends`,
    );
  }
  return null;
}

/** `epochs` under Keras's `config.max_epochs()` cap, with Keras's warning when it applies. */
function cappedEpochs(epochs: number): number {
  const cap = maxEpochs();
  if (cap === null || cap >= epochs) return epochs;
  process.emitWarning(`Limiting epochs to ${cap}`);
  return cap;
}

/**
 * The steps of an epoch under Keras's `config.max_steps_per_epoch()` (its EpochIterator): the
 * cap replaces a step count that is unknown or larger, with Keras's warning.
 */
function cappedSteps(src: Source, batchSize: number, steps: number | null): number | null {
  const cap = maxStepsPerEpoch();
  if (cap === null) return steps;
  const known = stepsOf(src, batchSize, steps);
  if (known !== null && known <= cap) return steps;
  process.emitWarning(`Limiting steps_per_epoch to ${cap}`);
  return cap;
}

/**
 * Batches in a run over `src`: `steps` when given, else known for arrays and for a dataset that
 * knows its cardinality, unknown (null) otherwise.
 */
function stepsOf(src: Source, batchSize: number, steps: number | null): number | null {
  if (steps !== null) return steps;
  return src.kind === "arrays" ? src.data.steps(batchSize) : datasetSteps(src.source);
}

async function runTest(
  model: TrainableModel,
  src: Source,
  batchSize: number,
  steps: number | null,
  callbacks: CallbackList,
): Promise<Logs> {
  model.resetMetrics();
  await callbacks.call("onTestBegin", {});
  let logs: Logs = {};
  let step = 0;
  for await (const batch of batchesOf(model, src, batchSize, false, steps)) {
    await callbacks.call("onTestBatchBegin", step, {});
    logs = numericLogs(stepFunctions(model).test(stepData(batch)), "testStep");
    await callbacks.call("onTestBatchEnd", step++, logs);
    await yieldToEventLoop();
  }
  logs = model.metricsResults();
  await callbacks.call("onTestEnd", logs);
  return logs;
}

/** `model.evaluate(x, y, options)` → `{loss, …metrics}`; or `model.evaluate(dataset, options)`. */
export async function evaluate(
  model: TrainableModel,
  x: DataStructure | BatchSource,
  yOrOptions?: DataStructure | EvaluateOptions,
  maybeOptions: EvaluateOptions = {},
): Promise<Logs> {
  // evaluate(x, {batchSize}) without y, for a model with its own testStep, as fit.
  const optionsSecond =
    isBatchSource(x) || (yOrOptions !== undefined && !looksLikeData(yOrOptions));
  const opts =
    (optionsSecond ? ((yOrOptions as EvaluateOptions | undefined) ?? {}) : maybeOptions) ?? {};
  const src = toSource(
    model,
    x,
    optionsSecond ? undefined : (yOrOptions as DataStructure),
    opts.sampleWeight,
    "evaluate",
  );
  checkEvaluateOptions(opts);
  const batchSize = opts.batchSize ?? 32;
  const verbose = opts.verbose ?? 1;
  const callbacks = withProgbar(opts.callbacks, verbose);
  const steps = cappedSteps(src, batchSize, runSteps(src, opts.steps, "evaluate", "steps"));
  callbacks.configure(model, { epochs: 1, steps: stepsOf(src, batchSize, steps), verbose });
  return runTest(model, src, batchSize, steps, callbacks);
}

/** `model.predict(x, {batchSize})`: the outputs of every batch, joined; one tensor per output. */
export async function predict(
  model: TrainableModel,
  x: DataStructure | BatchSource,
  opts: PredictOptions = {},
): Promise<Tensor[]> {
  const src = toSource(model, x, undefined, undefined, "predict");
  checkPredictOptions(opts);
  const batchSize = opts.batchSize ?? 32;
  const verbose = opts.verbose ?? 1;
  const callbacks = withProgbar(opts.callbacks, verbose);
  const steps = cappedSteps(src, batchSize, runSteps(src, opts.steps, "predict", "steps"));
  callbacks.configure(model, { epochs: 1, steps: stepsOf(src, batchSize, steps), verbose });
  await callbacks.call("onPredictBegin", {});
  const parts: Tensor[][] = [];
  let step = 0;
  for await (const batch of batchesOf(model, src, batchSize, false, steps)) {
    await callbacks.call("onPredictBatchBegin", step, {});
    parts.push(stepFunctions(model).predict(batch.x));
    await callbacks.call("onPredictBatchEnd", step++, {});
    await yieldToEventLoop();
  }
  await callbacks.call("onPredictEnd", {});
  if (parts.length === 0) throw new ValueError("predict: received no data");
  return parts[0]!.map((_, i) =>
    parts.length === 1
      ? parts[0]![i]!
      : concatenate(
          parts.map((p) => p[i]!),
          0,
        ),
  );
}

/** Model inputs from user data, one tensor per input. */
export function inputsOf(model: TrainableModel, x: DataStructure): Tensor[] {
  return toTensorList(x, model.inputNames, "x");
}

export function batchOf(
  model: TrainableModel,
  x: DataStructure,
  y: DataStructure,
  sw?: TensorLike,
): Batch {
  return {
    x: inputsOf(model, x),
    y: toTensorList(y, model.outputNames, "y"),
    sampleWeight: sw === undefined ? null : asTensor(sw),
  };
}

export { History };
