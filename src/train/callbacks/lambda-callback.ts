import { ValueError, checkOptionNames } from "../../errors.js";
import { Callback } from "./callback.js";

type Hooks = Pick<
  Callback,
  | "onTrainBegin"
  | "onTrainEnd"
  | "onEpochBegin"
  | "onEpochEnd"
  | "onBatchBegin"
  | "onBatchEnd"
  | "onTrainBatchBegin"
  | "onTrainBatchEnd"
  | "onTestBegin"
  | "onTestEnd"
  | "onTestBatchBegin"
  | "onTestBatchEnd"
  | "onPredictBegin"
  | "onPredictEnd"
  | "onPredictBatchBegin"
  | "onPredictBatchEnd"
>;

/** Any hook of `Callback`, as a plain function (it may be async). */
export type LambdaCallbackOptions = Partial<Hooks>;

const HOOKS: readonly (keyof Hooks)[] = [
  "onTrainBegin",
  "onTrainEnd",
  "onEpochBegin",
  "onEpochEnd",
  "onBatchBegin",
  "onBatchEnd",
  "onTrainBatchBegin",
  "onTrainBatchEnd",
  "onTestBegin",
  "onTestEnd",
  "onTestBatchBegin",
  "onTestBatchEnd",
  "onPredictBegin",
  "onPredictEnd",
  "onPredictBatchBegin",
  "onPredictBatchEnd",
];

/**
 * Keras `LambdaCallback`: a callback made of functions, e.g.
 * `new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })`.
 * `onBatchBegin`/`onBatchEnd` fire for training batches (as in Keras, they back the train-batch
 * hooks unless `onTrainBatchBegin`/`onTrainBatchEnd` are given).
 */
export class LambdaCallback extends Callback {
  constructor(hooks: LambdaCallbackOptions = {}) {
    super();
    // A misspelt hook would never fire: say so.
    checkOptionNames("LambdaCallback", hooks, HOOKS);
    for (const [key, fn] of Object.entries(hooks)) {
      if (fn !== undefined && typeof fn !== "function") {
        throw new ValueError(
          `LambdaCallback: ${key} must be a function. Received: ${key}=${String(fn)}`,
        );
      }
    }
    for (const name of HOOKS) {
      const fn = hooks[name];
      if (fn !== undefined) (this as Hooks)[name] = fn as never;
    }
  }
}
