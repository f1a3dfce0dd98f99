/**
 * What a trial's training returned, turned into the metrics the oracle records (KerasTuner's
 * tuner_utils): a History gives the logs of its best epoch by the objective (and that epoch as the
 * step), a number is the objective's value, a record is taken as it is, and a list (one result
 * per execution) is averaged metric by metric.
 */
import { FatalTunerError } from "./tuner-errors.js";
import { History } from "../../train/callbacks/callback.js";
import type { TrialResult } from "./hypermodel.js";
import { DefaultObjective, type Objective } from "./objective.js";

type Metrics = Record<string, number>;

function isRecord(value: unknown): value is Readonly<Record<string, number>> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof History)
  );
}

/** The best epoch of a History by the objective, and its logs (with the objective's value). */
function bestEpoch(history: History, objective: Objective): { logs: Metrics; epoch: number } {
  const epochs: Metrics[] = [];
  for (const [name, values] of Object.entries(history.history))
    values.forEach((v, i) => ((epochs[i] ??= {})[name] = v));
  let best = 0;
  epochs.forEach((logs, epoch) => {
    const value = objective.getValue(logs);
    if (!(objective.name in logs)) logs[objective.name] = value;
    if (objective.betterThan(value, epochs[best]![objective.name]!)) best = epoch;
  });
  return { logs: epochs[best] ?? {}, epoch: best };
}

export function convertToMetrics(results: TrialResult, objective: Objective): Metrics {
  if (Array.isArray(results)) {
    const all = (results as TrialResult[]).map((r) => convertToMetrics(r, objective));
    const sums: Record<string, number[]> = {};
    for (const m of all) for (const [k, v] of Object.entries(m)) (sums[k] ??= []).push(v);
    return Object.fromEntries(
      Object.entries(sums).map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0) / vs.length]),
    );
  }
  if (typeof results === "number") return { [objective.name]: results };
  if (results instanceof History) return bestEpoch(results, objective).logs;
  return { ...(results as Metrics) };
}

/** The step (epoch) the metrics come from: the best epoch, averaged over executions, else 0. */
export function bestStep(results: TrialResult, objective: Objective): number {
  if (Array.isArray(results)) {
    const steps = (results as TrialResult[]).map((r) => bestStep(r, objective));
    return Math.trunc(steps.reduce((a, b) => a + b, 0) / steps.length);
  }
  if (results instanceof History) return bestEpoch(results, objective).epoch;
  return 0;
}

/** KerasTuner `validate_trial_results`: what `where` returned must name the objective. */
export function validateTrialResults(results: unknown, objective: Objective, where: string): void {
  if (Array.isArray(results)) {
    for (const r of results) validateTrialResults(r, objective, where);
    return;
  }
  if (typeof results === "number") return;
  if (results === null || results === undefined)
    throw new FatalTunerError(
      `The return value of ${where} is ${String(results)}. Did you forget to return the metrics?`,
    );
  if (objective instanceof DefaultObjective && !(isRecord(results) && objective.name in results))
    throw new FatalTunerError(
      `Expected the return value of ${where} to be a single number when objective is left unspecified. Received: ${JSON.stringify(results)}`,
    );
  if (isRecord(results)) {
    if (!objective.hasValue(results) && !(objective.name in results))
      throw new FatalTunerError(
        `Expected the returned record from ${where} to have the objective ${objective.name} as one of its keys. Received: ${JSON.stringify(results)}`,
      );
    return;
  }
  if (results instanceof History) return;
  throw new FatalTunerError(
    `Expected the return value of ${where} to be a number, a record of metrics, a History, or a list of these. Received: ${String(results)}`,
  );
}
