/** The base of the learning rate schedules and the argument checks they share. */
import { ValueError } from "../../errors.js";
import type { KerasObject } from "../../nn/serialization.js";
import { kerasEnvelope } from "../../nn/object-registration.js";

/**
 * The base of every schedule: `call(step)` gives the learning rate for the optimizer's
 * `iterations` (0 on the first update). Subclass it and override `call` and `getConfig`, as in
 * Keras's `LearningRateSchedule`.
 */
export abstract class LearningRateSchedule {
  abstract call(step: number): number;

  abstract getConfig(): Record<string, unknown>;

  serialize(): KerasObject {
    return kerasEnvelope(
      this,
      "keras.optimizers.schedules",
      this.constructor.name,
      this.getConfig(),
    );
  }
}

export function checkNumber(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      `${where}: ${name} must be a finite number; received ${name}=${String(value)}`,
    );
  }
  return value;
}

export function checkDecaySteps(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ValueError(`${where}: ${name} must be > 0; received ${name}=${String(value)}`);
  }
  return value;
}
