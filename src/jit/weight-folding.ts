import { KERNEL_ARGS, storageRefs } from "./kernel-args.js";
import type { Recording, Ref, Step } from "./trace.js";

/*
 * Constant folding of weights for steps that only read them (inference): kernel calls whose
 * inputs are all variables' values or constants — BatchNormalization's scale and shift from its
 * moving statistics, a weight's transpose — compute the same values at every call until a
 * variable gets new storage, which every assignment and every in-place update after a read gives
 * it (autodiff/variable.ts). A replay then skips them and reuses their results. Steps that assign
 * variables, update them in place or run eager regions (training steps) are not folded.
 */

/** Per step, whether it computes from weights and constants only; null where nothing folds. */
export function weightOnlySteps(recording: Recording, steps: readonly Step[]): boolean[] | null {
  const readsOnly = steps.every(
    (s) => s.kind !== "assign" && s.kind !== "region" && !(s.kind === "variable" && s.writable),
  );
  if (!readsOnly) return null;
  const { values } = recording;
  // Values some step that is not folded writes cannot be folded: found by repeating until stable.
  const unfoldable = new Set<Ref>();
  for (;;) {
    const fixed = values.map((v) => v.origin === "constant");
    for (const s of steps) if (s.kind === "variable") fixed[s.ref] = true;
    const flags = steps.map((step) => {
      if (step.kind !== "kernel") return false;
      const { reads, writes } = KERNEL_ARGS.get(step.name)!;
      const refs = storageRefs(step);
      const folds = refs.every(([at, r]) => {
        if (reads[at] && !fixed[r]) return false;
        const v = values[r]!;
        return !writes[at] || (v.origin === "alloc" && !v.escapes && !unfoldable.has(r));
      });
      if (folds) for (const [at, r] of refs) if (writes[at]) fixed[r] = true;
      return folds;
    });
    const before = unfoldable.size;
    steps.forEach((step, i) => {
      if (step.kind !== "kernel" || flags[i]) return;
      const { writes } = KERNEL_ARGS.get(step.name)!;
      for (const [at, r] of storageRefs(step)) if (writes[at]) unfoldable.add(r);
    });
    if (unfoldable.size === before) return flags.some(Boolean) ? flags : null;
  }
}
