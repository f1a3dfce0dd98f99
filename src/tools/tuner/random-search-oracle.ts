/** KerasTuner's `RandomSearchOracle`: each trial draws new random values until maxTrials (10). */
import { Oracle, type OracleOptions, type PopulateResult } from "./oracle.js";

export class RandomSearchOracle extends Oracle {
  constructor(opts: OracleOptions = {}) {
    super({ ...opts, maxTrials: opts.maxTrials === undefined ? 10 : opts.maxTrials });
  }

  protected populateSpace(): PopulateResult {
    const values = this.randomValues();
    return values === null ? { status: "STOPPED", values: null } : { status: "RUNNING", values };
  }
}
