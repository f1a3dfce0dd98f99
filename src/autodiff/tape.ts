import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Given the gradient of an op's output, the gradients of its inputs (null where none flows). */
export type Backward = (dy: Tensor) => readonly (Tensor | null)[];

export interface TapeNode {
  readonly output: Tensor;
  readonly inputs: readonly Tensor[];
  readonly backward: Backward;
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
  if (active.length === 0 || paused > 0 || !isFloat(output.dtype)) return output;
  // An op that returned one of its inputs unchanged adds no edge (it would loop onto itself).
  if (inputs.includes(output)) return output;
  for (const tape of active) {
    if (inputs.some((t) => tape.watched.has(t.id))) {
      tape.watched.add(output.id);
      tape.nodes.push({ output, inputs, backward });
    }
  }
  return output;
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
