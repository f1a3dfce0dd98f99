/**
 * Keras's `safe_mode` while a model is deserialized (its `SafeModeScope`): `loadModel(path,
 * { safeMode })` sets it for the duration of the load, and a `Lambda` whose function was saved as
 * Python bytecode reads it to word its refusal. Keras runs such bytecode when safe mode is off;
 * Strata never runs Python code, so the setting changes the explanation, never what executes.
 */
import { ValueError } from "../../errors.js";

let current: boolean | null = null;

/** The safe mode of the deserialization in progress; null outside any (Keras: safe). */
export function inSafeMode(): boolean | null {
  return current;
}

/** Runs `fn` with safe mode `value` (Keras's default: true), restoring the previous one after. */
export function withSafeMode<T>(value: unknown, who: string, fn: () => T): T {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValueError(`${who}: safeMode must be true or false; received ${String(value)}`);
  }
  const previous = current;
  current = value ?? true;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
