/**
 * KerasTuner's `HyperParameters`: the search space and the current trial's values in one object.
 * `hp.Int("units", 32, 512, { step: 32 })` registers the hyperparameter the first time a model is
 * built and returns the trial's value (the default until an oracle fills the values). Only active
 * hyperparameters have values: one declared inside `conditionalScope(parent, values, fn)` is active
 * while the parent's value is one of `values`.
 *
 * One deviation, because TypeScript has no `with` block: `conditionalScope` runs `fn` only while
 * the condition holds (KerasTuner runs its body always and returns None for inactive values). The
 * tuner still learns every conditional hyperparameter: it rebuilds the model with each inactive
 * scope switched on, as KerasTuner does.
 */
import { ValueError, checkOptionNames } from "../../errors.js";
import { Parent, sameConditions } from "./conditions.js";
import {
  Boolean as BooleanHp,
  Choice as ChoiceHp,
  Fixed as FixedHp,
  Float as FloatHp,
  type HpConfigEntry,
  type HpValue,
  type HyperParameter,
  Int as IntHp,
  type Sampling,
  deserializeHyperParameter,
} from "./hyperparameter.js";

/** A hyperparameter's condition given as options: active while `parentName` is one of `parentValues`. */
export interface Conditional {
  parentName: string;
  parentValues: HpValue | readonly HpValue[];
}
type ParentOptions = Partial<Conditional>;

export interface NumericOptions<T> {
  step?: number;
  sampling?: Sampling;
  default?: T;
}

export interface HyperParametersConfig {
  space: HpConfigEntry[];
  values: Record<string, HpValue>;
}

export class HyperParameters {
  /** The active hyperparameters' current values, by name. */
  values: Record<string, HpValue> = {};
  /** The condition lists of the scopes entered while active / inactive (for the tuner). */
  readonly activeScopes: Parent[][] = [];
  readonly inactiveScopes: Parent[][] = [];
  private readonly registered = new Map<string, HyperParameter[]>();
  private readonly list: HyperParameter[] = [];
  private readonly conditions: Parent[] = [];
  private readonly nameScopes: string[] = [];

  /** Every hyperparameter registered so far, in order. */
  get space(): readonly HyperParameter[] {
    return this.list;
  }

  /** An integer in [minValue, maxValue] (both included). */
  Int(name: string, minValue: number, maxValue: number, opts?: NumericOptions<number>): number;
  Int(
    name: string,
    minValue: number,
    maxValue: number,
    opts: NumericOptions<number> & Conditional,
  ): number | null;
  Int(
    name: string,
    minValue: number,
    maxValue: number,
    opts: NumericOptions<number> & ParentOptions = {},
  ): number | null {
    checkOptions(`hp.Int("${name}")`, opts, ["step", "sampling", "default"]);
    return this.withParent(opts, () =>
      this.retrieve(new IntHp(this.scoped(name), minValue, maxValue, opts, this.conditions)),
    ) as number | null;
  }

  /** A float in [minValue, maxValue]; continuous unless `step` is given. */
  Float(name: string, minValue: number, maxValue: number, opts?: NumericOptions<number>): number;
  Float(
    name: string,
    minValue: number,
    maxValue: number,
    opts: NumericOptions<number> & Conditional,
  ): number | null;
  Float(
    name: string,
    minValue: number,
    maxValue: number,
    opts: NumericOptions<number> & ParentOptions = {},
  ): number | null {
    checkOptions(`hp.Float("${name}")`, opts, ["step", "sampling", "default"]);
    return this.withParent(opts, () =>
      this.retrieve(new FloatHp(this.scoped(name), minValue, maxValue, opts, this.conditions)),
    ) as number | null;
  }

  /** One of `values` (all of one type). */
  Choice<T extends HpValue>(
    name: string,
    values: readonly T[],
    opts?: { ordered?: boolean; default?: T },
  ): T;
  Choice<T extends HpValue>(
    name: string,
    values: readonly T[],
    opts: { ordered?: boolean; default?: T } & Conditional,
  ): T | null;
  Choice<T extends HpValue>(
    name: string,
    values: readonly T[],
    opts: ParentOptions & { ordered?: boolean; default?: T } = {},
  ): T | null {
    checkOptions(`hp.Choice("${name}")`, opts, ["ordered", "default"]);
    return this.withParent(opts, () =>
      this.retrieve(new ChoiceHp(this.scoped(name), values, opts, this.conditions)),
    ) as T | null;
  }

  /** True or false (false by default). */
  Boolean(name: string, opts?: { default?: boolean }): boolean;
  Boolean(name: string, opts: { default?: boolean } & Conditional): boolean | null;
  Boolean(name: string, opts: ParentOptions & { default?: boolean } = {}): boolean | null {
    checkOptions(`hp.Boolean("${name}")`, opts, ["default"]);
    return this.withParent(opts, () =>
      this.retrieve(new BooleanHp(this.scoped(name), opts, this.conditions)),
    ) as boolean | null;
  }

  /** A fixed value, recorded with the trial but never tuned. */
  Fixed<T extends HpValue>(name: string, value: T): T;
  Fixed<T extends HpValue>(name: string, value: T, opts: Conditional): T | null;
  Fixed<T extends HpValue>(name: string, value: T, opts: ParentOptions = {}): T | null {
    checkOptions(`hp.Fixed("${name}")`, opts, []);
    return this.withParent(opts, () =>
      this.retrieve(new FixedHp(this.scoped(name), value, this.conditions)),
    ) as T | null;
  }

  /**
   * Declares hyperparameters that are active only while `parentName`'s value is one of
   * `parentValues`: runs `fn` (and returns its result) while that holds, else returns undefined.
   */
  conditionalScope<R>(
    parentName: string,
    parentValues: HpValue | readonly HpValue[],
    fn: () => R,
  ): R | undefined {
    const name = this.scoped(parentName);
    if (!this.exists(name))
      throw new ValueError(
        `conditionalScope: the parent hyperparameter "${name}" is not defined; declare it (hp.Choice, hp.Int …) before the scope`,
      );
    const condition = new Parent(name, parentValues);
    this.conditions.push(condition);
    try {
      const active = condition.isActive(this.values) && this.conditionsActive(this.conditions);
      (active ? this.activeScopes : this.inactiveScopes).push([...this.conditions]);
      return active ? fn() : undefined;
    } finally {
      this.conditions.pop();
    }
  }

  /** Prefixes the names declared in `fn` with `name/` (KerasTuner `name_scope`). */
  nameScope<R>(name: string, fn: () => R): R {
    this.nameScopes.push(name);
    try {
      return fn();
    } finally {
      this.nameScopes.pop();
    }
  }

  /** The current value of an active hyperparameter. */
  get(name: string): HpValue {
    const full = this.scoped(name);
    if (full in this.values) return this.values[full]!;
    if (this.registered.has(full)) throw new ValueError(`hp.get: "${full}" is currently inactive`);
    throw new ValueError(
      `hp.get: "${full}" does not exist (known: ${[...this.registered.keys()].join(", ") || "none"})`,
    );
  }

  /** Whether `name` has an active value. */
  has(name: string): boolean {
    return this.scoped(name) in this.values;
  }

  /** Whether a hyperparameter (object, or any of that name) is active for the current values. */
  isActive(hp: HyperParameter | string): boolean {
    if (typeof hp !== "string") return this.conditionsActive(hp.conditions);
    return (this.registered.get(hp) ?? []).some((h) => this.conditionsActive(h.conditions));
  }

  getConfig(): HyperParametersConfig {
    return { space: this.list.map((hp) => hp.serialize()), values: { ...this.values } };
  }

  static fromConfig(config: HyperParametersConfig): HyperParameters {
    const hps = new HyperParameters();
    for (const entry of config.space) hps.add(deserializeHyperParameter(entry));
    hps.values = { ...config.values };
    return hps;
  }

  copy(): HyperParameters {
    return HyperParameters.fromConfig(this.getConfig());
  }

  /** Registers hyperparameters from another space; existing ones are replaced unless `overwrite` is false. */
  merge(hps: HyperParameters | readonly HyperParameter[], overwrite = true): void {
    let list = hps instanceof HyperParameters ? hps.space : hps;
    if (!overwrite) list = list.filter((hp) => !this.exists(hp.name, hp.conditions));
    for (const hp of list) this.register(hp, overwrite);
  }

  /** Fills missing active values with random samples and drops inactive ones. */
  ensureActiveValues(): void {
    for (const hp of this.list) {
      if (this.isActive(hp)) {
        if (!(hp.name in this.values)) this.values[hp.name] = hp.randomSample();
      } else {
        delete this.values[hp.name];
      }
    }
  }

  /** Whether a hyperparameter of this name and these conditions is registered. */
  exists(name: string, conditions: readonly Parent[] = this.conditions): boolean {
    return (this.registered.get(name) ?? []).some((hp) =>
      sameConditions(hp.conditions, conditions),
    );
  }

  private conditionsActive(conditions: readonly Parent[]): boolean {
    return conditions.every((c) => c.isActive(this.values));
  }

  private withParent(opts: ParentOptions, fn: () => HpValue | null): HpValue | null {
    if (opts.parentName === undefined) return fn();
    if (opts.parentValues === undefined)
      throw new ValueError(`hp: parentName "${opts.parentName}" needs parentValues`);
    const name = this.scoped(opts.parentName);
    if (!this.exists(name))
      throw new ValueError(`hp: the parent hyperparameter "${name}" is not defined`);
    const condition = new Parent(name, opts.parentValues);
    this.conditions.push(condition);
    try {
      return fn();
    } finally {
      this.conditions.pop();
    }
  }

  private retrieve(hp: HyperParameter): HpValue | null {
    if (this.exists(hp.name, hp.conditions)) {
      return this.isActive(hp) ? this.values[hp.name]! : null;
    }
    return this.register(hp);
  }

  private register(hp: HyperParameter, overwrite = false): HpValue | null {
    for (const c of this.conditions)
      if (c.name === hp.name)
        throw new ValueError(
          `A conditional HyperParameter cannot have the same name as its parent. Found: ${hp.name} and parentName: ${c.name}`,
        );
    const copy = deserializeHyperParameter(hp.serialize());
    this.add(copy);
    if (!this.isActive(copy)) return null;
    if (overwrite || !(copy.name in this.values)) this.values[copy.name] = copy.default;
    return this.values[copy.name]!;
  }

  private add(hp: HyperParameter): void {
    const same = this.registered.get(hp.name);
    if (same) same.push(hp);
    else this.registered.set(hp.name, [hp]);
    this.list.push(hp);
  }

  private scoped(name: string): string {
    return this.nameScopes.length ? `${this.nameScopes.join("/")}/${name}` : name;
  }
}

/** Rejects options a method does not take (the parent options are accepted everywhere). */
function checkOptions(where: string, opts: object, known: readonly string[]): void {
  if (opts === null || typeof opts !== "object")
    throw new ValueError(`${where}: options must be an object; received ${String(opts)}`);
  checkOptionNames(where, opts, [...known, "parentName", "parentValues"]);
}
