/** Keras `exclude_from_weight_decay`: the variables an optimizer's weight decay leaves alone. */
import type { Variable } from "../../autodiff/variable.js";

export class WeightDecayExclusions {
  private names: RegExp | null = null;
  private readonly vars = new Set<Variable>();

  /** Replaces the exclusions by these variables and names (matched as regular expressions). */
  set(opts: { varList?: readonly Variable[]; varNames?: readonly string[] }): void {
    this.vars.clear();
    for (const v of opts.varList ?? []) this.vars.add(v);
    this.names = opts.varNames?.length ? new RegExp([...new Set(opts.varNames)].join("|")) : null;
  }

  /** Whether weight decay applies to `v`. */
  includes(v: Variable): boolean {
    return !this.vars.has(v) && !(this.names?.test(v.name) ?? false);
  }
}
