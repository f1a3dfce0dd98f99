/**
 * What the hashing and lookup layers read from their inputs: a tensor's values on the host as
 * strings or numbers (string tensors are host-only; numeric ones are read with `dataSync`), and
 * the small argument checks they share.
 */
import { DTypeError, ValueError } from "../../../errors.js";
import type { Tensor } from "../../../tensor/tensor.js";
import type { Salt } from "./keras-hash.js";

/** A tensor's values, flat: strings for a string tensor, numbers (bool as 0/1) otherwise. */
export function hostValues(t: Tensor): string[] | number[] {
  if (t.dtype === "string") return t.stringValues();
  return Array.from(t.dataSync() as ArrayLike<number>, Number);
}

/**
 * Integer values of a numeric tensor (Keras converts integer-layer inputs to int64). Floats must
 * hold whole numbers: JS number arrays become float32 tensors, so `[12, 36]` is accepted.
 */
export function integerValues(t: Tensor, where: string, what = "inputs"): number[] {
  if (t.dtype === "string") {
    throw new DTypeError(
      `${where}: expected integer ${what}; received a string tensor of shape [${t.shape.join(", ")}]`,
    );
  }
  const values = hostValues(t) as number[];
  const bad = values.find((v) => !Number.isInteger(v));
  if (bad !== undefined) {
    throw new DTypeError(
      `${where}: expected integer ${what}; received ${t.dtype} values including ${bad}`,
    );
  }
  return values;
}

/** Keras's `salt`: one integer (used twice) or two; null when absent. */
export function checkSalt(salt: unknown, where: string): Salt | null {
  if (salt === undefined || salt === null) return null;
  const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
  if (isInt(salt)) return [salt, salt];
  if (Array.isArray(salt) && salt.length === 2 && salt.every(isInt)) {
    return [salt[0] as number, salt[1] as number];
  }
  throw new ValueError(
    `${where}: salt must be a single integer or a pair of integers; received salt=${JSON.stringify(salt)}`,
  );
}

/** Checks a string option against Keras's allowed values. */
export function checkChoice<T extends string>(
  value: unknown,
  allowed: readonly T[],
  where: string,
  arg: string,
): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new ValueError(
      `${where}: ${arg} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; ` +
        `received ${arg}=${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Strata has no sparse tensors: `sparse: true` is refused with the reason. */
export function checkNotSparse(sparse: unknown, where: string): false {
  if (sparse) {
    throw new ValueError(
      `${where}: sparse=true is not supported (Strata has no sparse tensors; Keras allows it ` +
        `only with the TensorFlow backend); use sparse=false for a dense output`,
    );
  }
  return false;
}
