/**
 * The tuners users create, as KerasTuner's: each is a Tuner with its oracle, taking the hypermodel
 * first and one options object holding the oracle's options and the tuner's.
 *
 *   const tuner = new RandomSearch(buildModel, { objective: "val_accuracy", maxTrials: 10 });
 *   await tuner.search(x, y, { epochs: 5, validationSplit: 0.2 });
 */
import { checkOptionNames } from "../../errors.js";
import type { Model } from "../../models/model.js";
import { type BayesianOptions, BayesianOptimizationOracle } from "./bayesian-oracle.js";
import { type HyperbandOptions, HyperbandOracle } from "./hyperband-oracle.js";
import type { HyperParameters } from "./hyperparameters.js";
import type { HyperModelLike } from "./hypermodel.js";
import { ORACLE_OPTIONS, type OracleOptions } from "./oracle.js";
import { RandomSearchOracle } from "./random-search-oracle.js";
import type { Trial } from "./trial.js";
import { type SearchOptions, TUNER_OPTIONS, Tuner, type TunerOptions } from "./tuner.js";

/** Splits one options object into the oracle's and the tuner's, rejecting unknown names. */
function split<O extends object>(
  where: string,
  opts: O & TunerOptions,
  oracleKeys: readonly string[],
): { oracle: O; tuner: TunerOptions } {
  checkOptionNames(where, opts, [...oracleKeys, ...TUNER_OPTIONS]);
  const oracle: Record<string, unknown> = {};
  const tuner: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts))
    ((TUNER_OPTIONS as readonly string[]).includes(k) ? tuner : oracle)[k] = v;
  return { oracle: oracle as O, tuner: tuner as TunerOptions };
}

export type RandomSearchOptions = OracleOptions & TunerOptions;

/** Random values for each trial (maxTrials 10 by default). */
export class RandomSearch extends Tuner {
  constructor(hypermodel: HyperModelLike, opts: RandomSearchOptions = {}) {
    const { oracle, tuner } = split("RandomSearch", opts, ORACLE_OPTIONS);
    super(new RandomSearchOracle(oracle), hypermodel, tuner);
  }
}

export type BayesianOptimizationOptions = BayesianOptions & TunerOptions;

/** A Gaussian process over the space picks each trial after numInitialPoints random ones. */
export class BayesianOptimization extends Tuner {
  constructor(hypermodel: HyperModelLike, opts: BayesianOptimizationOptions = {}) {
    const { oracle, tuner } = split("BayesianOptimization", opts, [
      ...ORACLE_OPTIONS,
      "numInitialPoints",
      "alpha",
      "beta",
    ]);
    super(new BayesianOptimizationOracle(oracle), hypermodel, tuner);
  }
}

export type HyperbandTunerOptions = HyperbandOptions & TunerOptions;

/**
 * Hyperband: many models trained a few epochs, the best trained on from their checkpoints. Each
 * trial's fit gets `epochs` and `initialEpoch` from the schedule.
 */
export class Hyperband extends Tuner {
  declare readonly oracle: HyperbandOracle;

  constructor(hypermodel: HyperModelLike, opts: HyperbandTunerOptions = {}) {
    const keys = [
      ...ORACLE_OPTIONS.filter((k) => k !== "maxTrials"),
      "maxEpochs",
      "factor",
      "hyperbandIterations",
    ];
    const { oracle, tuner } = split("Hyperband", opts, keys);
    super(new HyperbandOracle(oracle), hypermodel, tuner);
  }

  override runTrial(trial: Trial, fitArgs: unknown[], opts: SearchOptions) {
    const values = trial.hyperparameters.values;
    if ("tuner/epochs" in values) {
      opts = {
        ...opts,
        epochs: values["tuner/epochs"] as number,
        initialEpoch: values["tuner/initial_epoch"] as number,
      };
    }
    return super.runTrial(trial, fitArgs, opts);
  }

  protected override async buildTrialModel(hp: HyperParameters): Promise<Model> {
    const model = this.buildModel(hp);
    const from = hp.values["tuner/trial_id"];
    if (typeof from === "string") await this.loadCheckpoint(model, from);
    return model;
  }
}
