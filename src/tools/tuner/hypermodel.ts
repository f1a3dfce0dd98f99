/**
 * KerasTuner's `HyperModel`: `build(hp)` returns a compiled model for the trial's values; `fit(hp,
 * model, ...args)` trains it (by default `model.fit(...args)`) and returns a History, a number (the
 * objective to minimize), a record of metrics, or a list of these. A plain `buildModel(hp)`
 * function stands for a HyperModel with that build.
 */
import { ValueError } from "../../errors.js";
import type { Model } from "../../models/model.js";
import type { History } from "../../train/callbacks/callback.js";
import type { HyperParameters } from "./hyperparameters.js";

/** What `fit` may return: KerasTuner accepts a History, a float, a dict or a list of them. */
export type TrialResult =
  History | number | Readonly<Record<string, number>> | readonly TrialResult[];

export class HyperModel {
  constructor(opts: { name?: string | null; tunable?: boolean } = {}) {
    this.name = opts.name ?? null;
    this.tunable = opts.tunable ?? true;
  }

  readonly name: string | null;
  /** Whether the hyperparameters declared in build join the search space (KerasTuner `tunable`). */
  readonly tunable: boolean;

  /** Builds (and compiles) a model for the values in `hp`. Override it. */
  build(_hp: HyperParameters): Model {
    throw new ValueError(
      `HyperModel${this.name ? ` "${this.name}"` : ""}: override build(hp) to return a model`,
    );
  }

  /** Declares hyperparameters up front (KerasTuner `declare_hyperparameters`); optional. */
  declareHyperparameters(_hp: HyperParameters): void {}

  /** Trains the model; the arguments are those given to `tuner.search`. */
  fit(_hp: HyperParameters, model: Model, ...args: unknown[]): Promise<TrialResult> | TrialResult {
    return (model.fit as (...a: unknown[]) => Promise<History>)(...args);
  }
}

/** A HyperModel from a `buildModel(hp)` function (KerasTuner `DefaultHyperModel`). */
class FunctionHyperModel extends HyperModel {
  constructor(private readonly buildFn: (hp: HyperParameters) => Model) {
    super();
  }

  override build(hp: HyperParameters): Model {
    return this.buildFn(hp);
  }
}

export type HyperModelLike = HyperModel | ((hp: HyperParameters) => Model);

/** KerasTuner `get_hypermodel`. */
export function getHypermodel(hypermodel: HyperModelLike): HyperModel {
  if (hypermodel instanceof HyperModel) return hypermodel;
  if (typeof hypermodel === "function") return new FunctionHyperModel(hypermodel);
  throw new ValueError(
    `The hypermodel should be either a function build(hp) returning a model, or a HyperModel; received ${String(hypermodel)}`,
  );
}
