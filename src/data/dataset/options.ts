/** Argument checks shared by the Dataset methods: errors name the method, the option and the value. */
import { ValueError, checkOptionNames } from "../../errors.js";

/** Rejects option keys the method does not know. */
export const checkKeys = checkOptionNames;

/** An integer ≥ `min`. */
export function checkInt(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: ${name} must be an integer ≥ ${min}; received ${name}=${String(value)}`,
    );
  }
  return value;
}
