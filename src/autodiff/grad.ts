import { ValueError, fmtShape } from "../errors.js";
import { isFloat } from "../tensor/dtype.js";
import { sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import { add } from "../ops/elementwise.js";
import { reshape } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { ones, zerosLike } from "../tensor/creation.js";
import { Tape, duringBackprop, record, runOnTape } from "./tape.js";
import { Variable } from "./variable.js";

/** Sums a broadcast gradient back to the shape of the input it belongs to. */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes), shape);
}

/** Reverse pass over `tape` from `output`; returns d output / d target for each target. */
export function backprop(tape: Tape, output: Tensor, targets: readonly Tensor[]): Tensor[] {
  return duringBackprop(tape, () => backpropOn(tape, output, targets));
}

function backpropOn(tape: Tape, output: Tensor, targets: readonly Tensor[]): Tensor[] {
  const grads = new Map<number, Tensor>([[output.id, ones(output.shape, output.dtype)]]);
  for (let n = tape.nodes.length - 1; n >= 0; n--) {
    const node = tape.nodes[n]!;
    const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
    if (dys.every((d) => d === null)) continue;
    const inputGrads = node.backward(dys);
    node.inputs.forEach((input, i) => {
      const g = inputGrads[i];
      if (!g || !tape.watched.has(input.id)) return;
      const shaped = sumToShape(g, input.shape);
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, shaped) : shaped);
    });
  }
  return targets.map((t) => grads.get(t.id) ?? zerosLike(t));
}

function checkDifferentiable(t: Tensor, what: string): void {
  if (!isFloat(t.dtype)) {
    throw new ValueError(
      `${what} must be float32 or float64 to take a gradient; received ${t.dtype}`,
    );
  }
}

/**
 * Calls `fn` and returns its value with the gradient of that value with respect to each Variable
 * (reverse mode). A non-scalar value is differentiated as the sum of its elements.
 */
export function valueAndGrad(
  fn: () => Tensor,
  variables: readonly Variable[],
): { value: Tensor; grads: Tensor[] } {
  const tape = new Tape();
  const watched = variables.map((v, i) => {
    if (!(v instanceof Variable))
      throw new ValueError(`valueAndGrad: variables[${i}] is not a Variable`);
    checkDifferentiable(v.value, `valueAndGrad: variable ${v.name}`);
    tape.watched.add(v.value.id);
    return v.value;
  });
  const value = runOnTape(tape, fn);
  if (!(value instanceof Tensor)) throw new ValueError("valueAndGrad: fn must return a Tensor");
  const grads = backprop(tape, value, watched);
  variables.forEach((v, i) => {
    if (v.value !== watched[i]) {
      throw new ValueError(
        `valueAndGrad: variable ${v.name} was assigned inside fn (shape ${fmtShape(v.shape)})`,
      );
    }
  });
  return { value, grads };
}

/**
 * JAX-style `grad(fn)`: a function with fn's arguments that returns the gradient with respect to
 * each of them — one tensor for a one-argument fn, an array otherwise. Composes: `grad(grad(f))`.
 */
type GradFn<F extends (...args: Tensor[]) => Tensor> = (
  ...args: TensorLike[]
) => Parameters<F>["length"] extends 1 ? Tensor : Tensor[];

export function grad<F extends (...args: Tensor[]) => Tensor>(fn: F): GradFn<F> {
  return ((...args: TensorLike[]) => {
    const tape = new Tape();
    // Fresh aliases so each argument has its own identity, even if one tensor is passed twice.
    const inputs = args.map((a, i) => {
      const t = asTensor(a);
      checkDifferentiable(t, `grad: argument ${i}`);
      // Recorded as an identity op so an enclosing grad (grad of grad) still sees the argument.
      const alias = record(t.alias(), [t], (dy) => [dy]);
      tape.watched.add(alias.id);
      return alias;
    });
    const value = runOnTape(tape, () => fn(...inputs));
    const grads = backprop(tape, value, inputs);
    return fn.length === 1 ? grads[0]! : grads;
  }) as GradFn<F>;
}
