/**
 * `st.tuner`: KerasTuner's API (camelCase) — HyperParameters, HyperModel, the RandomSearch,
 * BayesianOptimization and Hyperband tuners and their oracles, Objective — and ensembles of the
 * best models.
 */
export { HyperParameters } from "./hyperparameters.js";
export {
  HyperParameter,
  Int,
  Float,
  Choice,
  Boolean,
  Fixed,
  type HpValue,
  type Sampling,
} from "./hyperparameter.js";
export { HyperModel, type HyperModelLike, type TrialResult } from "./hypermodel.js";
export {
  Objective,
  inferMetricDirection,
  type Direction,
  type ObjectiveLike,
} from "./objective.js";
export { Oracle, type OracleOptions } from "./oracle.js";
export { RandomSearchOracle } from "./random-search-oracle.js";
export { BayesianOptimizationOracle } from "./bayesian-oracle.js";
export { HyperbandOracle } from "./hyperband-oracle.js";
export { Trial, type TrialStatus } from "./trial.js";
export { Tuner, type TunerOptions, type SearchOptions } from "./tuner.js";
export {
  RandomSearch,
  BayesianOptimization,
  Hyperband,
  type RandomSearchOptions,
  type BayesianOptimizationOptions,
  type HyperbandTunerOptions,
} from "./tuners.js";
export { FailedTrialError, FatalTunerError } from "./tuner-errors.js";
export { averagePredictions, type AveragePredictionsOptions } from "./ensemble.js";
