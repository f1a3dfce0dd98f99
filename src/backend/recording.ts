import type { NumericDType, TypedArray } from "../tensor/dtype.js";
import type { Kernels, OpaqueStorage, Storage } from "./backend.js";
import { currentBackend } from "./registry.js";

/*
 * What a compiled step (src/jit/) sees of a step running eagerly while it traces it. The few
 * places where storage is born, read or kept in a Variable tell the active recorder, when there
 * is one: ops take their kernels from `kernelsForOps()`, tensors report their allocations, host
 * values and reads, and Variables their reads and assignments. With no recorder each hook costs
 * one comparison. The recorder lives here, at the bottom, so that every layer can reach it
 * without importing the tracer that sits above them.
 */

/** Which variable-like object a hook is about (a Variable: backend/ cannot name the class). */
export type RecordedVariable = object;

export interface Recorder {
  /** The current backend's kernels, wrapped so that each call is recorded, then run. */
  readonly kernels: Kernels<OpaqueStorage>;
  /** New storage from the backend (`zeroed` as asked). */
  allocated(storage: Storage, dtype: NumericDType, size: number, zeroed: boolean): void;
  /**
   * Storage made from host values. `make` is given for values that must be drawn afresh at
   * every call (random numbers): a replay calls it again instead of reusing these values.
   */
  fromHost(storage: Storage, values: TypedArray, make?: () => TypedArray): void;
  /** Values read back to JavaScript (`how`: dataSync, item …). */
  read(storage: Storage, how: string): void;
  /** Random numbers drawn in JavaScript other than for `freshHostStorage` (they would be fixed). */
  randomDraw(): void;
  /** A variable's value handed out (`writable`: for a kernel to update in place). */
  variableRead(variable: RecordedVariable, storage: Storage, writable: boolean): void;
  /** A variable given a new value. */
  variableAssigned(
    variable: RecordedVariable,
    storage: Storage,
    shape: readonly number[],
    dtype: NumericDType,
  ): void;
}

let active: Recorder | null = null;

/** The recorder of the step being traced, if any. */
export function activeRecorder(): Recorder | null {
  return active;
}

/** Installs (or with null removes) the recorder; returns the one it replaces. */
export function setRecorder(recorder: Recorder | null): Recorder | null {
  const previous = active;
  active = recorder;
  return previous;
}

/** The kernels ops call: the current backend's, or the recorder's wrappers while tracing. */
export function kernelsForOps(): Kernels<OpaqueStorage> {
  return active ? active.kernels : currentBackend().kernels;
}

/**
 * Storage holding values that are new at every call (random draws): `make` computes them. Eager
 * code calls it once; a compiled step calls it again at every replay, so the draws continue
 * exactly as they would eagerly.
 */
export function freshHostStorage(make: () => TypedArray): Storage {
  let values: TypedArray;
  drawingFresh++;
  try {
    values = make();
  } finally {
    drawingFresh--;
  }
  const storage = currentBackend().fromHost(values);
  active?.fromHost(storage, values, make);
  return storage;
}

let drawingFresh = 0;

/** Called by the random generators at each draw: a trace stops on draws it would fix. */
export function noteRandomDraw(): void {
  if (active !== null && drawingFresh === 0) active.randomDraw();
}

/** Called where random generators are rewound (remat's rerun): a trace cannot replay that. */
export function noteRewind(): void {
  active?.randomDraw();
}

/*
 * Tags: how a recorder names storage it has seen. The tag is kept on the storage itself, not in
 * a map of the recorder's, so storage the traced step drops is freed as soon as it would be
 * eagerly (a WeakMap keeps its keys until a full collection, which raised a trace's peak memory
 * far above an eager step's). Storage that cannot take a property goes in a WeakMap.
 */
const TAG = Symbol("strata.recording");
const untaggable = new WeakMap<object, readonly [number, number]>();

/** Attaches [recorder id, value] to storage. */
export function tagStorage(storage: Storage, tag: readonly [number, number]): void {
  const o = storage as unknown as Record<symbol, unknown>;
  if (Object.isExtensible(o)) o[TAG] = tag;
  else untaggable.set(o, tag);
}

/** The tag a recorder attached to storage, if any. */
export function storageTag(storage: Storage): readonly [number, number] | undefined {
  const o = storage as unknown as Record<symbol, readonly [number, number] | undefined>;
  return o[TAG] ?? untaggable.get(o);
}
