/**
 * `optimizers.schedules.*`: learning rates as functions of the optimizer's step count, with
 * Keras's formulas, defaults and config keys (keras/src/optimizers/schedules).
 */
import { resolveCustomObject, type CustomObjects } from "../../nn/object-registration.js";
import { ValueError } from "../../errors.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import { CosineDecay, CosineDecayRestarts } from "./cosine-schedules.js";
import { LearningRateSchedule, checkDecaySteps, checkNumber } from "./schedule-base.js";

export { LearningRateSchedule } from "./schedule-base.js";
export { CosineDecay, CosineDecayRestarts } from "./cosine-schedules.js";

/** `initialLearningRate · decayRate^(step / decaySteps)`; with `staircase` the exponent is floored. */
export class ExponentialDecay extends LearningRateSchedule {
  readonly staircase: boolean;
  readonly name: string;

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    opts: { staircase?: boolean; name?: string } = {},
  ) {
    super();
    checkNumber("ExponentialDecay", "initialLearningRate", initialLearningRate);
    checkDecaySteps("ExponentialDecay", "decaySteps", decaySteps);
    checkNumber("ExponentialDecay", "decayRate", decayRate);
    this.staircase = opts.staircase ?? false;
    this.name = opts.name ?? "ExponentialDecay";
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/**
 * `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, `values.at(-1)` after the last boundary.
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(
    boundaries: readonly number[],
    values: readonly number[],
    opts: { name?: string } = {},
  ) {
    super();
    if (
      !Array.isArray(boundaries) ||
      !Array.isArray(values) ||
      boundaries.length !== values.length - 1
    ) {
      throw new ValueError(
        "PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; " +
          `received boundaries=${JSON.stringify(boundaries)} of length ${boundaries?.length}, ` +
          `and values=${JSON.stringify(values)} of length ${values?.length}`,
      );
    }
    boundaries.forEach((b, i) => checkNumber("PiecewiseConstantDecay", `boundaries[${i}]`, b));
    values.forEach((v, i) => checkNumber("PiecewiseConstantDecay", `values[${i}]`, v));
    for (let i = 1; i < boundaries.length; i++) {
      if (!(boundaries[i]! > boundaries[i - 1]!)) {
        throw new ValueError(
          `PiecewiseConstantDecay: boundaries must be strictly increasing; received boundaries=${JSON.stringify(boundaries)}`,
        );
      }
    }
    this.boundaries = [...boundaries];
    this.values = [...values];
    this.name = opts.name ?? "PiecewiseConstant";
  }

  call(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]!) i++;
    return this.values[i]!;
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

/**
 * `(initial − end) · (1 − step/decaySteps)^power + end`, with `step` capped at `decaySteps`; with
 * `cycle`, `decaySteps` grows to the first multiple of itself that is ≥ step (1× at step 0).
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    opts: { endLearningRate?: number; power?: number; cycle?: boolean; name?: string } = {},
  ) {
    super();
    checkNumber("PolynomialDecay", "initialLearningRate", initialLearningRate);
    checkDecaySteps("PolynomialDecay", "decaySteps", decaySteps);
    this.endLearningRate = checkNumber(
      "PolynomialDecay",
      "endLearningRate",
      opts.endLearningRate ?? 0.0001,
    );
    this.power = checkNumber("PolynomialDecay", "power", opts.power ?? 1.0);
    this.cycle = opts.cycle ?? false;
    this.name = opts.name ?? "PolynomialDecay";
  }

  call(step: number): number {
    let decaySteps = this.decaySteps;
    if (this.cycle) decaySteps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else step = Math.min(step, decaySteps);
    const p = step / decaySteps;
    return (
      (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) +
      this.endLearningRate
    );
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

/** `initialLearningRate / (1 + decayRate · step / decaySteps)`; `staircase` floors the ratio. */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly staircase: boolean;
  readonly name: string;

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    opts: { staircase?: boolean; name?: string } = {},
  ) {
    super();
    checkNumber("InverseTimeDecay", "initialLearningRate", initialLearningRate);
    checkDecaySteps("InverseTimeDecay", "decaySteps", decaySteps);
    checkNumber("InverseTimeDecay", "decayRate", decayRate);
    this.staircase = opts.staircase ?? false;
    this.name = opts.name ?? "InverseTimeDecay";
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

type ScheduleFactory = (c: Record<string, unknown>) => LearningRateSchedule;
const num = (v: unknown): number => v as number;
const opt = <T>(v: unknown): T | undefined =>
  v === null || v === undefined ? undefined : (v as T);

const SCHEDULES: Record<string, ScheduleFactory> = {
  ExponentialDecay: (c) =>
    new ExponentialDecay(num(c.initial_learning_rate), num(c.decay_steps), num(c.decay_rate), {
      staircase: opt(c.staircase),
      name: opt(c.name),
    }),
  PiecewiseConstantDecay: (c) =>
    new PiecewiseConstantDecay(c.boundaries as number[], c.values as number[], {
      name: opt(c.name),
    }),
  PolynomialDecay: (c) =>
    new PolynomialDecay(num(c.initial_learning_rate), num(c.decay_steps), {
      endLearningRate: opt(c.end_learning_rate),
      power: opt(c.power),
      cycle: opt(c.cycle),
      name: opt(c.name),
    }),
  InverseTimeDecay: (c) =>
    new InverseTimeDecay(num(c.initial_learning_rate), num(c.decay_steps), num(c.decay_rate), {
      staircase: opt(c.staircase),
      name: opt(c.name),
    }),
  CosineDecay: (c) =>
    new CosineDecay(num(c.initial_learning_rate), num(c.decay_steps), {
      alpha: opt(c.alpha),
      name: opt(c.name),
      warmupTarget: opt(c.warmup_target),
      warmupSteps: opt(c.warmup_steps),
    }),
  CosineDecayRestarts: (c) =>
    new CosineDecayRestarts(num(c.initial_learning_rate), num(c.first_decay_steps), {
      tMul: opt(c.t_mul),
      mMul: opt(c.m_mul),
      alpha: opt(c.alpha),
      name: opt(c.name),
    }),
};

/** Keras `schedules.serialize`: the `{module, class_name, config, registered_name}` envelope. */
export function serialize(schedule: LearningRateSchedule): KerasObject {
  return schedule.serialize();
}

/** Keras `schedules.deserialize`: a schedule from its serialized envelope. */
export function deserialize(
  config: unknown,
  customObjects: CustomObjects = {},
): LearningRateSchedule {
  const custom = isKerasObject(config) ? resolveCustomObject(config, customObjects) : undefined;
  if (custom !== undefined) {
    if (custom instanceof LearningRateSchedule) return custom;
    throw new ValueError(
      `schedules.deserialize: the custom object for ${JSON.stringify(config)} is not a LearningRateSchedule; received ${String(custom)}`,
    );
  }
  if (!isKerasObject(config)) {
    throw new ValueError(
      `schedules.deserialize: expected {class_name, config}; received ${JSON.stringify(config)}`,
    );
  }
  const make = SCHEDULES[config.class_name];
  if (!make) {
    throw new ValueError(
      `schedules.deserialize: unknown learning rate schedule ${JSON.stringify(config.class_name)}; ` +
        `expected one of ${Object.keys(SCHEDULES).join(", ")}`,
    );
  }
  return make(config.config ?? {});
}
