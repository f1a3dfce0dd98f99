import type { Storage } from "../backend/backend.js";
import type { ActiveBackend } from "../backend/index.js";
import type { Variable } from "../autodiff/variable.js";
import { BYTES_PER_ELEMENT, type NumericDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { liveSteps } from "./dead-steps.js";
import { planOffsets } from "./memory-plan.js";
import { weightOnlySteps } from "./weight-folding.js";
import type { Recording, Step } from "./trace.js";

/*
 * A traced step made replayable: dead kernel calls left out (dead-steps.ts), weights-only ones
 * folded in inference (weight-folding.ts), and a buffer plan. Values that live only inside the
 * step get their place once: by offset in one block on backends with arenas (memory-plan.ts),
 * else a buffer from a pool that a later value of the same dtype and size takes after its last
 * use. A replay allocates only what outlives it — its outputs, variables' new values, eager
 * regions' inputs — and walks the steps with every argument resolved except storage.
 */

type Slot =
  | { readonly kind: "pool"; readonly index: number }
  | { readonly kind: "arena"; readonly offset: number; view: Storage | null }
  | { readonly kind: "folded"; storage: Storage | null } // a weights-only result, kept
  | { readonly kind: "fresh" } // allocated at every replay
  | { readonly kind: "bound" }; // input, variable or host draw: set when its step runs

export class Program {
  private readonly slots: (Slot | null)[];
  private readonly pool: { dtype: NumericDType; size: number; storage: Storage | null }[] = [];
  /** With a backend that has arenas: the block the plan lays intermediates out in. */
  private arenaBytes = 0;
  private arena: Storage | null = null;
  /** Constants in place, the rest filled in at each replay. */
  private readonly initial: (Storage | null)[];
  private readonly zeros = new Map<NumericDType, Storage>();
  private readonly steps: readonly Step[];
  /** Per step, whether it computes from weights only (skipped while they are unchanged). */
  private readonly folded: boolean[] | null;
  private lastWeights: Storage[] | null = null;
  /** Kernel calls a replay makes, and those dead-code removal left out. */
  readonly kernelCalls: number;
  readonly removedKernelCalls: number;

  constructor(private readonly recording: Recording) {
    const { values } = recording;
    const { steps, lastUse } = liveSteps(recording);
    this.steps = steps;
    this.folded = weightOnlySteps(recording, steps);
    this.initial = values.map((v) => (v.origin === "constant" ? v.storage : null));
    this.slots = values.map((v) =>
      v.origin === "constant"
        ? null
        : v.origin === "alloc"
          ? v.escapes
            ? { kind: "fresh" }
            : null // planned below
          : { kind: "bound" },
    );
    const kernels = (list: readonly Step[]) => list.filter((s) => s.kind === "kernel").length;
    this.kernelCalls = kernels(steps);
    this.removedKernelCalls = kernels(recording.steps) - this.kernelCalls;
    if (this.folded) {
      steps.forEach((step, i) => {
        if (step.kind !== "kernel" || !this.folded![i]) return;
        for (const [, r] of step.storageAt) {
          if (values[r]!.origin === "alloc") this.slots[r] = { kind: "folded", storage: null };
        }
      });
    }
    if (recording.backend.arena) this.planArena(steps, lastUse);
    else this.planPool(steps, lastUse);
  }

  /** Intermediates by offset in one block (memory-plan.ts). */
  private planArena(steps: readonly Step[], lastUse: readonly number[]): void {
    const planned: { ref: number; start: number; end: number; bytes: number }[] = [];
    steps.forEach((step, i) => {
      if (step.kind !== "alloc" || this.slots[step.ref] !== null) return;
      const end = Math.max(i, lastUse[step.ref]!);
      planned.push({
        ref: step.ref,
        start: i,
        end,
        bytes: step.size * BYTES_PER_ELEMENT[step.dtype],
      });
    });
    const { offsets, bytes } = planOffsets(planned);
    planned.forEach(
      (p, i) => (this.slots[p.ref] = { kind: "arena", offset: offsets[i]!, view: null }),
    );
    this.arenaBytes = bytes;
  }

  /** Kernel calls a replay skips while the weights are unchanged. */
  get foldedKernelCalls(): number {
    return this.folded?.filter(Boolean).length ?? 0;
  }

  /** Whether every variable the step reads still has the storage it had at the last replay. */
  private weightsUnchanged(): boolean {
    const now = this.steps.flatMap((s) =>
      s.kind === "variable" ? [(s.variable as Variable).value.storage] : [],
    );
    const same = this.lastWeights?.every((w, i) => w === now[i]) ?? false;
    this.lastWeights = now;
    return same;
  }

  /** A value's buffer goes back to the pool after its last use; a later one takes it. */
  private planPool(steps: readonly Step[], lastUse: readonly number[]): void {
    const { values } = this.recording;
    const releaseAfter: number[][] = steps.map(() => []);
    values.forEach((v, ref) => {
      if (v.origin === "alloc" && !v.escapes && lastUse[ref]! >= 0) {
        releaseAfter[Math.min(lastUse[ref]!, steps.length - 1)]!.push(ref);
      }
    });
    const free = new Map<string, number[]>();
    const key = (dtype: NumericDType, size: number) => `${dtype}:${size}`;
    steps.forEach((step, i) => {
      if (step.kind === "alloc" && this.slots[step.ref] === null) {
        const list = free.get(key(step.dtype, step.size));
        let index = list?.pop();
        if (index === undefined) {
          index = this.pool.length;
          this.pool.push({ dtype: step.dtype, size: step.size, storage: null });
        }
        this.slots[step.ref] = { kind: "pool", index };
      }
      for (const ref of releaseAfter[i]!) {
        const slot = this.slots[ref];
        if (slot?.kind !== "pool") continue;
        const k = key(this.pool[slot.index]!.dtype, this.pool[slot.index]!.size);
        free.set(k, [...(free.get(k) ?? []), slot.index]);
      }
    });
  }

  /** Bytes the plan holds for intermediates (allocated once, reused by every replay). */
  get poolBytes(): number {
    return this.arenaBytes + this.pool.reduce((n, p) => n + p.size * BYTES_PER_ELEMENT[p.dtype], 0);
  }

  /**
   * Runs the step on `inputs` (storage in the traced argument order). Returns every value's
   * storage and the eager regions' results, from which the caller builds the outputs.
   */
  replay(inputs: readonly Storage[]): { buffers: (Storage | null)[]; regions: unknown[] } {
    const { backend } = this.recording;
    const steps = this.steps;
    const kernels = backend.kernels as unknown as Record<string, (...a: unknown[]) => void>;
    const buffers = this.initial.slice();
    this.recording.inputs.forEach((ref, i) => (buffers[ref] = inputs[i]!));
    const regions: unknown[] = [];
    const skip = this.folded !== null && this.weightsUnchanged() ? this.folded : null;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      switch (step.kind) {
        case "kernel": {
          if (skip?.[i]) break;
          const args = step.args.slice();
          for (const [i, ref] of step.storageAt) args[i] = buffers[ref];
          for (const [i, refs] of step.listAt) args[i] = refs.map((r) => buffers[r]);
          kernels[step.name]!(...args);
          break;
        }
        case "alloc": {
          const slot = this.slots[step.ref]!;
          if (slot.kind === "arena") {
            if (!slot.view) {
              this.arena ??= backend.arena!.allocate(this.arenaBytes);
              slot.view = backend.arena!.view(this.arena, slot.offset, step.dtype, step.size);
            }
            if (step.zeroed) this.zeroFill(backend, slot.view, step.dtype, step.size);
            buffers[step.ref] = slot.view;
          } else if (slot.kind === "folded") {
            slot.storage ??= backend.allocate(step.dtype, step.size, false);
            if (step.zeroed && !skip) this.zeroFill(backend, slot.storage, step.dtype, step.size);
            buffers[step.ref] = slot.storage;
          } else if (slot.kind === "pool") {
            const entry = this.pool[slot.index]!;
            entry.storage ??= backend.allocate(step.dtype, step.size, false);
            if (step.zeroed) this.zeroFill(backend, entry.storage, step.dtype, step.size);
            buffers[step.ref] = entry.storage;
          } else {
            buffers[step.ref] = backend.allocate(step.dtype, step.size, step.zeroed);
          }
          break;
        }
        case "fresh":
          buffers[step.ref] = backend.fromHost(step.make());
          break;
        case "variable": {
          const v = step.variable as Variable;
          buffers[step.ref] = step.writable ? v.writableStorage() : v.value.storage;
          break;
        }
        case "assign":
          (step.variable as Variable).assign(
            new Tensor(buffers[step.ref]!, step.shape, step.dtype, backend),
          );
          break;
        case "region":
          regions[step.index] = step.run(
            step.inputs.map((t) => t && new Tensor(buffers[t.ref]!, t.shape, t.dtype, backend)),
          );
          break;
      }
    }
    return { buffers, regions };
  }

  /** Zeros into a reused buffer, for kernels that expect a zero-filled output. */
  private zeroFill(backend: ActiveBackend, out: Storage, dtype: NumericDType, size: number): void {
    if (size === 0) return;
    let zero = this.zeros.get(dtype);
    if (!zero) this.zeros.set(dtype, (zero = backend.allocate(dtype, 1, true)));
    backend.kernels.copy(zero, 0, out, 0, { shape: [size], strides: [[0], [1]] });
  }
}
