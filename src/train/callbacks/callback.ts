import type { JitCompile } from "../../jit/index.js";

/** Logs passed to callbacks: Keras's snake_case metric names to numbers. */
export type Logs = Record<string, number>;

/** What a callback may touch of the model being trained (the Model class lives above `train/`). */
export interface CallbackModel {
  stopTraining: boolean;
  readonly name: string;
  optimizer: {
    learningRate: unknown;
    readonly currentLearningRate: number;
    readonly iterations?: number;
    /** With `useEma`, puts the moving averages in the model (fit calls it as training ends). */
    finalizeVariableValues?(): void;
  } | null;
  getWeights(): unknown[];
  setWeights(values: readonly never[]): void;
  /** Whether the model has its weights yet (BackupAndRestore needs a built model, as in Keras). */
  readonly built?: boolean;
  /** The compiled metrics: monitoring callbacks in "auto" mode read a metric's direction here. */
  readonly compiled?: {
    /** Whether steps are compiled (src/jit/). */
    readonly jitCompile?: JitCompile;
    readonly metrics: readonly {
      readonly name: string;
      readonly direction: "up" | "down" | null;
    }[];
  } | null;
  /** Used by ModelCheckpoint and BackupAndRestore. */
  saveWeights?(path: string): Promise<void>;
  /** Keras `model.save` (a `.keras` archive), used by ModelCheckpoint for full-model saves. */
  save?(path: string): Promise<void>;
  loadWeights?(path: string): Promise<void>;
  /**
   * Set by a callback in `onTrainBegin` to make `fit` start at this epoch instead of `initialEpoch`
   * (BackupAndRestore resuming an interrupted run; Keras's `model._initial_epoch`). `fit` clears it.
   */
  resumeEpoch?: number | null;
  /** Keras `model.history`: the History of the latest fit, set as its epochs end. */
  history?: History | null;
}

/** Training parameters callbacks receive (`this.params`). */
export interface TrainParams {
  epochs: number;
  steps: number | null;
  verbose: number;
}

type Maybe<T> = T | Promise<T>;

/**
 * Base class of all callbacks (Keras `Callback`). Override any hook; each may be async. Inside a
 * hook, `this.model` is the model being trained and `this.params` the fit parameters.
 */
export class Callback {
  model: CallbackModel | null = null;
  params: TrainParams = { epochs: 1, steps: null, verbose: 1 };

  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainParams): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs = {}): Maybe<void> {}
  onTrainEnd(_logs: Logs = {}): Maybe<void> {}
  onEpochBegin(_epoch: number, _logs: Logs = {}): Maybe<void> {}
  onEpochEnd(_epoch: number, _logs: Logs = {}): Maybe<void> {}
  /** Keras's on_batch_begin/end: the same as the train-batch hooks. */
  onBatchBegin(_batch: number, _logs: Logs = {}): Maybe<void> {}
  onBatchEnd(_batch: number, _logs: Logs = {}): Maybe<void> {}
  onTrainBatchBegin(batch: number, logs: Logs = {}): Maybe<void> {
    return this.onBatchBegin(batch, logs);
  }
  onTrainBatchEnd(batch: number, logs: Logs = {}): Maybe<void> {
    return this.onBatchEnd(batch, logs);
  }
  onTestBegin(_logs: Logs = {}): Maybe<void> {}
  onTestEnd(_logs: Logs = {}): Maybe<void> {}
  onTestBatchBegin(_batch: number, _logs: Logs = {}): Maybe<void> {}
  onTestBatchEnd(_batch: number, _logs: Logs = {}): Maybe<void> {}
  onPredictBegin(_logs: Logs = {}): Maybe<void> {}
  onPredictEnd(_logs: Logs = {}): Maybe<void> {}
  onPredictBatchBegin(_batch: number, _logs: Logs = {}): Maybe<void> {}
  onPredictBatchEnd(_batch: number, _logs: Logs = {}): Maybe<void> {}
}

type Hook = {
  [K in keyof Callback]: Callback[K] extends (...args: never[]) => Maybe<void> ? K : never;
}[keyof Callback];

/** Calls one hook on every callback in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  configure(model: CallbackModel, params: TrainParams): void {
    for (const c of this.callbacks) {
      c.setModel(model);
      c.setParams(params);
    }
  }

  async call<H extends Hook>(hook: H, ...args: Parameters<Callback[H]>): Promise<void> {
    for (const c of this.callbacks) {
      await (c[hook] as (...a: Parameters<Callback[H]>) => Maybe<void>).apply(c, args);
    }
  }
}

/** Records every epoch's logs; `fit` returns it (Keras `History`). */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    if (this.model) this.model.history = this;
  }
}
