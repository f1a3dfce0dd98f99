/**
 * KerasTuner's `HyperbandOracle`: brackets of successive halving. Bracket b (from the most
 * exploratory down to 0) starts `size(b, 0)` random trials trained `epochs(b, 0)` epochs; each
 * next round keeps the best `size(b, r)` of the previous one and trains them on from their
 * checkpoint to `epochs(b, r)`. The schedule is KerasTuner's:
 *
 *   brackets  = how many times maxEpochs can be divided by factor staying ≥ 1 (counting maxEpochs)
 *   size(b,r) = ⌈ (⌈1 + log_factor(maxEpochs)⌉ / (b + 1)) · factor^(b − r) ⌉
 *   epochs(b,r) = ⌈ maxEpochs / factor^(b − r) ⌉
 *
 * A trial's values carry "tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round"
 * and, when it continues another, "tuner/trial_id".
 */
import { ValueError } from "../../errors.js";
import { correctLog } from "./correct-log.js";
import type { HpValue } from "./hyperparameter.js";
import { Oracle, type OracleOptions, type OracleState, type PopulateResult } from "./oracle.js";

export interface HyperbandOptions extends Omit<OracleOptions, "maxTrials"> {
  maxEpochs?: number;
  factor?: number;
  hyperbandIterations?: number | null;
}

interface RoundEntry {
  past_id: string | null;
  id: string;
}

interface Bracket {
  bracket_num: number;
  rounds: RoundEntry[][];
}

const TUNER_KEYS = ["tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round"];

export class HyperbandOracle extends Oracle {
  maxEpochs: number;
  factor: number;
  hyperbandIterations: number;
  readonly minEpochs = 1;
  private currentIteration = 0;
  private currentBracket: number;
  private brackets: Bracket[] = [];

  constructor(opts: HyperbandOptions = {}) {
    const { maxEpochs, factor, hyperbandIterations, ...rest } = opts;
    if ("maxTrials" in rest)
      throw new ValueError(
        "Hyperband: maxTrials is not an option; the budget is set by maxEpochs, factor and hyperbandIterations",
      );
    super(rest);
    this.maxEpochs = maxEpochs ?? 100;
    this.factor = factor ?? 3;
    if (!(Number.isInteger(this.maxEpochs) && this.maxEpochs >= 1))
      throw new ValueError(
        `Hyperband: maxEpochs must be a positive integer; received ${maxEpochs}`,
      );
    if (!(Number.isInteger(this.factor) && this.factor >= 2))
      throw new ValueError(
        `Hyperband: factor needs to be an integer larger than 1; received ${factor}`,
      );
    // KerasTuner: 1 by default; 0 or None loops until stopped.
    this.hyperbandIterations =
      hyperbandIterations === undefined ? 1 : hyperbandIterations || Infinity;
    this.currentBracket = this.numBrackets() - 1;
    this.startNewBracket();
  }

  protected populateSpace(trialId: string): PopulateResult {
    this.removeCompletedBrackets();
    for (const bracket of this.brackets) {
      const b = bracket.bracket_num;
      const rounds = bracket.rounds;
      if (rounds[0]!.length < this.size(b, 0)) return this.randomTrial(trialId, bracket);
      for (let r = 1; r < rounds.length; r++) {
        const round = rounds[r]!;
        const past = rounds[r - 1]!;
        const selected = new Set(round.map((e) => e.past_id));
        const candidates = past
          .filter((e) => !selected.has(e.id))
          .map((e) => this.trials.get(e.id)!)
          .filter((t) => t.status === "COMPLETED");
        if (candidates.length > this.size(b, r - 1) - this.size(b, r)) {
          const sign = this.objective.direction === "max" ? -1 : 1;
          candidates.sort((x, y) => sign * (x.score! - y.score!));
          const best = candidates[0]!;
          const values: Record<string, HpValue> = { ...best.hyperparameters.values };
          values["tuner/trial_id"] = best.trialId;
          values["tuner/epochs"] = this.epochs(b, r);
          values["tuner/initial_epoch"] = this.epochs(b, r - 1);
          values["tuner/bracket"] = this.currentBracket;
          values["tuner/round"] = r;
          round.push({ past_id: best.trialId, id: trialId });
          return { status: "RUNNING", values };
        }
      }
    }
    if (this.currentBracket === 0 && this.currentIteration + 1 === this.hyperbandIterations)
      return { status: this.ongoingTrials.size ? "IDLE" : "STOPPED" };
    this.incrementBracket();
    this.startNewBracket();
    return this.randomTrial(trialId, this.brackets[this.brackets.length - 1]!);
  }

  /** Trials in round r of bracket b. */
  size(b: number, r: number): number {
    const bracket0EndSize = Math.ceil(1 + correctLog(this.maxEpochs) / correctLog(this.factor));
    const endSize = bracket0EndSize / (b + 1);
    return Math.ceil(endSize * this.factor ** (b - r));
  }

  /** Epochs a trial of round r of bracket b trains to. */
  epochs(b: number, r: number): number {
    return Math.ceil(this.maxEpochs / this.factor ** (b - r));
  }

  numBrackets(): number {
    let epochs = this.maxEpochs;
    let brackets = 0;
    while (epochs >= this.minEpochs) {
      epochs /= this.factor;
      brackets += 1;
    }
    return brackets;
  }

  private startNewBracket(): void {
    const rounds = Array.from({ length: this.currentBracket + 1 }, () => [] as RoundEntry[]);
    this.brackets.push({ bracket_num: this.currentBracket, rounds });
  }

  private incrementBracket(): void {
    this.currentBracket -= 1;
    if (this.currentBracket < 0) {
      this.currentBracket = this.numBrackets() - 1;
      this.currentIteration += 1;
    }
  }

  private removeCompletedBrackets(): void {
    this.brackets = this.brackets.filter((bracket) => {
      const last = bracket.rounds.length - 1;
      return bracket.rounds[last]!.length !== this.size(bracket.bracket_num, last);
    });
  }

  private randomTrial(trialId: string, bracket: Bracket): PopulateResult {
    const values = this.randomValues();
    if (values) {
      values["tuner/epochs"] = this.epochs(bracket.bracket_num, 0);
      values["tuner/initial_epoch"] = 0;
      values["tuner/bracket"] = this.currentBracket;
      values["tuner/round"] = 0;
      bracket.rounds[0]!.push({ past_id: null, id: trialId });
      return { status: "RUNNING", values };
    }
    return { status: this.ongoingTrials.size ? "IDLE" : "STOPPED" };
  }

  /** The schedule's own keys do not make values new (KerasTuner's `_compute_values_hash`). */
  protected override valuesHash(values: Readonly<Record<string, HpValue>>): string {
    const rest = Object.fromEntries(
      Object.entries(values).filter(([k]) => !TUNER_KEYS.includes(k)),
    );
    return super.valuesHash(rest);
  }

  override getState(): OracleState {
    return {
      ...super.getState(),
      hyperband_iterations: Number.isFinite(this.hyperbandIterations)
        ? this.hyperbandIterations
        : null,
      max_epochs: this.maxEpochs,
      min_epochs: this.minEpochs,
      factor: this.factor,
      brackets: structuredClone(this.brackets),
      current_bracket: this.currentBracket,
      current_iteration: this.currentIteration,
    };
  }

  override setState(state: OracleState): void {
    super.setState(state);
    this.hyperbandIterations = (state.hyperband_iterations as number | null) ?? Infinity;
    this.maxEpochs = state.max_epochs as number;
    this.factor = state.factor as number;
    this.brackets = structuredClone(state.brackets as Bracket[]);
    this.currentBracket = state.current_bracket as number;
    this.currentIteration = state.current_iteration as number;
  }
}
