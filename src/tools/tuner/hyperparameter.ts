/**
 * KerasTuner's hyperparameter kinds (keras_tuner/engine/hyperparameters/hp_types): Int, Float,
 * Choice, Boolean and Fixed, with their defaults, checks and serialized configs. Each maps a
 * cumulative probability in [0, 1) to a value and back (`probToValue` / `valueToProb`), which is
 * how the oracles sample (random search) and how the Gaussian process sees the space (Bayesian).
 */
import { ValueError } from "../../errors.js";
import { type HpValue, Parent, type ParentConfig } from "./conditions.js";
import { uniformFromSeed } from "./seeded-random.js";

export type { HpValue };
export type Sampling = "linear" | "log" | "reverse_log";

/** `{class_name, config}` as KerasTuner serializes its hyperparameters (in trial.json, oracle.json). */
export interface HpConfigEntry {
  class_name: "Int" | "Float" | "Choice" | "Boolean" | "Fixed";
  config: Record<string, unknown>;
}

/** KerasTuner's `hp_utils.prob_to_index`: the index of a cumulative probability among n values. */
export function probToIndex(prob: number, n: number): number {
  const index = Math.floor(prob / (1 / n));
  return index === n ? index - 1 : index;
}

/** KerasTuner's `hp_utils.index_to_prob`: the middle of the index's probability interval. */
export function indexToProb(index: number, n: number): number {
  return (index + 0.5) * (1 / n);
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

/** The base of every kind (KerasTuner `HyperParameter`): a name, a default and its conditions. */
export abstract class HyperParameter {
  readonly conditions: Parent[];

  constructor(
    readonly name: string,
    protected readonly defaultValue: HpValue | null,
    conditions: readonly Parent[] = [],
  ) {
    if (typeof name !== "string" || name === "")
      throw new ValueError(`HyperParameter: name must be a non-empty string; received ${name}`);
    this.conditions = [...conditions];
  }

  abstract readonly className: HpConfigEntry["class_name"];
  get default(): HpValue {
    return this.defaultValue as HpValue;
  }
  /** The possible values (ten spread samples for a continuous range, as KerasTuner). */
  abstract get values(): HpValue[];
  /** Converts a cumulative probability in [0, 1) to a value. */
  abstract probToValue(prob: number): HpValue;
  /** Converts a value to the cumulative probability at the middle of its interval. */
  abstract valueToProb(value: HpValue): number;

  /** A random value: from `seed` reproducibly (KerasTuner `random_sample(seed)`), else unseeded. */
  randomSample(seed?: number): HpValue {
    return this.probToValue(seed === undefined ? Math.random() : uniformFromSeed(seed));
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      default: this.defaultValue,
      conditions: this.conditions.map((c) => c.serialize()),
    };
  }

  serialize(): HpConfigEntry {
    return { class_name: this.className, config: this.getConfig() };
  }
}

/** The shared arithmetic of Int and Float (KerasTuner `Numerical`). */
abstract class Numerical extends HyperParameter {
  readonly sampling: Sampling;

  constructor(
    name: string,
    readonly minValue: number,
    readonly maxValue: number,
    readonly step: number | null,
    sampling: Sampling | null | undefined,
    defaultValue: number | null,
    conditions: readonly Parent[],
  ) {
    super(name, defaultValue, conditions);
    const where = `HyperParameters.${new.target.name}(name='${name}')`;
    if (!(minValue <= maxValue))
      throw new ValueError(
        `For ${where}, minValue ${minValue} is greater than the maxValue ${maxValue}.`,
      );
    const s = (sampling ?? "linear").toLowerCase();
    if (s !== "linear" && s !== "log" && s !== "reverse_log")
      throw new ValueError(
        `For ${where}, sampling must be one of "linear", "log", "reverse_log"; received ${describe(sampling)}`,
      );
    this.sampling = s;
    if (s !== "linear" && minValue <= 0)
      throw new ValueError(
        `For ${where}, sampling="${s}" does not support negative values, found minValue: ${minValue}.`,
      );
    if (s !== "linear" && step !== null && step <= 1)
      throw new ValueError(
        `For ${where}, expected step > 1 with sampling="${s}". Received: step=${step}.`,
      );
    if (step !== null && !(step > 0))
      throw new ValueError(`For ${where}, step must be positive; received ${step}`);
  }

  /** A value for `prob` on the continuous range [min, max] (max may be max + 1 for Int). */
  protected sampleNumerical(prob: number, max = this.maxValue): number {
    const min = this.minValue;
    if (this.sampling === "linear") return prob * (max - min) + min;
    if (this.sampling === "log") return min * Math.pow(max / min, prob);
    return max + min - min * Math.pow(max / min, 1 - prob);
  }

  protected numericalToProb(value: number, max = this.maxValue): number {
    const min = this.minValue;
    if (max === min) return 0.5;
    if (this.sampling === "linear") return (value - min) / (max - min);
    if (this.sampling === "log") return Math.log(value / min) / Math.log(max / min);
    return 1 - Math.log((max + min - value) / min) / Math.log(max / min);
  }

  /** How many values the step allows (KerasTuner `_get_n_values`). */
  protected countValues(): number {
    const step = this.step!;
    if (this.sampling === "linear") return Math.floor((this.maxValue - this.minValue) / step) + 1;
    return Math.floor(Math.log(this.maxValue / this.minValue) / Math.log(step) + 1e-8) + 1;
  }

  protected valueAt(index: number): number {
    const step = this.step!;
    if (this.sampling === "linear") return this.minValue + index * step;
    if (this.sampling === "log") return this.minValue * Math.pow(step, index);
    return this.maxValue + this.minValue - this.minValue * Math.pow(step, index);
  }

  protected sampleWithStep(prob: number): number {
    return this.valueAt(probToIndex(prob, this.countValues()));
  }

  protected probWithStep(value: number): number {
    const step = this.step!;
    let index: number;
    if (this.sampling === "linear") index = Math.floor((value - this.minValue) / step);
    else if (this.sampling === "log") index = Math.log(value / this.minValue) / Math.log(step);
    else index = Math.log((this.maxValue - value + this.minValue) / this.minValue) / Math.log(step);
    return indexToProb(index, this.countValues());
  }

  get values(): HpValue[] {
    if (this.step === null) {
      const seen = new Set<HpValue>();
      for (let i = 0; i < 10; i++) seen.add(this.probToValue(i * 0.1 + 0.05));
      return [...seen];
    }
    return Array.from({ length: this.countValues() }, (_, i) => this.valueAt(i));
  }

  override get default(): number {
    return (this.defaultValue as number | null) ?? this.minValue;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      min_value: this.minValue,
      max_value: this.maxValue,
      step: this.step,
      sampling: this.sampling,
    };
  }
}

function checkInt(value: unknown, arg: string, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new ValueError(
      `For HyperParameters.Int(name='${name}'), ${arg} must be an int; received ${describe(value)}`,
    );
  return value;
}

/** An integer in [minValue, maxValue], both included; step 1 by default with linear sampling. */
export class Int extends Numerical {
  readonly className = "Int" as const;

  constructor(
    name: string,
    minValue: number,
    maxValue: number,
    opts: { step?: number | null; sampling?: Sampling | null; default?: number | null } = {},
    conditions: readonly Parent[] = [],
  ) {
    const sampling = opts.sampling ?? "linear";
    let step = opts.step ?? null;
    if (step !== null) step = checkInt(step, "step", name);
    else if (sampling === "linear") step = 1;
    if (opts.default !== undefined && opts.default !== null)
      checkInt(opts.default, "default", name);
    super(
      name,
      checkInt(minValue, "minValue", name),
      checkInt(maxValue, "maxValue", name),
      step,
      sampling,
      opts.default ?? null,
      conditions,
    );
    const d = this.default;
    if (d < this.minValue || d > this.maxValue)
      throw new ValueError(
        `For HyperParameters.Int(name='${name}'), default must be in [${minValue}, ${maxValue}]; received ${d}`,
      );
  }

  probToValue(prob: number): number {
    if (this.step === null) return Math.trunc(this.sampleNumerical(prob, this.maxValue + 1));
    return Math.trunc(this.sampleWithStep(prob));
  }

  valueToProb(value: HpValue): number {
    const v = value as number;
    if (this.step === null) return this.numericalToProb(v + 0.5, this.maxValue + 1);
    return this.probWithStep(v);
  }

  static fromConfig(config: Record<string, unknown>): Int {
    return new Int(
      config.name as string,
      config.min_value as number,
      config.max_value as number,
      {
        step: config.step as number | null,
        sampling: config.sampling as Sampling,
        default: config.default as number | null,
      },
      Parent.deserializeAll(config.conditions),
    );
  }
}

/** A float in [minValue, maxValue]; continuous unless `step` is given. */
export class Float extends Numerical {
  readonly className = "Float" as const;

  constructor(
    name: string,
    minValue: number,
    maxValue: number,
    opts: { step?: number | null; sampling?: Sampling | null; default?: number | null } = {},
    conditions: readonly Parent[] = [],
  ) {
    for (const [arg, v] of [
      ["minValue", minValue],
      ["maxValue", maxValue],
    ] as const)
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new ValueError(
          `For HyperParameters.Float(name='${name}'), ${arg} must be a finite number; received ${describe(v)}`,
        );
    super(
      name,
      minValue,
      maxValue,
      opts.step ?? null,
      opts.sampling,
      opts.default ?? null,
      conditions,
    );
    const d = this.default;
    if (typeof d !== "number" || d < this.minValue || d > this.maxValue)
      throw new ValueError(
        `For HyperParameters.Float(name='${name}'), default must be in [${minValue}, ${maxValue}]; received ${describe(d)}`,
      );
  }

  probToValue(prob: number): number {
    if (this.step === null) return this.sampleNumerical(prob);
    return this.sampleWithStep(prob);
  }

  valueToProb(value: HpValue): number {
    if (this.step === null) return this.numericalToProb(value as number);
    return this.probWithStep(value as number);
  }

  static fromConfig(config: Record<string, unknown>): Float {
    return new Float(
      config.name as string,
      config.min_value as number,
      config.max_value as number,
      {
        step: config.step as number | null,
        sampling: config.sampling as Sampling,
        default: config.default as number | null,
      },
      Parent.deserializeAll(config.conditions),
    );
  }
}

/** One value among a list of values of one type; numeric lists are ordered by default. */
export class Choice extends HyperParameter {
  readonly className = "Choice" as const;
  readonly ordered: boolean;
  private readonly choices: HpValue[];

  constructor(
    name: string,
    values: readonly HpValue[],
    opts: { ordered?: boolean | null; default?: HpValue | null } = {},
    conditions: readonly Parent[] = [],
  ) {
    super(name, opts.default ?? null, conditions);
    if (!Array.isArray(values) || values.length === 0)
      throw new ValueError(`Choice("${name}"): values must be provided (a non-empty list)`);
    const types = new Set(values.map((v) => typeof v));
    if (types.size > 1)
      throw new ValueError(
        `Choice("${name}"): a Choice can contain only one type of value; found values ${JSON.stringify(values)} with types ${[...types].join(", ")}`,
      );
    const type = typeof values[0];
    if (type !== "number" && type !== "string" && type !== "boolean")
      throw new ValueError(
        `Choice("${name}"): a Choice can contain only number, string or boolean values; received ${JSON.stringify(values)}`,
      );
    const d = opts.default;
    if (d !== undefined && d !== null && !values.includes(d))
      throw new ValueError(
        `Choice("${name}"): the default value should be one of the choices. You passed: values=${JSON.stringify(values)}, default=${describe(d)}`,
      );
    const numeric = type === "number";
    if (opts.ordered && !numeric)
      throw new ValueError(`Choice("${name}"): ordered must be false for non-numeric types`);
    this.ordered = opts.ordered ?? numeric;
    this.choices = [...values];
  }

  get values(): HpValue[] {
    return [...this.choices];
  }

  override get default(): HpValue {
    return this.defaultValue ?? this.choices[0]!;
  }

  probToValue(prob: number): HpValue {
    return this.choices[probToIndex(prob, this.choices.length)]!;
  }

  valueToProb(value: HpValue): number {
    return indexToProb(this.choices.indexOf(value), this.choices.length);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), values: [...this.choices], ordered: this.ordered };
  }

  static fromConfig(config: Record<string, unknown>): Choice {
    return new Choice(
      config.name as string,
      config.values as HpValue[],
      { ordered: config.ordered as boolean, default: config.default as HpValue | null },
      Parent.deserializeAll(config.conditions),
    );
  }
}

/** True or false; false by default. */
export class Boolean extends HyperParameter {
  readonly className = "Boolean" as const;

  constructor(name: string, opts: { default?: boolean } = {}, conditions: readonly Parent[] = []) {
    super(name, opts.default === undefined ? false : opts.default, conditions);
    if (typeof this.defaultValue !== "boolean")
      throw new ValueError(
        `Boolean("${name}"): default must be a boolean. You passed: default=${describe(opts.default)}`,
      );
  }

  get values(): HpValue[] {
    return [true, false];
  }

  probToValue(prob: number): boolean {
    return prob >= 0.5;
  }

  valueToProb(value: HpValue): number {
    return value ? 0.75 : 0.25;
  }

  static fromConfig(config: Record<string, unknown>): Boolean {
    return new Boolean(
      config.name as string,
      { default: config.default as boolean },
      Parent.deserializeAll(config.conditions),
    );
  }
}

/** A fixed, untuned value (number, string or boolean). */
export class Fixed extends HyperParameter {
  readonly className = "Fixed" as const;

  constructor(
    name: string,
    readonly value: HpValue,
    conditions: readonly Parent[] = [],
  ) {
    super(name, value, conditions);
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean")
      throw new ValueError(
        `Fixed("${name}"): value must be a number, string or boolean; found ${describe(value)}`,
      );
  }

  get values(): HpValue[] {
    return [this.value];
  }

  probToValue(_prob: number): HpValue {
    return this.value;
  }

  valueToProb(_value: HpValue): number {
    return 0.5;
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.default;
    return { ...config, value: this.value };
  }

  static fromConfig(config: Record<string, unknown>): Fixed {
    return new Fixed(
      config.name as string,
      config.value as HpValue,
      Parent.deserializeAll(config.conditions),
    );
  }
}

/** Rebuilds a hyperparameter from its `{class_name, config}` (KerasTuner `deserialize`). */
export function deserializeHyperParameter(entry: HpConfigEntry): HyperParameter {
  const c = entry.config;
  switch (entry.class_name) {
    case "Int":
      return Int.fromConfig(c);
    case "Float":
      return Float.fromConfig(c);
    case "Choice":
      return Choice.fromConfig(c);
    case "Boolean":
      return Boolean.fromConfig(c);
    case "Fixed":
      return Fixed.fromConfig(c);
    default:
      throw new ValueError(
        `deserialize: unknown hyperparameter class ${describe((entry as { class_name: unknown }).class_name)}; expected Int, Float, Choice, Boolean or Fixed`,
      );
  }
}

export type { ParentConfig };
