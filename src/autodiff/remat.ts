/**
 * Keras's `remat(fn)` (rematerialization, gradient checkpointing): the same values as `fn`, but the
 * tape keeps one node for the whole call instead of one per op inside it. The intermediates the
 * inner nodes held become garbage when the call returns; the backward pass runs `fn` again on
 * the same inputs to rebuild them, then differentiates that rerun.
 *
 * The rerun sees what the first run saw: each Variable reads the value it had when the first run
 * first touched it, and each random generator replays its draws (the same dropout mask). What the
 * rerun assigns is collected on a StatelessScope and dropped, so moving averages or seed
 * generators do not advance twice. Should the rerun still compute different outputs (state that
 * changed in another way between the forward and the backward pass), the backward pass raises
 * instead of returning wrong gradients.
 *
 * Gradients flow through what `fn` returns. A tensor `fn` hands out another way (kept in a
 * closure) is cut off from the inputs; a layer's `addLoss` inside a rematerialized layer call is
 * handled by the layer (layers/layer.ts passes those losses as extra outputs).
 */
import { ValueError } from "../errors.js";
import { add, multiply, subtract, abs } from "../ops/elementwise.js";
import { max, sum } from "../ops/reduce.js";
import { type Generator, logDraws, replayDraws } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { backprop } from "./grad.js";
import { StatelessScope } from "./stateless-scope.js";
import { Tape, type TapeNode, noGrad, recordingNow, runOnTape } from "./tape.js";
import type { Variable } from "./variable.js";
import { type VariableOverride, setVariableOverride } from "./variable-override.js";

/**
 * Keras `remat(f)`: a function computing what `fn` computes, whose backward pass recomputes `fn`
 * instead of keeping its intermediates. Gradients equal those of `fn` itself.
 */
export function remat<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  if (typeof fn !== "function") {
    throw new ValueError(`remat: expected a function; received ${typeof fn}`);
  }
  const wrapped = (...args: A): R =>
    rematerialize(
      () => fn(...args),
      (result) => tensorsIn(result),
    );
  // The same arity, so `grad(remat(f))` treats it as it treats f.
  Object.defineProperty(wrapped, "length", { value: fn.length });
  return wrapped;
}

/**
 * Runs `run` once, then replaces the nodes it left on each recording tape by a single node from
 * its inputs to the tensors `outputsOf(result)` lists; that node's backward pass reruns `run`.
 * `worthIt` may decide from the outputs to keep the nodes instead (Keras's "larger_than" mode).
 * Layers use it with extra outputs: the losses their call added.
 */
export function rematerialize<R>(
  run: () => R,
  outputsOf: (result: R) => readonly Tensor[],
  worthIt: (outputs: readonly Tensor[]) => boolean = () => true,
): R {
  const tapes = recordingNow();
  if (tapes.length === 0) return run();
  const starts = tapes.map((t) => t.nodes.length);
  const firstValues = new FirstValues();
  const draws = new Map<Generator, number[]>();
  const result = logDraws(draws, () => firstValues.run(run));
  const outputs = outputsOf(result);
  if (!worthIt(outputs)) return result; // the nodes stay as recorded
  const rerun = (): readonly Tensor[] =>
    replayDraws(draws, () =>
      new StatelessScope({ stateMapping: [...firstValues.values] }).run(() => outputsOf(run())),
    );
  tapes.forEach((tape, i) => collapse(tape, starts[i]!, outputs, rerun));
  return result;
}

/** Swaps the nodes `tape` got from `start` on for one node whose backward reruns the call. */
function collapse(
  tape: Tape,
  start: number,
  outputs: readonly Tensor[],
  rerun: () => readonly Tensor[],
): void {
  const inner = tape.nodes.splice(start);
  if (inner.length === 0) return;
  const made = new Set<number>();
  for (const node of inner) for (const o of node.outputs) made.add(o.id);
  const leaves = new Map<number, Tensor>();
  for (const node of inner) {
    for (const t of node.inputs) {
      if (!made.has(t.id) && tape.watched.has(t.id)) leaves.set(t.id, t);
    }
  }
  // The outputs this tape can differentiate (made inside the call), by their place in `outputs`.
  const picked = outputs.flatMap((o, k) => (made.has(o.id) ? [k] : []));
  const unique = picked.filter((k, j) => picked.findIndex((m) => outputs[m] === outputs[k]) === j);
  if (unique.length === 0) return;
  const inputs = [...leaves.values()];
  const node: TapeNode = {
    outputs: unique.map((k) => outputs[k]!),
    inputs,
    backward: (dys) => vjpOfRerun(rerun, inputs, unique, outputs, dys),
  };
  tape.nodes.push(node);
}

/** d(Σ outputs·dys)/d inputs, by running the call again on a tape of its own. */
function vjpOfRerun(
  rerun: () => readonly Tensor[],
  inputs: readonly Tensor[],
  picked: readonly number[],
  firstOutputs: readonly Tensor[],
  dys: readonly (Tensor | null)[],
): (Tensor | null)[] {
  const tape = new Tape();
  for (const t of inputs) tape.watched.add(t.id);
  // Σ sum(output · dy): its gradient with respect to the inputs is the vector-Jacobian product.
  const objective = runOnTape(tape, () => {
    const again = rerun();
    let total: Tensor | null = null;
    for (const [j, k] of picked.entries()) {
      const dy = dys[j];
      const o = again[k];
      if (!dy || !o) continue;
      checkSame(o, firstOutputs[k]!, k);
      const term = sum(multiply(o, dy));
      total = total === null ? term : add(total, term);
    }
    return total;
  });
  if (objective === null) return inputs.map(() => null);
  return backprop(tape, objective, inputs);
}

/** The rerun must reproduce the first run, or its gradients belong to another computation. */
function checkSame(again: Tensor, first: Tensor, k: number): void {
  const differs =
    again.dtype !== first.dtype ||
    again.shape.length !== first.shape.length ||
    again.shape.some((d, i) => d !== first.shape[i]) ||
    (isFloat(first.dtype) &&
      first.size > 0 &&
      noGrad(() => {
        const scale = Number(max(abs(first)).item());
        const gap = Number(max(abs(subtract(again, first))).item());
        return !(gap <= 1e-5 * Math.max(scale, 1));
      }));
  if (differs) {
    throw new ValueError(
      `remat: recomputing the function for its gradient gave a different output ${k} than the ` +
        "forward pass (shape or values): its result depends on state that changed in between " +
        "(a Variable assigned outside it, a reseeded generator), so its gradient cannot be rebuilt",
    );
  }
}

/** The tensors in a function's result: itself, or those in an array or object (nested). */
function tensorsIn(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x)) return x.flatMap(tensorsIn);
  if (x !== null && typeof x === "object") return Object.values(x).flatMap(tensorsIn);
  return [];
}

/**
 * Passes Variable reads and writes through unchanged (to an outer StatelessScope, or the Variable
 * itself), noting the value each Variable had when the call first touched it.
 */
class FirstValues implements VariableOverride {
  readonly values = new Map<Variable, Tensor>();
  private outer: VariableOverride | null = null;

  run<T>(fn: () => T): T {
    this.outer = setVariableOverride(this);
    try {
      return fn();
    } finally {
      setVariableOverride(this.outer);
    }
  }

  getCurrentValue(variable: object): Tensor {
    const v = this.note(variable);
    return this.outside(() => v.value);
  }

  addUpdate(update: readonly [object, Tensor]): void {
    const v = this.note(update[0]);
    this.outside(() => v.assign(update[1]));
  }

  writableStorage(variable: object): ReturnType<VariableOverride["writableStorage"]> {
    const v = this.note(variable);
    return this.outside(() => v.writableStorage());
  }

  private note(variable: object): Variable {
    const v = variable as Variable;
    if (!this.values.has(v))
      this.values.set(
        v,
        this.outside(() => v.value),
      );
    return v;
  }

  /** Runs `fn` as if this recorder were not installed. */
  private outside<T>(fn: () => T): T {
    const self = setVariableOverride(this.outer);
    try {
      return fn();
    } finally {
      setVariableOverride(self);
    }
  }
}
