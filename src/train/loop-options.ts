/** The options of fit, evaluate and predict (Keras's arguments, camelCased), and their checks. */
import { ValueError, checkOptionNames } from "../errors.js";
import type { TensorLike } from "../ops/core.js";
import type { Callback } from "./callbacks/callback.js";
import type { BatchSource, DataStructure } from "./data-adapter.js";

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  validationSplit?: number;
  validationData?:
    | readonly [DataStructure, DataStructure]
    | readonly [DataStructure, DataStructure, TensorLike]
    | BatchSource;
  shuffle?: boolean;
  classWeight?: Readonly<Record<number, number>>;
  sampleWeight?: TensorLike;
  initialEpoch?: number;
  stepsPerEpoch?: number;
  validationSteps?: number;
  validationBatchSize?: number;
  validationFreq?: number;
}

export interface EvaluateOptions {
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  sampleWeight?: TensorLike;
  steps?: number;
  callbacks?: Callback[];
  /** Keras's `return_dict`: evaluate always returns the logs by name, so only true is accepted. */
  returnDict?: true;
}

export interface PredictOptions {
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  steps?: number;
  callbacks?: Callback[];
}

// Keras raises on an unknown keyword argument: `fit(x, y, {epoch: 5})` must not train one epoch.
const FIT_OPTIONS = [
  "epochs",
  "batchSize",
  "verbose",
  "callbacks",
  "validationSplit",
  "validationData",
  "shuffle",
  "classWeight",
  "sampleWeight",
  "initialEpoch",
  "stepsPerEpoch",
  "validationSteps",
  "validationBatchSize",
  "validationFreq",
];
const EVALUATE_OPTIONS = [
  "batchSize",
  "verbose",
  "sampleWeight",
  "steps",
  "callbacks",
  "returnDict",
];
const PREDICT_OPTIONS = ["batchSize", "verbose", "steps", "callbacks"];

function positiveInt(where: string, name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0))
    throw new ValueError(`${where}: ${name} must be a positive integer; received ${value}`);
}

function checkVerbose(where: string, verbose: unknown): void {
  if (verbose !== undefined && verbose !== 0 && verbose !== 1 && verbose !== 2)
    throw new ValueError(`${where}: verbose must be 0, 1 or 2; received ${String(verbose)}`);
}

export function checkFitOptions(opts: FitOptions): void {
  const where = "fit";
  checkOptionNames(where, opts, FIT_OPTIONS);
  for (const key of [
    "epochs",
    "batchSize",
    "stepsPerEpoch",
    "validationSteps",
    "validationBatchSize",
    "validationFreq",
  ] as const) {
    positiveInt(where, key, opts[key]);
  }
  checkVerbose(where, opts.verbose);
  const { initialEpoch, validationSplit, classWeight } = opts;
  if (initialEpoch !== undefined && !(Number.isInteger(initialEpoch) && initialEpoch >= 0))
    throw new ValueError(`fit: initialEpoch must be an integer >= 0; received ${initialEpoch}`);
  if (validationSplit !== undefined && !(validationSplit >= 0 && validationSplit < 1))
    throw new ValueError(`fit: validationSplit must be in [0, 1); received ${validationSplit}`);
  if (classWeight !== undefined) {
    if (opts.sampleWeight !== undefined)
      throw new ValueError("fit: you cannot give classWeight and sampleWeight at the same time");
    for (const [cls, weight] of Object.entries(classWeight)) {
      if (!/^\d+$/.test(cls) || typeof weight !== "number" || !Number.isFinite(weight)) {
        throw new ValueError(
          `fit: classWeight maps class indices to finite numbers; received ${cls}: ${String(weight)}`,
        );
      }
    }
  }
}

export function checkEvaluateOptions(opts: EvaluateOptions): void {
  checkOptionNames("evaluate", opts, EVALUATE_OPTIONS);
  if (opts.returnDict !== undefined && opts.returnDict !== true) {
    throw new ValueError(
      `evaluate: the logs are always returned by name (Keras's return_dict=True); received returnDict=${String(opts.returnDict)}`,
    );
  }
  positiveInt("evaluate", "batchSize", opts.batchSize);
  positiveInt("evaluate", "steps", opts.steps);
  checkVerbose("evaluate", opts.verbose);
}

export function checkPredictOptions(opts: PredictOptions): void {
  checkOptionNames("predict", opts, PREDICT_OPTIONS);
  positiveInt("predict", "batchSize", opts.batchSize);
  positiveInt("predict", "steps", opts.steps);
  checkVerbose("predict", opts.verbose);
}
