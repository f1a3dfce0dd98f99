import { KERNEL_ARGS, storageRefs } from "./kernel-args.js";
import type { Recording, Ref, Step } from "./trace.js";

/*
 * Dead-code removal over a recording: a kernel call whose results nothing later reads, that
 * writes only the step's own intermediates, and whose results do not outlive the step, is left
 * out of the replay (an eager op computed it for nothing: a mask only a gradient nobody asked
 * for would use, say). Allocations go with it. Everything else stays: host draws keep random
 * streams where eager leaves them, and variable and region steps are effects.
 */

/** The steps a replay must run, in order, and each value's last use among them. */
export function liveSteps(recording: Recording): { steps: Step[]; lastUse: number[] } {
  const { values, steps } = recording;
  const live = new Set<Ref>();
  values.forEach((v, ref) => v.escapes && live.add(ref));
  // A variable's storage (rebound at its read) is never the step's own, whatever made it first.
  for (const step of steps) if (step.kind === "variable") live.add(step.ref);
  const keep = steps.map(() => true);
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step.kind === "alloc") {
      keep[i] = live.has(step.ref);
    } else if (step.kind === "kernel") {
      const { writes } = KERNEL_ARGS.get(step.name)!;
      const refs = storageRefs(step);
      const written = refs.filter(([at]) => writes[at]).map(([, r]) => r);
      keep[i] = written.some((r) => live.has(r) || values[r]!.origin !== "alloc");
      if (keep[i]) for (const [, r] of refs) live.add(r);
    } else if (step.kind === "region") {
      for (const t of step.inputs) if (t) live.add(t.ref);
    } else if (step.kind === "assign") {
      live.add(step.ref);
    }
  }
  const kept = steps.filter((_, i) => keep[i]);
  const lastUse = values.map(() => -1);
  kept.forEach((step, i) => {
    for (const r of refsOf(step)) lastUse[r] = i;
  });
  values.forEach((v, ref) => {
    if (v.escapes) lastUse[ref] = kept.length;
  });
  return { steps: kept, lastUse };
}

function refsOf(step: Step): Ref[] {
  switch (step.kind) {
    case "kernel":
      return storageRefs(step).map(([, r]) => r);
    case "region":
      return step.inputs.flatMap((t) => (t ? [t.ref] : []));
    default:
      return [step.ref];
  }
}
