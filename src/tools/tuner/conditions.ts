/**
 * KerasTuner's `conditions.Parent`: a hyperparameter is active only while its parent's value is
 * one of the listed values (what `hp.conditionalScope(parentName, parentValues, fn)` records).
 */
import { ValueError } from "../../errors.js";

/** A hyperparameter's value: KerasTuner allows int, float, str and bool. */
export type HpValue = number | string | boolean;

export interface ParentConfig {
  class_name: "Parent";
  config: { name: string; values: HpValue[] };
}

export class Parent {
  readonly values: HpValue[];

  constructor(
    readonly name: string,
    values: HpValue | readonly HpValue[],
  ) {
    const list = Array.isArray(values) ? [...(values as HpValue[])] : [values as HpValue];
    if (list.length === 0)
      throw new ValueError(`conditionalScope("${name}"): parentValues must not be empty`);
    for (const v of list)
      if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean")
        throw new ValueError(
          `conditionalScope("${name}"): parentValues can contain only numbers, strings or booleans; received ${JSON.stringify(list)}`,
        );
    this.values = list;
  }

  isActive(values: Readonly<Record<string, HpValue>>): boolean {
    return this.name in values && this.values.includes(values[this.name]!);
  }

  equals(other: Parent): boolean {
    return (
      other.name === this.name &&
      other.values.length === this.values.length &&
      other.values.every((v, i) => v === this.values[i])
    );
  }

  serialize(): ParentConfig {
    return { class_name: "Parent", config: { name: this.name, values: [...this.values] } };
  }

  static deserializeAll(configs: unknown): Parent[] {
    if (configs === undefined || configs === null) return [];
    return (configs as ParentConfig[]).map((c) => new Parent(c.config.name, c.config.values));
  }
}

/** Whether two lists of conditions are the same (KerasTuner compares them with ==). */
export function sameConditions(a: readonly Parent[], b: readonly Parent[]): boolean {
  return a.length === b.length && a.every((c, i) => c.equals(b[i]!));
}
