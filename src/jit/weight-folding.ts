import { KERNELS } from "../backend/kernel-table.js";
import type { Recording, Ref, Step } from "./trace.js";

/*
 * Constant folding of weights for steps that only read them (inference): kernel calls whose
 * inputs are all variables' values or constants — BatchNormalization's scale and shift from its
 * moving statistics, a weight's transpose — compute the same values at every call until a
 * variable gets new storage, which every assignment and every in-place update after a read gives
 * it (autodiff/variable.ts). A replay then skips them and reuses their results. Steps that assign
 * variables, update them in place or run eager regions (training steps) are not folded.
 */

/** Per kernel argument: [read, written]. */
const ACCESS = new Map<string, (readonly [boolean, boolean])[]>(
  Object.entries(KERNELS).map(([name, spec]) => [
    name,
    spec.args.map((a) =>
      a.kind === "storage" || a.kind === "list"
        ? [a.role !== "out", a.role !== "in"]
        : [false, false],
    ),
  ]),
);

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
      const access = ACCESS.get(step.name)!;
      const refs = accesses(step);
      const folds = refs.every(([at, r]) => {
        const [read, write] = access[at]!;
        if (read && !fixed[r]) return false;
        const v = values[r]!;
        return !write || (v.origin === "alloc" && !v.escapes && !unfoldable.has(r));
      });
      if (folds) for (const [at, r] of refs) if (access[at]![1]) fixed[r] = true;
      return folds;
    });
    const before = unfoldable.size;
    steps.forEach((step, i) => {
      if (step.kind !== "kernel" || flags[i]) return;
      const access = ACCESS.get(step.name)!;
      for (const [at, r] of accesses(step)) if (access[at]![1]) unfoldable.add(r);
    });
    if (unfoldable.size === before) return flags.some(Boolean) ? flags : null;
  }
}

function accesses(step: Step & { kind: "kernel" }): (readonly [number, Ref])[] {
  return [...step.storageAt, ...step.listAt.flatMap(([at, rs]) => rs.map((r) => [at, r] as const))];
}
