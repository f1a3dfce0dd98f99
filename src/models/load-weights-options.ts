/**
 * The options of `model.loadWeights(path, options)`, Keras 3's `load_weights(filepath,
 * skip_mismatch=False, by_name=…)`, and their checks.
 */
import { ValueError, checkOptionNames } from "../errors.js";

export interface LoadWeightsOptions {
  /**
   * Match a legacy `.h5` file's layers to the model's by name instead of by order (Keras
   * `by_name`): layers with no namesake in the file keep their weights. Legacy `.h5` files only.
   */
  byName?: boolean;
  /**
   * Skip, with a warning, the weights whose shapes differ from the model's instead of failing
   * (Keras `skip_mismatch`); by name, also layers whose number of weights differs. In Keras 3's
   * files, a layer that does not load is skipped whole.
   */
  skipMismatch?: boolean;
}

const KEYS = ["byName", "skipMismatch"];

/** The options with their defaults, after Keras's checks (unknown keys, non-booleans). */
export function checkLoadWeightsOptions(opts: unknown): Required<LoadWeightsOptions> {
  if (opts === undefined || opts === null) return { byName: false, skipMismatch: false };
  if (typeof opts !== "object" || Array.isArray(opts)) {
    throw new ValueError(
      `loadWeights: expected options { byName?, skipMismatch? }; received ${String(opts)}`,
    );
  }
  const o = opts as Record<string, unknown>;
  checkOptionNames("loadWeights", o, KEYS);
  for (const k of KEYS) {
    if (o[k] !== undefined && typeof o[k] !== "boolean") {
      throw new ValueError(`loadWeights: ${k} must be true or false; received ${String(o[k])}`);
    }
  }
  return { byName: o.byName === true, skipMismatch: o.skipMismatch === true };
}
