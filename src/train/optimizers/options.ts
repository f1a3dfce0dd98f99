/** The options every optimizer shares, their validation, and configs turned back into options. */
import { ValueError } from "../../errors.js";
import { camelizeKeys, isKerasObject } from "../../nn/serialization.js";
import { LearningRateSchedule, deserialize as deserializeSchedule } from "./schedules.js";

/** A fixed rate, a schedule of the step count, or a function read once per step (Keras callable). */
export type LearningRate = number | LearningRateSchedule | (() => number);

export interface OptimizerOptions {
  learningRate?: LearningRate;
  weightDecay?: number | null;
  clipnorm?: number | null;
  clipvalue?: number | null;
  globalClipnorm?: number | null;
  useEma?: boolean;
  emaMomentum?: number;
  emaOverwriteFrequency?: number | null;
  lossScaleFactor?: number | null;
  gradientAccumulationSteps?: number | null;
  name?: string;
}

/**
 * Keras's positional learning rate: `new Adam(1e-5)`, `new SGD(schedule, {momentum: 0.9})`, or
 * the options object alone (`new Adam({learningRate: 1e-5})`).
 */
export function withLearningRate<O extends OptimizerOptions>(
  where: string,
  first: LearningRate | O | undefined,
  rest: O | undefined,
): O {
  const positional =
    typeof first === "number" ||
    typeof first === "function" ||
    first instanceof LearningRateSchedule;
  if (!positional) {
    if (rest !== undefined) {
      throw new ValueError(
        `${where}: the first argument is the learning rate (a number, schedule or function) when ` +
          `options follow it; received ${first === null ? "null" : typeof first}`,
      );
    }
    return (first ?? {}) as O;
  }
  if (rest?.learningRate !== undefined) {
    throw new ValueError(
      `${where}: the learning rate was given twice (as the first argument and as learningRate)`,
    );
  }
  return { ...rest, learningRate: first } as O;
}

const BASE_KEYS = [
  "learningRate",
  "weightDecay",
  "clipnorm",
  "clipvalue",
  "globalClipnorm",
  "useEma",
  "emaMomentum",
  "emaOverwriteFrequency",
  "lossScaleFactor",
  "gradientAccumulationSteps",
  "name",
];

// ---------------------------------------------------------------- option checks

/** `value` must be a finite number in the interval; the message names the option and value. */
export function checkRange(
  where: string,
  name: string,
  value: unknown,
  [lo, hi]: [number, number],
  { openLow = false, openHigh = false } = {},
): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (openLow ? value > lo : value >= lo) &&
    (openHigh ? value < hi : value <= hi);
  if (!ok) {
    const range = `${openLow ? "(" : "["}${lo}, ${hi === Infinity ? "inf" : hi}${openHigh ? ")" : "]"}`;
    throw new ValueError(
      `${where}: ${name} must be a number in ${range}; received ${name}=${String(value)}`,
    );
  }
  return value as number;
}

export function checkBool(where: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(`${where}: ${name} must be a boolean; received ${name}=${String(value)}`);
  }
  return value;
}

function optionalPositive(
  where: string,
  name: string,
  value: number | null | undefined,
): number | null {
  return value === null || value === undefined
    ? null
    : checkRange(where, name, value, [0, Infinity]);
}

function optionalInteger(
  where: string,
  name: string,
  value: number | null | undefined,
  min: number,
): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: ${name} must be an integer >= ${min} or null; received ${name}=${String(value)}`,
    );
  }
  return value;
}

export function checkLearningRate(where: string, lr: unknown): LearningRate {
  if (lr instanceof LearningRateSchedule || typeof lr === "function") return lr as LearningRate;
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
    throw new ValueError(
      `${where}: learningRate must be a non-negative number, a LearningRateSchedule or a function; ` +
        `received learningRate=${String(lr)}`,
    );
  }
  return lr;
}

/** The base options, checked, with Keras's defaults filled in. */
export interface BaseSettings {
  learningRate: LearningRate;
  weightDecay: number | null;
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
  useEma: boolean;
  emaMomentum: number;
  emaOverwriteFrequency: number | null;
  lossScaleFactor: number | null;
  gradientAccumulationSteps: number | null;
}

/** Validates the base options (and rejects keys neither the base nor `defaults.keys` know). */
export function checkBaseOptions(
  where: string,
  opts: OptimizerOptions,
  defaults: { learningRate: number; keys?: readonly string[] },
): BaseSettings {
  const known = new Set([...BASE_KEYS, ...(defaults.keys ?? [])]);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ValueError(`${where}: argument(s) not recognized: ${unknown.join(", ")}`);
  }
  if (opts.name !== undefined && typeof opts.name !== "string") {
    throw new ValueError(`${where}: name must be a string; received name=${String(opts.name)}`);
  }
  const s: BaseSettings = {
    learningRate: checkLearningRate(where, opts.learningRate ?? defaults.learningRate),
    weightDecay: optionalPositive(where, "weightDecay", opts.weightDecay),
    clipnorm: optionalPositive(where, "clipnorm", opts.clipnorm),
    clipvalue: optionalPositive(where, "clipvalue", opts.clipvalue),
    globalClipnorm: optionalPositive(where, "globalClipnorm", opts.globalClipnorm),
    useEma: checkBool(where, "useEma", opts.useEma ?? false),
    emaMomentum: opts.emaMomentum ?? 0.99,
    emaOverwriteFrequency: optionalInteger(
      where,
      "emaOverwriteFrequency",
      opts.emaOverwriteFrequency,
      1,
    ),
    lossScaleFactor: optionalPositive(where, "lossScaleFactor", opts.lossScaleFactor),
    gradientAccumulationSteps: optionalInteger(
      where,
      "gradientAccumulationSteps",
      opts.gradientAccumulationSteps,
      2,
    ),
  };
  if ([s.clipnorm, s.clipvalue, s.globalClipnorm].filter((c) => c !== null).length > 1) {
    throw new ValueError(
      `${where}: only one of clipnorm, clipvalue and globalClipnorm can be set; received ` +
        `clipnorm=${s.clipnorm}, clipvalue=${s.clipvalue}, globalClipnorm=${s.globalClipnorm}`,
    );
  }
  // Keras checks the EMA momentum only when EMA is on.
  if (s.useEma) checkRange(where, "emaMomentum", s.emaMomentum, [0, 1]);
  if (s.lossScaleFactor === 0) {
    throw new ValueError(`${where}: lossScaleFactor must be > 0; received lossScaleFactor=0`);
  }
  return s;
}

/** A Keras optimizer config as constructor options: camelCase keys, a serialized schedule revived. */
export function optionsFromConfig(
  config: Record<string, unknown>,
): OptimizerOptions & Record<string, unknown> {
  // Keras 3 ignores the legacy `decay` argument (with a warning); configs written by Keras 2 carry it.
  const rest = { ...config };
  delete rest.decay;
  const opts = camelizeKeys(rest) as OptimizerOptions & Record<string, unknown>;
  if (isKerasObject(opts.learningRate)) opts.learningRate = deserializeSchedule(opts.learningRate);
  for (const [k, v] of Object.entries(opts)) if (v === null && k !== "weightDecay") delete opts[k];
  return opts;
}
