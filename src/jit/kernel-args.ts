import { KERNELS } from "../backend/kernel-table.js";

/*
 * What the compiled-step passes need of each kernel's arguments, read once from the kernel table:
 * which are storage (single or a list), and whether the kernel reads or writes them.
 */

export interface KernelArgs {
  /** positions of single storage arguments */
  readonly storage: readonly number[];
  /** positions of storage lists */
  readonly lists: readonly number[];
  /** per position: read (role in / inout) and written (role out / inout); false for the rest */
  readonly reads: readonly boolean[];
  readonly writes: readonly boolean[];
}

export const KERNEL_ARGS: ReadonlyMap<string, KernelArgs> = new Map(
  Object.entries(KERNELS).map(([name, spec]) => {
    const isStorage = spec.args.map((a) => a.kind === "storage" || a.kind === "list");
    return [
      name,
      {
        storage: spec.args.flatMap((a, i) => (a.kind === "storage" ? [i] : [])),
        lists: spec.args.flatMap((a, i) => (a.kind === "list" ? [i] : [])),
        reads: spec.args.map((a, i) => isStorage[i]! && "role" in a && a.role !== "out"),
        writes: spec.args.map((a, i) => isStorage[i]! && "role" in a && a.role !== "in"),
      },
    ];
  }),
);

/** A recorded kernel call's storage as [argument position, value], list entries one by one. */
export function storageRefs(step: {
  readonly storageAt: readonly (readonly [number, number])[];
  readonly listAt: readonly (readonly [number, readonly number[]])[];
}): (readonly [number, number])[] {
  return [...step.storageAt, ...step.listAt.flatMap(([at, rs]) => rs.map((r) => [at, r] as const))];
}
