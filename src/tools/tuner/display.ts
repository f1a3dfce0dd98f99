/**
 * The progress a search prints per trial, as KerasTuner's `Display`: "Search: Running Trial #N"
 * with a table of this trial's values beside the best trial's, then "Trial N Complete [time]", the
 * score, the best score so far and the total elapsed time. Quiet with verbose 0.
 */
import type { HpValue } from "./hyperparameter.js";
import type { Trial } from "./trial.js";

const COLUMN = 18;

export interface DisplaySource {
  readonly objectiveName: string;
  /** How many trials exist (numbering the new one). */
  trialCount(): number;
  bestTrial(): Trial | null;
}

export interface DisplayState {
  search_start: string | null;
  trial_start: Record<string, string>;
  trial_number: Record<string, number>;
}

/** KerasTuner's `format_duration`: "01h 02m 03s", with days in front when there are some. */
export function formatDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s %= 86400;
  const h = Math.floor(s / 3600);
  s %= 3600;
  const m = Math.floor(s / 60);
  s %= 60;
  const two = (n: number) => String(n).padStart(2, "0");
  const hms = `${two(h)}h ${two(m)}m ${two(s)}s`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** Python's `f"{val:.5g}"` for numbers; other values cut to the column width. */
export function formatValue(value: HpValue | null | undefined): string {
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e5) return String(value);
    const exp = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
    if (exp < -4 || exp >= 5) {
      const [mant, e] = value.toExponential(4).split("e");
      const m = mant!.replace(/\.?0+$/, "");
      const n = Number(e);
      return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
    }
    return String(Number(value.toPrecision(5)));
  }
  const text = value === undefined ? "?" : value === null ? "None" : String(value);
  return text.length > COLUMN ? `${text.slice(0, COLUMN - 3)}...` : text;
}

export class Display {
  verbose = 1;
  print: (line: string) => void = (line) => console.log(line);
  private searchStart: Date | null = null;
  private trialStart: Record<string, Date> = {};
  private trialNumber: Record<string, number> = {};

  constructor(private readonly source: DisplaySource) {}

  onTrialBegin(trial: Trial): void {
    if (this.verbose < 1) return;
    const start = new Date();
    this.trialStart[trial.trialId] = start;
    this.searchStart ??= start;
    const number = this.source.trialCount();
    this.trialNumber[trial.trialId] = number;
    this.print("");
    this.print(`Search: Running Trial #${number}`);
    this.print("");
    this.showHyperparameterTable(trial);
    this.print("");
  }

  onTrialEnd(trial: Trial): void {
    if (this.verbose < 1) return;
    const now = Date.now();
    const started = this.trialStart[trial.trialId]?.getTime() ?? now;
    const name = this.source.objectiveName;
    this.print(
      `Trial ${this.trialNumber[trial.trialId] ?? trial.trialId} Complete [${formatDuration(now - started)}]`,
    );
    if (trial.score !== null) this.print(`${name}: ${trial.score}`);
    this.print("");
    this.print(`Best ${name} So Far: ${this.source.bestTrial()?.score ?? "None"}`);
    this.print(`Total elapsed time: ${formatDuration(now - (this.searchStart?.getTime() ?? now))}`);
  }

  private showHyperparameterTable(trial: Trial): void {
    const values = Object.entries(trial.hyperparameters.values);
    if (values.length === 0) {
      this.print("default configuration");
      return;
    }
    const best = this.source.bestTrial();
    const row = (a: string, b: string, c: string) => `${a.padEnd(COLUMN)}|${b.padEnd(COLUMN)}|${c}`;
    this.print(row("Value", "Best Value So Far", "Hyperparameter"));
    for (const [name, value] of values) {
      const bestValue = best ? best.hyperparameters.values[name] : undefined;
      this.print(row(formatValue(value), best ? formatValue(bestValue ?? null) : "?", name));
    }
  }

  getState(): DisplayState {
    const iso = (d: Record<string, Date>) =>
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.toISOString()]));
    return {
      search_start: this.searchStart?.toISOString() ?? null,
      trial_start: iso(this.trialStart),
      trial_number: { ...this.trialNumber },
    };
  }

  setState(state: DisplayState): void {
    this.searchStart = state.search_start ? new Date(state.search_start) : null;
    this.trialStart = Object.fromEntries(
      Object.entries(state.trial_start).map(([k, v]) => [k, new Date(v)]),
    );
    this.trialNumber = { ...state.trial_number };
  }
}
