/**
 * KerasTuner's `Oracle`: the one place that decides which trial runs next and records how each
 * ended. Tuners (in this process or in workers) ask it for a trial (`createTrial`), report metrics
 * (`updateTrial`) and end the trial (`endTrial`); a subclass only says how to fill the values
 * (`populateSpace`). Its state lives in the project folder as KerasTuner's files: `oracle.json`
 * and `trial_<id>/trial.json`, so `reload` continues an interrupted search, redoing only the
 * trials that were running. Every change is made synchronously (JavaScript runs one call at a
 * time, so concurrent workers cannot interleave inside one) and then saved in order.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { StrataError, ValueError } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Display, type DisplayState } from "./display.js";
import type { HpValue } from "./hyperparameter.js";
import { HyperParameters, type HyperParametersConfig } from "./hyperparameters.js";
import { MultiObjective, Objective, type ObjectiveLike, createObjective } from "./objective.js";
import { Trial, type TrialState, type TrialStatus } from "./trial.js";

export interface OracleOptions {
  objective?: ObjectiveLike | null;
  maxTrials?: number | null;
  hyperparameters?: HyperParameters | null;
  allowNewEntries?: boolean;
  tuneNewEntries?: boolean;
  seed?: number | null;
  maxRetriesPerTrial?: number;
  maxConsecutiveFailedTrials?: number;
}

export const ORACLE_OPTIONS = [
  "objective",
  "maxTrials",
  "hyperparameters",
  "allowNewEntries",
  "tuneNewEntries",
  "seed",
  "maxRetriesPerTrial",
  "maxConsecutiveFailedTrials",
] as const;

export interface PopulateResult {
  status: TrialStatus;
  values?: Record<string, HpValue> | null;
}

/** The state `oracle.json` holds (KerasTuner's keys). */
export interface OracleState {
  ongoing_trials: Record<string, string>;
  hyperparameters: HyperParametersConfig;
  start_order: string[];
  end_order: string[];
  run_times: Record<string, number>;
  retry_queue: string[];
  seed: number;
  seed_state: number;
  tried_so_far: string[];
  id_to_hash: Record<string, string>;
  display: DisplayState;
  [extra: string]: unknown;
}

function checkCount(name: string, value: number | null | undefined, min: number): void {
  if (value !== null && value !== undefined && !(Number.isInteger(value) && value >= min))
    throw new ValueError(`Oracle: ${name} must be an integer >= ${min}; received ${value}`);
}

export abstract class Oracle {
  readonly objective: Objective;
  readonly maxTrials: number | null;
  hyperparameters: HyperParameters;
  readonly allowNewEntries: boolean;
  readonly tuneNewEntries: boolean;
  readonly maxRetriesPerTrial: number;
  readonly maxConsecutiveFailedTrials: number;
  trials = new Map<string, Trial>();
  ongoingTrials = new Map<string, Trial>();
  startOrder: string[] = [];
  endOrder: string[] = [];
  seed: number;
  protected seedState: number;
  private runTimes = new Map<string, number>();
  private retryQueue: string[] = [];
  private triedSoFar = new Set<string>();
  private idToHash = new Map<string, string>();
  private readonly maxCollisions = 20;
  private projectDir: string | null = null;
  private saving: Promise<void> = Promise.resolve();
  readonly display: Display;

  constructor(opts: OracleOptions = {}) {
    this.objective = createObjective(opts.objective);
    checkCount("maxTrials", opts.maxTrials, 1);
    checkCount("maxRetriesPerTrial", opts.maxRetriesPerTrial, 0);
    checkCount("maxConsecutiveFailedTrials", opts.maxConsecutiveFailedTrials, 1);
    checkCount("seed", opts.seed, 0);
    this.maxTrials = opts.maxTrials ?? null;
    this.tuneNewEntries = opts.tuneNewEntries ?? true;
    this.allowNewEntries = opts.allowNewEntries ?? true;
    if (!opts.hyperparameters && (!this.tuneNewEntries || !this.allowNewEntries))
      throw new ValueError(
        "Oracle: with tuneNewEntries or allowNewEntries false, give the search space in the hyperparameters option",
      );
    this.hyperparameters = opts.hyperparameters ?? new HyperParameters();
    this.seed = opts.seed ?? 1 + Math.floor(Math.random() * 10000);
    this.seedState = this.seed;
    this.maxRetriesPerTrial = opts.maxRetriesPerTrial ?? 0;
    this.maxConsecutiveFailedTrials = opts.maxConsecutiveFailedTrials ?? 3;
    this.display = new Display({
      objectiveName: this.objective.name,
      trialCount: () => this.trials.size,
      bestTrial: () => this.getBestTrials(1)[0] ?? null,
    });
  }

  /** Fills the values of a new trial: "RUNNING" with values, "IDLE" (wait) or "STOPPED". */
  protected abstract populateSpace(trialId: string): PopulateResult;

  /** Sets the score of a completed trial from its metrics (the objective's best value). */
  protected scoreTrial(trial: Trial): void {
    trial.score = trial.metrics.getBestValue(this.objective.name);
    trial.bestStep = trial.metrics.getBestStep(this.objective.name) ?? 0;
  }

  /** A trial for `tunerId` to run (the one it already runs, a retry, or a new one). */
  async createTrial(tunerId: string): Promise<Trial> {
    const ongoing = this.ongoingTrials.get(tunerId);
    if (ongoing) return ongoing;
    const retry = this.retryQueue.pop();
    if (retry !== undefined) {
      const trial = this.trials.get(retry)!;
      trial.status = "RUNNING";
      this.ongoingTrials.set(tunerId, trial);
      this.display.onTrialBegin(trial);
      await this.save();
      return trial;
    }
    const width = String(this.maxTrials ?? "None").length;
    const trialId = String(this.trials.size).padStart(width, "0");
    let result: PopulateResult;
    if (this.maxTrials !== null && this.trials.size >= this.maxTrials) {
      result = { status: "STOPPED" };
    } else {
      result = this.populateSpace(trialId);
    }
    const hps = this.hyperparameters.copy();
    hps.values = { ...(result.values ?? {}) };
    const trial = new Trial(hps, trialId, result.status);
    if (result.status === "RUNNING") {
      this.recordValues(trial);
      this.ongoingTrials.set(tunerId, trial);
      this.trials.set(trialId, trial);
      this.startOrder.push(trialId);
      this.display.onTrialBegin(trial);
      await Promise.all([this.saveTrial(trial), this.save()]);
    }
    return trial;
  }

  /** Records a trial's metrics at a step (an epoch); the objective must be among them. */
  async updateTrial(
    trialId: string,
    metrics: Readonly<Record<string, number>>,
    step = 0,
  ): Promise<Trial> {
    const trial = this.getTrial(trialId);
    const needed =
      this.objective instanceof MultiObjective
        ? [...this.objective.directions.keys()]
        : [this.objective.name];
    const missing = needed.filter((n) => !(n in metrics));
    if (missing.length)
      throw new ValueError(
        `Objective value missing in metrics reported to the Oracle, expected: ${missing.join(", ")}, found: ${Object.keys(metrics).join(", ")}`,
      );
    const all = { ...metrics };
    if (this.objective instanceof MultiObjective && !(this.objective.name in all))
      all[this.objective.name] = this.objective.getValue(metrics);
    for (const [name, value] of Object.entries(all)) {
      if (!trial.metrics.exists(name)) trial.metrics.register(name, this.directionOf(name));
      trial.metrics.update(name, value, step);
    }
    await this.saveTrial(trial);
    return trial;
  }

  /** Ends a trial: "COMPLETED", "INVALID" (retried up to maxRetriesPerTrial) or "FAILED". */
  async endTrial(ended: Trial): Promise<void> {
    const trial = this.getTrial(ended.trialId);
    trial.hyperparameters = ended.hyperparameters;
    trial.status = ended.status;
    trial.message = ended.message;
    this.updateSpace(trial.hyperparameters);
    if (trial.status === "COMPLETED") {
      this.scoreTrial(trial);
      if (trial.score === null || Number.isNaN(trial.score)) trial.status = "INVALID";
    }
    this.recordValues(trial);
    this.runTimes.set(trial.trialId, (this.runTimes.get(trial.trialId) ?? 0) + 1);
    for (const [tunerId, t] of this.ongoingTrials)
      if (t.trialId === trial.trialId) this.ongoingTrials.delete(tunerId);
    const retried = this.retry(trial);
    if (!retried) this.endOrder.push(trial.trialId);
    this.display.onTrialEnd(trial);
    await Promise.all([this.saveTrial(trial), this.save()]);
    if (!retried) this.checkConsecutiveFailures();
  }

  private retry(trial: Trial): boolean {
    if (trial.status !== "INVALID") return false;
    const runs = this.runTimes.get(trial.trialId) ?? 0;
    if (runs >= this.maxRetriesPerTrial + 1) {
      trial.status = "FAILED";
      return false;
    }
    this.retryQueue.push(trial.trialId);
    return true;
  }

  private checkConsecutiveFailures(): void {
    let failures = 0;
    for (const id of this.endOrder) {
      const trial = this.trials.get(id)!;
      failures = trial.status === "FAILED" ? failures + 1 : 0;
      if (failures === this.maxConsecutiveFailedTrials)
        throw new StrataError(
          `Number of consecutive failures exceeded the limit of ${this.maxConsecutiveFailedTrials}.\n${trial.message ?? ""}`,
        );
    }
  }

  getTrial(trialId: string): Trial {
    const trial = this.trials.get(trialId);
    if (!trial) throw new ValueError(`Oracle: no trial with id ${trialId}`);
    return trial;
  }

  /** A copy of the search space. */
  getSpace(): HyperParameters {
    return this.hyperparameters.copy();
  }

  /** Adds hyperparameters a build declared that the space does not have yet. */
  updateSpace(hps: HyperParameters): void {
    const fresh = hps.space.filter((hp) => !this.hyperparameters.exists(hp.name, hp.conditions));
    if (fresh.length && !this.allowNewEntries)
      throw new ValueError(
        `allowNewEntries is false, but found new entries ${fresh.map((h) => h.name).join(", ")}`,
      );
    if (!this.tuneNewEntries) return;
    this.hyperparameters.merge(fresh);
  }

  /** The best completed trials (then the others, when there are fewer), best first. */
  getBestTrials(numTrials = 1): Trial[] {
    const completed = [...this.trials.values()].filter((t) => t.status === "COMPLETED");
    const sign = this.objective.direction === "max" ? -1 : 1;
    completed.sort((a, b) => sign * ((a.score ?? 0) - (b.score ?? 0)));
    const sorted =
      completed.length < numTrials
        ? [...completed, ...[...this.trials.values()].filter((t) => t.status !== "COMPLETED")]
        : completed;
    return sorted.slice(0, numTrials);
  }

  remainingTrials(): number | null {
    return this.maxTrials === null ? null : this.maxTrials - this.trials.size;
  }

  getState(): OracleState {
    return {
      ongoing_trials: Object.fromEntries(
        [...this.ongoingTrials].map(([tuner, t]) => [tuner, t.trialId]),
      ),
      hyperparameters: this.hyperparameters.getConfig(),
      start_order: [...this.startOrder],
      end_order: [...this.endOrder],
      run_times: Object.fromEntries(this.runTimes),
      retry_queue: [...this.retryQueue],
      seed: this.seed,
      seed_state: this.seedState,
      tried_so_far: [...this.triedSoFar],
      id_to_hash: Object.fromEntries(this.idToHash),
      display: this.display.getState(),
    };
  }

  setState(state: OracleState): void {
    this.ongoingTrials = new Map(
      Object.entries(state.ongoing_trials).map(([tuner, id]) => [tuner, this.getTrial(id)]),
    );
    this.hyperparameters = HyperParameters.fromConfig(state.hyperparameters);
    this.startOrder = [...state.start_order];
    this.endOrder = [...state.end_order];
    this.runTimes = new Map(Object.entries(state.run_times));
    this.retryQueue = [...state.retry_queue];
    this.seed = state.seed;
    this.seedState = state.seed_state;
    this.triedSoFar = new Set(state.tried_so_far);
    this.idToHash = new Map(Object.entries(state.id_to_hash));
    this.display.setState(state.display);
  }

  /** Where the oracle keeps its files (set by the tuner: directory/projectName). */
  setProjectDir(dir: string): void {
    this.projectDir = dir;
  }

  getProjectDir(): string {
    if (this.projectDir === null)
      throw new StrataError("Oracle: no project directory set (a tuner sets it)");
    mkdirSync(this.projectDir, { recursive: true });
    return this.projectDir;
  }

  /** The folder of one trial, created when missing. */
  getTrialDir(trialId: string): string {
    const dir = join(this.getProjectDir(), `trial_${trialId}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Writes oracle.json; saves are chained so the last state written is the latest. */
  save(): Promise<void> {
    const file = join(this.getProjectDir(), "oracle.json");
    const text = JSON.stringify(this.getState());
    this.saving = this.saving.then(() => writeFileAtomic(file, text));
    return this.saving;
  }

  private saveTrial(trial: Trial): Promise<void> {
    const file = join(this.getTrialDir(trial.trialId), "trial.json");
    const text = JSON.stringify(trial.getState());
    this.saving = this.saving.then(() => writeFileAtomic(file, text));
    return this.saving;
  }

  /** Reloads the trials and the state from the project folder; running trials will be redone. */
  reload(): void {
    const dir = this.getProjectDir();
    for (const entry of readdirSync(dir).sort()) {
      const file = join(dir, entry, "trial.json");
      if (!entry.startsWith("trial_") || !existsSync(file)) continue;
      const trial = Trial.fromState(readJson(file) as TrialState);
      this.trials.set(trial.trialId, trial);
    }
    const file = join(dir, "oracle.json");
    try {
      this.setState(readJson(file) as OracleState);
    } catch (error) {
      throw new StrataError(
        `Error reloading the Oracle from the existing project at ${dir} (${(error as Error).message}). ` +
          `If you did not mean to reload it, change projectName or pass overwrite: true to the tuner.`,
      );
    }
    // A trial's trial.json is written just before oracle.json, so a process killed between the two
    // (a distributed search's driver, killed mid-search: redis-resume.test.ts) leaves trial.json
    // the newer of the two. A trial that oracle.json calls ongoing but whose trial.json says it
    // ended (COMPLETED or FAILED) is not run again: it joins the ended ones. A trial whose
    // trial.json says RUNNING but that oracle.json never recorded (killed inside createTrial) is
    // redone like the ongoing ones, rather than left RUNNING forever (it counts toward maxTrials).
    const ongoing = new Set([...this.ongoingTrials.values()].map((t) => t.trialId));
    for (const trial of this.trials.values())
      if (trial.status === "RUNNING" && !ongoing.has(trial.trialId)) {
        if (this.retryQueue.includes(trial.trialId)) continue;
        if (!this.startOrder.includes(trial.trialId)) this.startOrder.push(trial.trialId);
        this.recordValues(trial);
        this.retryQueue.push(trial.trialId);
      }
    for (const trial of this.ongoingTrials.values()) {
      if (trial.status === "COMPLETED" || trial.status === "FAILED") {
        if (!this.endOrder.includes(trial.trialId)) this.endOrder.push(trial.trialId);
        continue;
      }
      this.retryQueue.push(trial.trialId);
    }
    this.ongoingTrials.clear();
  }

  /** Random values for every active hyperparameter, new to this search (null after 20 repeats). */
  protected randomValues(): Record<string, HpValue> | null {
    for (let collisions = 0; ; collisions++) {
      const hps = new HyperParameters();
      for (const hp of this.hyperparameters.space) {
        hps.merge([hp]);
        if (hps.isActive(hp)) {
          hps.values[hp.name] = hp.randomSample(this.seedState);
          this.seedState += 1;
        }
      }
      if (!this.triedSoFar.has(this.valuesHash(hps.values))) return hps.values;
      if (collisions >= this.maxCollisions) return null;
    }
  }

  /** Whether these values were tried already. */
  protected isDuplicate(values: Readonly<Record<string, HpValue>>): boolean {
    return this.triedSoFar.has(this.valuesHash(values));
  }

  protected valuesHash(values: Readonly<Record<string, HpValue>>): string {
    const text = Object.keys(values)
      .sort()
      .map((k) => `${k}=${String(values[k])}`)
      .join("");
    return createHash("sha256").update(text).digest("hex").slice(0, 32);
  }

  private recordValues(trial: Trial): void {
    trial.hyperparameters.ensureActiveValues();
    const hash = this.valuesHash(trial.hyperparameters.values);
    this.triedSoFar.add(hash);
    const old = this.idToHash.get(trial.trialId);
    if (old !== hash) {
      this.idToHash.set(trial.trialId, hash);
      if (old !== undefined) this.triedSoFar.delete(old);
    }
  }

  private directionOf(metric: string): "min" | "max" | null {
    const objectives =
      this.objective instanceof MultiObjective ? this.objective.objectives : [this.objective];
    return objectives.find((o) => o.name === metric)?.direction ?? null;
  }
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}
