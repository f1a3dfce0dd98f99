/**
 * KerasTuner's `Tuner` (with its `BaseTuner`): runs the trials an oracle hands out. Each trial
 * builds the hypermodel's model for the trial's values, trains it `executionsPerTrial` times with
 * what `search` was given, keeps the best epoch's weights as the trial's checkpoint
 * (`trial_<id>/checkpoint.weights.h5` and `build_config.json`) and reports the averaged metrics.
 * The project folder `directory/projectName` holds everything (oracle.json, tuner0.json, one
 * folder per trial), so a new tuner on the same folder with `overwrite: false` resumes the search.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Model } from "../../models/model.js";
import { Tensor } from "../../tensor/tensor.js";
import { Callback, type Logs } from "../../train/callbacks/callback.js";
import type { FitOptions } from "../../train/loop-options.js";
import type { HyperParameters } from "./hyperparameters.js";
import {
  type HyperModel,
  type HyperModelLike,
  type TrialResult,
  getHypermodel,
} from "./hypermodel.js";
import type { Objective } from "./objective.js";
import type { Oracle } from "./oracle.js";
import { bestStep, convertToMetrics, validateTrialResults } from "./trial-results.js";
import { type TrialOutcome, applyOutcome, runWorkers } from "./worker-pool.js";
import type { Trial } from "./trial.js";
import { FailedTrialError, FatalTunerError } from "./tuner-errors.js";

/** The options every tuner takes besides its oracle's (KerasTuner's Tuner / BaseTuner arguments). */
export interface TunerOptions {
  directory?: string;
  projectName?: string;
  overwrite?: boolean;
  executionsPerTrial?: number;
  maxModelSize?: number | null;
  tunerId?: string;
}

export const TUNER_OPTIONS = [
  "directory",
  "projectName",
  "overwrite",
  "executionsPerTrial",
  "maxModelSize",
  "tunerId",
] as const;

/** `search`'s options: everything `fit` takes (forwarded to it), and anything a HyperModel.fit reads. */
export type SearchOptions = FitOptions & Record<string, unknown>;

/** Saves the model's weights whenever the objective improves (KerasTuner `SaveBestEpoch`). */
class SaveBestEpoch extends Callback {
  private best: number;

  constructor(
    private readonly objective: Objective,
    private readonly dir: string,
  ) {
    super();
    this.best = objective.direction === "max" ? -Infinity : Infinity;
  }

  override async onEpochEnd(_epoch: number, logs: Logs = {}): Promise<void> {
    if (this.objective.hasValue(logs)) {
      const value = this.objective.getValue(logs);
      if (!this.objective.betterThan(value, this.best)) return;
      this.best = value;
    }
    const model = this.model as unknown as Model;
    await model.saveWeights(join(this.dir, "checkpoint.weights.h5"));
    const build = model.getBuildConfig();
    if (build) await writeFileAtomic(join(this.dir, "build_config.json"), JSON.stringify(build));
  }
}

/** Splits `search`'s arguments into what goes before the options and the options themselves. */
export function splitSearchArgs(args: readonly unknown[]): {
  fitArgs: unknown[];
  opts: SearchOptions;
} {
  const last = args[args.length - 1];
  const isOptions =
    typeof last === "object" &&
    last !== null &&
    (Object.getPrototypeOf(last) === Object.prototype || Object.getPrototypeOf(last) === null) &&
    (args.length >= 3 || !Object.values(last).some((v) => v instanceof Tensor));
  if (isOptions) return { fitArgs: args.slice(0, -1), opts: { ...(last as SearchOptions) } };
  return { fitArgs: [...args], opts: {} };
}

let workerProcess = false;

/** Set by a worker process (worker-process.ts) before it creates its tuner. */
export function markWorkerProcess(): void {
  workerProcess = true;
}

export abstract class Tuner {
  readonly hypermodel: HyperModel;
  readonly directory: string;
  readonly projectName: string;
  readonly executionsPerTrial: number;
  readonly maxModelSize: number | null;
  readonly tunerId: string;

  constructor(
    readonly oracle: Oracle,
    hypermodel: HyperModelLike,
    opts: TunerOptions = {},
  ) {
    checkOptionNames(new.target.name, opts, TUNER_OPTIONS);
    this.hypermodel = getHypermodel(hypermodel);
    this.directory = opts.directory ?? ".";
    this.projectName = opts.projectName ?? "untitled_project";
    this.executionsPerTrial = opts.executionsPerTrial ?? 1;
    if (!(Number.isInteger(this.executionsPerTrial) && this.executionsPerTrial >= 1))
      throw new ValueError(
        `${new.target.name}: executionsPerTrial must be a positive integer; received ${opts.executionsPerTrial}`,
      );
    this.maxModelSize = opts.maxModelSize ?? null;
    this.tunerId = opts.tunerId ?? "tuner0";
    this.oracle.setProjectDir(this.projectDir);
    // A worker process only runs the trials its driver hands out: the project is the driver's.
    if (workerProcess) return;
    if (opts.overwrite && existsSync(this.projectDir))
      rmSync(this.projectDir, { recursive: true, force: true });
    if (!opts.overwrite && existsSync(this.tunerFile)) {
      console.log(`Reloading Tuner from ${this.tunerFile}`);
      this.oracle.reload();
    } else {
      this.populateInitialSpace();
    }
  }

  get projectDir(): string {
    return join(this.directory, this.projectName);
  }

  private get tunerFile(): string {
    return join(this.projectDir, `${this.tunerId}.json`);
  }

  /** The trial's folder (its trial.json, checkpoint and build config). */
  getTrialDir(trialId: string): string {
    return this.oracle.getTrialDir(trialId);
  }

  /** Trials left before maxTrials (null without maxTrials), e.g. after resuming. */
  get remainingTrials(): number | null {
    return this.oracle.remainingTrials();
  }

  /**
   * Builds the hypermodel until every conditional scope has been active once, so the search space
   * holds every hyperparameter (KerasTuner `_activate_all_conditions`).
   */
  private populateInitialSpace(): void {
    const first = this.oracle.getSpace();
    this.hypermodel.declareHyperparameters(first);
    this.oracle.updateSpace(first);
    const key = (conditions: readonly { name: string; values: unknown[] }[]) =>
      JSON.stringify(conditions.map((c) => [c.name, c.values]));
    const onceActive = new Set<string>();
    let neverActive: { key: string; conditions: HyperParameters["inactiveScopes"][number] }[] = [];
    let hp = this.oracle.getSpace();
    for (let builds = 0; ; builds++) {
      if (builds > 1000)
        throw new StrataError(
          "Tuner: the conditional scopes never all became active in 1000 builds",
        );
      this.buildModel(hp);
      this.oracle.updateSpace(hp);
      for (const conditions of hp.activeScopes) {
        onceActive.add(key(conditions));
        neverActive = neverActive.filter((s) => s.key !== key(conditions));
      }
      for (const conditions of hp.inactiveScopes)
        if (!onceActive.has(key(conditions)) && !neverActive.some((s) => s.key === key(conditions)))
          neverActive.push({ key: key(conditions), conditions });
      const next = neverActive[0];
      if (!next) break;
      hp = this.oracle.getSpace();
      for (const c of next.conditions) hp.values[c.name] = c.values[0]!;
      hp.ensureActiveValues();
    }
  }

  /** Builds the trial's model, checking what the hypermodel returned and its size. */
  protected buildModel(hp: HyperParameters): Model {
    const model = this.hypermodel.build(this.hypermodel.tunable ? hp : hp.copy());
    if (!(model instanceof Model))
      throw new FatalTunerError(
        `Expected the model-building function, or HyperModel.build(), to return a Strata Model. Received: ${String(model)}`,
      );
    if (this.maxModelSize !== null && model.built) {
      const size = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
      if (size > this.maxModelSize)
        throw new FailedTrialError(`Oversized model: ${size} parameters. Skip model.`);
    }
    return model;
  }

  /**
   * Searches: asks the oracle for trials until it stops, training each with these arguments, as
   * `model.fit` takes them: `search(x, y, {epochs, validationData, callbacks, …})` or
   * `search(dataset, {…})`. `verbose: 0` silences the per-trial display as well as `fit`.
   */
  async search(...args: unknown[]): Promise<void> {
    const { fitArgs, opts } = splitSearchArgs(args);
    if (opts.verbose !== undefined) this.oracle.display.verbose = opts.verbose;
    await this.save();
    for (;;) {
      const trial = await this.oracle.createTrial(this.tunerId);
      if (trial.status === "STOPPED") break;
      if (trial.status === "IDLE") {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      // tryRunTrial ends the trial (applyOutcome calls oracle.endTrial, which saves the oracle).
      // Ending it a second time here recorded it twice in end_order and counted two runs toward
      // maxRetriesPerTrial (found by redis-resume.test.ts's reload test).
      await this.tryRunTrial(trial, fitArgs, opts);
    }
  }

  /**
   * Searches with trials run in worker processes on this machine (at most `maxWorkers`, by
   * default one per core) while this process keeps the oracle and hands trials out. `module` is
   * a file exporting `createTuner()` (this same tuner: same class, options and project) and
   * `searchArgs()` (what `search` would be given: `[x, y, {epochs, …}]`); each worker imports it.
   * Results and checkpoints come back through the project folder. A worker that dies mid-trial
   * leaves the trial INVALID, retried up to maxRetriesPerTrial times.
   *
   * With `distributed: {redis: "redis://…"}` the trials go through a BullMQ queue instead, to
   * `strata tuner worker --redis URL --module FILE` processes on any machine sharing the project
   * folder; `maxWorkers` is then how many trials are in flight. A worker that dies mid-trial loses
   * nothing: the queue gives its trial to another worker (see redis-queue.ts).
   */
  async searchInWorkers(
    module: string,
    opts: { maxWorkers?: number; verbose?: 0 | 1; distributed?: { redis: string } } = {},
  ): Promise<void> {
    checkOptionNames("searchInWorkers", opts, ["maxWorkers", "verbose", "distributed"]);
    if (opts.verbose !== undefined) this.oracle.display.verbose = opts.verbose;
    await this.save();
    const maxWorkers = opts.maxWorkers ?? availableParallelism();
    if (opts.distributed) {
      checkOptionNames("searchInWorkers: distributed", opts.distributed, ["redis"]);
      // BullMQ (and its native msgpack addon) loads only for a distributed search.
      const { runRedisTrials } = await import("./redis-queue.js");
      await runRedisTrials(this.oracle, {
        redis: opts.distributed.redis,
        projectName: this.projectName,
        concurrency: maxWorkers,
      });
      return;
    }
    await runWorkers(this.oracle, resolve(module), maxWorkers);
  }

  /** Runs one trial and reports its outcome to the oracle. */
  protected async tryRunTrial(
    trial: Trial,
    fitArgs: unknown[],
    opts: SearchOptions,
  ): Promise<void> {
    await applyOutcome(this.oracle, trial, await this.executeTrial(trial, fitArgs, opts));
  }

  /**
   * Runs one trial and says how it went, without touching the oracle (worker processes send this
   * back): its metrics when completed; a crash makes it INVALID (retried), a FailedTrialError
   * FAILED; a FatalTunerError stops the search.
   */
  async executeTrial(trial: Trial, fitArgs: unknown[], opts: SearchOptions): Promise<TrialOutcome> {
    try {
      const results = await this.runTrial(trial, fitArgs, opts);
      validateTrialResults(results, this.oracle.objective, "Tuner.runTrial()");
      const objective = this.oracle.objective;
      return {
        status: "COMPLETED",
        metrics: convertToMetrics(results, objective),
        step: bestStep(results, objective),
      };
    } catch (error) {
      if (error instanceof FatalTunerError) throw error;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (this.oracle.display.verbose > 0)
        console.error(`Trial ${trial.trialId} failed: ${message}`);
      return { status: error instanceof FailedTrialError ? "FAILED" : "INVALID", message };
    }
  }

  /** Trains the trial's models (one per execution); returns one result per execution. */
  async runTrial(trial: Trial, fitArgs: unknown[], opts: SearchOptions): Promise<TrialResult[]> {
    const saveBest = new SaveBestEpoch(this.oracle.objective, this.getTrialDir(trial.trialId));
    const results: TrialResult[] = [];
    for (let execution = 0; execution < this.executionsPerTrial; execution++) {
      const hp = trial.hyperparameters;
      const model = await this.buildTrialModel(hp);
      const callbacks = [...(opts.callbacks ?? []), saveBest];
      const result = await this.hypermodel.fit(hp, model, ...fitArgs, { ...opts, callbacks });
      validateTrialResults(result, this.oracle.objective, "HyperModel.fit()");
      results.push(result);
    }
    return results;
  }

  /** The model a trial trains (Hyperband also loads the trial it continues). */
  protected async buildTrialModel(hp: HyperParameters): Promise<Model> {
    return this.buildModel(hp);
  }

  /** The trained model of a trial: rebuilt from its values, with its best checkpoint loaded. */
  async loadModel(trial: Trial): Promise<Model> {
    return this.loadCheckpoint(this.buildModel(trial.hyperparameters), trial.trialId);
  }

  protected async loadCheckpoint(model: Model, trialId: string): Promise<Model> {
    const dir = this.getTrialDir(trialId);
    const weights = join(dir, "checkpoint.weights.h5");
    if (!existsSync(weights))
      throw new StrataError(`Tuner: trial ${trialId} has no checkpoint (${weights} is missing)`);
    const buildFile = join(dir, "build_config.json");
    if (!model.built && existsSync(buildFile)) {
      const config = JSON.parse(readFileSync(buildFile, "utf8")) as { input_shape: number[] };
      model.build(config.input_shape);
    }
    await model.loadWeights(weights);
    return model;
  }

  /** The best trials' models, best first, each with its best epoch's weights. */
  async getBestModels(numModels = 1): Promise<Model[]> {
    const models: Model[] = [];
    for (const trial of this.oracle.getBestTrials(numModels))
      models.push(await this.loadModel(trial));
    return models;
  }

  /** The best trials' hyperparameters, best first (build a fresh model with `hypermodel.build`). */
  getBestHyperparameters(numTrials = 1): HyperParameters[] {
    return this.oracle.getBestTrials(numTrials).map((t) => t.hyperparameters);
  }

  /** Prints the search space (KerasTuner `search_space_summary`). */
  searchSpaceSummary(print: (line: string) => void = console.log): void {
    const space = this.oracle.getSpace().space;
    print("Search space summary");
    print(`Default search space size: ${space.length}`);
    for (const hp of space) {
      const { name, ...config } = hp.getConfig();
      print(`${String(name)} (${hp.className})`);
      print(JSON.stringify(config));
    }
  }

  /** Prints the best trials, their values and scores (KerasTuner `results_summary`). */
  resultsSummary(numTrials = 10, print: (line: string) => void = console.log): void {
    print("Results summary");
    print(`Results in ${this.projectDir}`);
    print(`Showing ${numTrials} best trials`);
    print(String(this.oracle.objective));
    for (const trial of this.oracle.getBestTrials(numTrials)) {
      print("");
      trial.summary(print);
    }
  }

  /**
   * Saves the oracle, and the tuner's own file once (KerasTuner's `tuner0.json`, empty state),
   * whose presence marks a project to reload.
   */
  async save(): Promise<void> {
    await this.oracle.save();
    if (!existsSync(this.tunerFile)) await writeFileAtomic(this.tunerFile, "{}");
  }
}
