import type { Kernels, OpaqueStorage, Storage } from "../backend/backend.js";
import {
  type ActiveBackend,
  type RecordedVariable,
  type Recorder,
  storageTag,
  tagStorage,
} from "../backend/index.js";
import type { KernelName } from "../backend/kernel-table.js";
import type { NumericDType, TypedArray } from "../tensor/dtype.js";
import { KERNEL_ARGS } from "./kernel-args.js";

/*
 * Tracing: a step runs eagerly once while this Recorder (backend/recording.ts) writes down what
 * it did at the level of storage — every kernel call with its arguments, every allocation, every
 * variable read and assignment, every host value, every eager region (optimizer updates, metric
 * updates) — in order. Storage is named by a `Ref`, given when it is first seen. A replay
 * (program.ts) runs the same list again on new inputs without any of the JavaScript that decided
 * it: no shape checks, no broadcasting plans, no autodiff tape, no tensor objects.
 *
 * What cannot be replayed stops the trace with a reason naming the call: reading a value the
 * step computes back into JavaScript (the step's control flow may depend on it), or using a
 * value an eager region made outside any variable.
 */

export type Ref = number;

/** Where a value comes from at replay. */
export type Origin =
  | "input" // the step's argument
  | "alloc" // allocated by the step
  | "fresh" // host values drawn anew at each call (random numbers)
  | "variable" // a variable's value when the step read it
  | "constant"; // storage that exists before the step, or host values the step fixes

export interface ValueInfo {
  readonly origin: Origin;
  readonly dtype: NumericDType | null;
  readonly size: number;
  readonly zeroed: boolean;
  /** constants only: the storage every replay uses */
  readonly storage: Storage | null;
  /** host constants only: the values, to compare two traces */
  readonly hostValues: TypedArray | null;
  /** outlives the step (an output, a variable's new value, an eager region's input) */
  escapes: boolean;
}

/** A kernel call: its arguments with storage replaced by refs at `storageAt` / lists at `listAt`. */
export interface KernelStep {
  readonly kind: "kernel";
  readonly name: KernelName;
  readonly args: unknown[];
  readonly storageAt: readonly (readonly [number, Ref])[];
  readonly listAt: readonly (readonly [number, readonly Ref[]])[];
}

export type Step =
  | KernelStep
  | {
      readonly kind: "alloc";
      readonly ref: Ref;
      readonly dtype: NumericDType;
      readonly size: number;
      readonly zeroed: boolean;
    }
  | { readonly kind: "fresh"; readonly ref: Ref; readonly make: () => TypedArray }
  | {
      readonly kind: "variable";
      readonly ref: Ref;
      readonly variable: RecordedVariable;
      readonly writable: boolean;
    }
  | {
      readonly kind: "assign";
      readonly ref: Ref;
      readonly variable: RecordedVariable;
      readonly shape: readonly number[];
      readonly dtype: NumericDType;
    }
  | {
      readonly kind: "region";
      readonly name: string;
      readonly inputs: readonly (TensorRef | null)[];
      readonly run: (inputs: unknown[]) => unknown;
      readonly index: number;
    };

/** A tensor as the trace knows it: its ref, shape and dtype. */
export interface TensorRef {
  readonly ref: Ref;
  readonly shape: readonly number[];
  readonly dtype: NumericDType;
}

/** What a trace holds once the step has run. */
export interface Recording {
  readonly backend: ActiveBackend;
  readonly values: readonly ValueInfo[];
  readonly steps: readonly Step[];
  readonly inputs: readonly Ref[];
  /** one string per step, with refs and constants in canonical form, to compare two traces */
  readonly fingerprint: readonly string[];
  /** the objects the fingerprint refers to by position (constants, variables, regions' code) */
  readonly identities: readonly unknown[];
  /** the results the eager regions returned at trace time, by region index */
  readonly regionResults: readonly unknown[];
}

let nextTracerId = 0;
/** The tag of storage an eager region made: a traced kernel must not read it directly. */
const BORN_IN_REGION = -1;

export class Tracer implements Recorder {
  readonly kernels: Kernels<OpaqueStorage>;
  /** This trace's id in storage tags (backend/recording.ts). */
  private readonly id = nextTracerId++;
  private readonly values: ValueInfo[] = [];
  private readonly steps: Step[] = [];
  private readonly inputs: Ref[] = [];
  private readonly fingerprint: string[] = [];
  private readonly identities: unknown[] = [];
  private readonly regionResults: unknown[] = [];
  /** Why the step cannot be replayed (the first reason met), if it cannot. */
  stopped: string | null = null;

  constructor(readonly backend: ActiveBackend) {
    const real = backend.kernels as unknown as Record<string, (...args: unknown[]) => void>;
    const wrapped: Record<string, (...args: unknown[]) => void> = {};
    for (const name of Object.keys(real)) {
      const kernel = real[name]!;
      if (typeof kernel !== "function") continue;
      wrapped[name] = (...args: unknown[]) => {
        this.kernelCall(name as KernelName, args);
        kernel(...args);
      };
    }
    this.kernels = wrapped as unknown as Kernels<OpaqueStorage>;
  }

  /** Declares the step's input tensors' storage, in argument order. */
  input(storage: Storage, dtype: NumericDType, size: number): void {
    const known = this.refOf(storage);
    if (known !== undefined) {
      this.inputs.push(known);
      return;
    }
    const ref = this.newValue(storage, { origin: "input", dtype, size });
    this.inputs.push(ref);
    this.note(`in ${ref}`);
  }

  // ------------------------------------------------------------------ Recorder

  allocated(storage: Storage, dtype: NumericDType, size: number, zeroed: boolean): void {
    const ref = this.newValue(storage, { origin: "alloc", dtype, size, zeroed });
    this.steps.push({ kind: "alloc", ref, dtype, size, zeroed });
    this.note(`alloc ${ref} ${dtype} ${size} ${zeroed}`);
  }

  fromHost(storage: Storage, values: TypedArray, make?: () => TypedArray): void {
    const dtype = null;
    if (make) {
      const ref = this.newValue(storage, { origin: "fresh", dtype, size: values.length });
      this.steps.push({ kind: "fresh", ref, make });
      this.note(`fresh ${ref} ${values.length}`);
      return;
    }
    // Host values the step computes in JavaScript (index lists, scalars): fixed by the trace.
    // Two traces must agree on them, which is what makes fixing them safe.
    const ref = this.newValue(storage, {
      origin: "constant",
      dtype,
      size: values.length,
      storage,
      hostValues: values.slice(),
    });
    this.note(`host ${ref} ${values.constructor.name} ${values.length}`);
  }

  read(storage: Storage, how: string): void {
    const ref = this.refOf(storage);
    if (ref === undefined || this.values[ref]!.origin === "constant") return;
    this.stop(`${how}() reads a value the step computes back into JavaScript`);
  }

  randomDraw(): void {
    this.stop("random numbers are drawn in JavaScript (a replay would repeat them)");
  }

  variableRead(variable: RecordedVariable, storage: Storage, writable: boolean): void {
    const known = this.refOf(storage);
    if (known !== undefined && !writable) return;
    const ref = known ?? this.newValue(storage, { origin: "variable", dtype: null, size: 0 });
    this.steps.push({ kind: "variable", ref, variable, writable });
    this.note(`var ${ref} ${this.identity(variable)} ${writable}`);
  }

  variableAssigned(
    variable: RecordedVariable,
    storage: Storage,
    shape: readonly number[],
    dtype: NumericDType,
  ): void {
    const ref = this.refFor(storage, "assigned to a variable");
    this.escape(ref);
    this.steps.push({ kind: "assign", ref, variable, shape, dtype });
    this.note(`assign ${ref} ${this.identity(variable)} ${shape.join(",")} ${dtype}`);
  }

  // ------------------------------------------------------------------ regions

  /**
   * Runs `run` eagerly, unrecorded, now and at every replay, on the tensors `inputs` name
   * (their storage as the trace knows it). Its result is what the replay's `run` returns.
   */
  region<R>(
    name: string,
    inputs: readonly (TensorRef | null)[],
    run: (inputs: unknown[]) => R,
    call: () => R,
  ): R {
    for (const t of inputs) if (t) this.escape(t.ref);
    const index = this.regionResults.length;
    this.steps.push({ kind: "region", name, inputs, run: run as (i: unknown[]) => unknown, index });
    this.note(
      `region ${name} ${inputs.map((t) => (t ? `${t.ref}:${t.shape.join("x")}:${t.dtype}` : "-")).join(",")}`,
    );
    const result = call();
    this.regionResults.push(result);
    return result;
  }

  /** Storage born while an eager region ran (the region watcher reports it). */
  bornInRegion(storage: Storage): void {
    tagStorage(storage, [this.id, BORN_IN_REGION]);
  }

  /** The tensor as the trace names it (a region's input, an output). */
  tensorRef(storage: Storage, shape: readonly number[], dtype: NumericDType): TensorRef {
    return { ref: this.refFor(storage, "used by the step"), shape, dtype };
  }

  /** Marks a value as outliving the step (an output, a region's input, a variable's value). */
  escape(ref: Ref): void {
    this.values[ref]!.escapes = true;
  }

  stop(reason: string): void {
    if (this.stopped === null) this.stopped = `${reason} (${caller()})`;
  }

  finish(): Recording {
    return {
      backend: this.backend,
      values: this.values,
      steps: this.steps,
      inputs: this.inputs,
      fingerprint: this.fingerprint,
      identities: this.identities,
      regionResults: this.regionResults,
    };
  }

  /** Whether `result` (or a part of it) is what an eager region returned: its index, or -1. */
  regionIndexOf(result: unknown): number {
    return this.regionResults.indexOf(result);
  }

  // ------------------------------------------------------------------ internals

  private kernelCall(name: KernelName, args: unknown[]): void {
    const at = KERNEL_ARGS.get(name)!;
    const storageAt: [number, Ref][] = [];
    const listAt: [number, Ref[]][] = [];
    const canonical = args.slice();
    for (const i of at.storage) {
      const s = args[i] as Storage | null;
      if (s === null) continue;
      const ref = this.refFor(s, `passed to the ${name} kernel`);
      storageAt.push([i, ref]);
      canonical[i] = `#${ref}`;
    }
    for (const i of at.lists) {
      const refs = (args[i] as Storage[]).map((s) => this.refFor(s, `passed to ${name}`));
      listAt.push([i, refs]);
      canonical[i] = refs.map((r) => `#${r}`);
    }
    // Storage is filled in at each replay: the recording must not keep this call's (it would
    // keep every intermediate of the traced call alive). Hyper-parameter arrays may be reused by
    // their owner: keep this call's values.
    const kept = args.map((a, i) =>
      canonical[i] !== a ? null : a instanceof Float64Array ? a.slice() : a,
    );
    const step: KernelStep = { kind: "kernel", name, args: kept, storageAt, listAt };
    this.steps.push(step);
    this.note(`k ${name} ${JSON.stringify(canonical, numbersAsArrays)}`);
  }

  /** The ref of storage a step uses: known, or storage from before the step (a constant). */
  private refFor(storage: Storage, what: string): Ref {
    const known = this.refOf(storage);
    if (known !== undefined) return known;
    if (storageTag(storage)?.[0] === this.id) {
      this.stop(`a value an eager region computed is ${what} without going through a variable`);
    }
    const ref = this.newValue(storage, { origin: "constant", dtype: null, size: 0, storage });
    this.note(`const ${ref} ${this.identity(storage)}`);
    return ref;
  }

  private newValue(
    storage: Storage,
    v: Partial<ValueInfo> & Pick<ValueInfo, "origin" | "dtype" | "size">,
  ): Ref {
    const ref = this.values.length;
    this.values.push({
      zeroed: false,
      storage: null,
      hostValues: null,
      escapes: false,
      ...v,
    });
    tagStorage(storage, [this.id, ref]);
    return ref;
  }

  /** The ref this trace gave storage, if it has seen it. */
  private refOf(storage: Storage): Ref | undefined {
    const tag = storageTag(storage);
    return tag && tag[0] === this.id && tag[1] !== BORN_IN_REGION ? tag[1] : undefined;
  }

  private identity(o: unknown): number {
    this.identities.push(o);
    return this.identities.length - 1;
  }

  private note(line: string): void {
    this.fingerprint.push(line);
  }
}

function numbersAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Float64Array ? Array.from(value) : value;
}

/** The first frame of the caller's code outside Strata's storage layers, for a stop reason. */
function caller(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const outside = frames.find(
    (f) =>
      !/src[/\\](jit|backend)[/\\]|src[/\\]tensor[/\\]tensor\.|src[/\\]autodiff[/\\]variable\./.test(
        f,
      ),
  );
  return (outside ?? frames[0] ?? "").trim().replace(/^at /, "at ");
}
