import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Given the gradient of an op's output, the gradients of its inputs (null where none flows). */
export type Backward = (dy: Tensor) => readonly (Tensor | null)[];

/** The same for an op with several outputs; an output no gradient reached gets null. */
export type MultiBackward = (dys: readonly (Tensor | null)[]) => readonly (Tensor | null)[];

export interface TapeNode {
  readonly outputs: readonly Tensor[];
  readonly inputs: readonly Tensor[];
  readonly backward: MultiBackward;
}

/** The record of one `valueAndGrad`/`grad` call: watched tensors and the ops that used them. */
export class Tape {
  readonly watched = new Set<number>();
  readonly nodes: TapeNode[] = [];
}

const active: Tape[] = [];
let paused = 0;

/**
 * Called by every differentiable op after it computed `output`. Outside a tape (or inside
 * `noGrad`) it costs one comparison. Recording on every active tape whose watched tensors feed
 * the op is what makes gradients of gradients work: the inner tape's backward pass is itself
 * recorded by the outer one.
 */
export function record<T extends Tensor>(
  output: T,
  inputs: readonly Tensor[],
  backward: Backward,
): T {
  recordAll([output], inputs, (dys) => backward(dys[0]!));
  return output;
}

/**
 * `record` for an op with several outputs (split): one node, so the backward pass assembles all
 * the pieces' gradients at once instead of one full-size gradient per piece.
 */
export function recordAll(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  backward: MultiBackward,
): void {
  if (active.length === 0 || paused > 0 || !outputs.every((o) => isFloat(o.dtype))) return;
  // An op that returned one of its inputs unchanged adds no edge (it would loop onto itself).
  if (outputs.some((o) => inputs.includes(o))) return;
  for (const tape of active) {
    if (inputs.some((t) => tape.watched.has(t.id))) {
      for (const o of outputs) tape.watched.add(o.id);
      tape.nodes.push({ outputs, inputs, backward });
    }
  }
}

/**
 * How many tapes would record an op on `inputs` now (those active tapes that watch one of them).
 * An op keeps what only its backward pass needs when this is not 0; with exactly 1 its backward
 * runs at most once, so it may reuse those buffers for its results.
 */
export function recordingTapes(inputs: readonly Tensor[]): number {
  if (active.length === 0 || paused > 0) return 0;
  return active.filter((tape) => inputs.some((t) => tape.watched.has(t.id))).length;
}

/**
 * Whether `record(…, inputs, …)` would keep a backward rule right now. Ops ask it to skip work
 * that only a gradient needs (max pooling's winners), before they compute.
 */
export function isRecording(inputs: readonly Tensor[]): boolean {
  return recordingTapes(inputs) > 0;
}

/** The tapes that record right now (none inside `noGrad`), outermost first. */
export function recordingNow(): readonly Tape[] {
  return paused > 0 ? [] : active.slice();
}

/** Whether any tape is recording now (a compiled step then runs eagerly: src/jit/). */
export function tapesActive(): boolean {
  return active.length > 0 && paused === 0;
}

/** The tape whose backward pass is running, so rules can skip gradients nobody asked for. */
let backpropTape: Tape | null = null;

/** Runs a backward pass over `tape`; inside it, `needsGrad` answers for that tape. */
export function duringBackprop<T>(tape: Tape, fn: () => T): T {
  const outer = backpropTape;
  backpropTape = tape;
  try {
    return fn();
  } finally {
    backpropTape = outer;
  }
}

/**
 * Whether a backward rule must produce the gradient of input `t`: false for inputs the running
 * backward pass does not watch (the data fed to the first layer), whose gradient would be dropped.
 */
export function needsGrad(t: Tensor): boolean {
  return backpropTape === null || backpropTape.watched.has(t.id);
}

export function runOnTape<T>(tape: Tape, fn: () => T): T {
  active.push(tape);
  try {
    return fn();
  } finally {
    active.splice(active.lastIndexOf(tape), 1);
  }
}

/** Runs `fn` without recording anything for gradients (Keras: `stop_gradient` for a whole block). */
export function noGrad<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}
