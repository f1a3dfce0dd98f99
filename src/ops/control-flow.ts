/**
 * keras.ops's control flow (cond, switch, whileLoop, foriLoop, scan, map) and gradient control
 * (stopGradient, customGradient). Strata runs ops eagerly, so these are plain JavaScript loops
 * and branches over tensors — what Keras's eager backends do — and gradients flow through
 * whatever ops the chosen branch or each iteration ran.
 */
import { recordAll } from "../autodiff/tape.js";
import { ValueError } from "../errors.js";
import { Tensor, copyTensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "./core.js";
import { slice, stack } from "./join.js";
import { broadcastShapes } from "../tensor/shape.js";
import { broadcastTo, reshape } from "./movement.js";

/** A tensor's truth as a JS boolean: a scalar (or one-element) tensor, or a boolean. */
function truth(pred: TensorLike | boolean, op: string): boolean {
  if (typeof pred === "boolean") return pred;
  const t = asTensor(pred);
  if (t.size !== 1)
    throw new ValueError(`${op}: the predicate must be a scalar; received ${t.size} elements`);
  return Boolean(t.dataSync()[0]);
}

/** Runs `trueFn` or `falseFn` by the scalar `pred`. */
export function cond<T>(pred: TensorLike | boolean, trueFn: () => T, falseFn: () => T): T {
  return truth(pred, "cond") ? trueFn() : falseFn();
}

/** Runs `branches[index]` on `operands` (index clamped into range, as Keras). */
function switchOp<T>(
  index: TensorLike | number,
  branches: readonly ((...xs: never[]) => T)[],
  ...operands: unknown[]
): T {
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new ValueError("switch: branches must be a non-empty list of functions");
  }
  const i = typeof index === "number" ? index : Number(asTensor(index).dataSync()[0]);
  const at = Math.min(Math.max(Math.trunc(i), 0), branches.length - 1);
  return (branches[at] as (...xs: unknown[]) => T)(...operands);
}
export { switchOp as switch };

/**
 * `while (cond(...vars)) vars = body(...vars)`; loopVars is a tensor or a list of them (passed
 * spread to cond and body, as Keras does for tuples). Returns the final loop variables.
 */
export function whileLoop<V extends Tensor | Tensor[]>(
  condFn: (...vars: Tensor[]) => TensorLike | boolean,
  body: (...vars: Tensor[]) => V,
  loopVars: V,
  maximumIterations: number | null = null,
): V {
  if (
    maximumIterations !== null &&
    (!Number.isInteger(maximumIterations) || maximumIterations < 0)
  ) {
    throw new ValueError(
      `whileLoop: maximumIterations must be a non-negative integer; received ${maximumIterations}`,
    );
  }
  const single = !Array.isArray(loopVars);
  let vars = (single ? [loopVars] : loopVars) as Tensor[];
  for (let i = 0; maximumIterations === null || i < maximumIterations; i++) {
    if (!truth(condFn(...vars), "whileLoop")) break;
    const next = body(...vars);
    vars = single ? [next as Tensor] : (next as Tensor[]);
  }
  return (single ? vars[0] : vars) as V;
}

/** `for (i = lower; i < upper; i++) val = bodyFun(i, val)`. */
export function foriLoop<V>(
  lower: number,
  upper: number,
  bodyFun: (i: number, val: V) => V,
  initVal: V,
): V {
  let val = initVal;
  for (let i = lower; i < upper; i++) val = bodyFun(i, val);
  return val;
}

/**
 * Scans `f(carry, x) → [carry, y]` over the leading axis of `xs` (or `length` times with x null),
 * returning `[finalCarry, stacked ys]` (ys null when f yields null). `reverse` scans from the end
 * and stacks in the original order. `unroll` only tunes compiled backends.
 */
export function scan<C>(
  f: (carry: C, x: Tensor | null) => [C, Tensor | null],
  init: C,
  xs: TensorLike | null = null,
  length: number | null = null,
  reverse = false,
  unroll: number | boolean = 1,
): [C, Tensor | null] {
  void unroll;
  const t = xs === null ? null : asTensor(xs);
  if (t && t.rank === 0)
    throw new ValueError("scan: xs must have a leading axis; received a scalar");
  const n = t ? t.shape[0]! : length;
  if (n === null) throw new ValueError("scan: give xs or length");
  if (t && length !== null && length !== n) {
    throw new ValueError(`scan: length ${length} differs from xs's leading axis ${n}`);
  }
  const rows = t ? unstackRows(t) : null;
  let carry = init;
  const ys: (Tensor | null)[] = new Array<Tensor | null>(n);
  for (let k = 0; k < n; k++) {
    const i = reverse ? n - 1 - k : k;
    const [c, y] = f(carry, rows ? rows[i]! : null);
    carry = c;
    ys[i] = y;
  }
  if (n === 0 || ys.some((y) => y === null)) return [carry, null];
  return [carry, stack(ys as Tensor[], 0)];
}

/** Applies f to each row along the leading axis and stacks the results. */
export function map(f: (x: Tensor) => Tensor, xs: TensorLike): Tensor {
  const t = asTensor(xs);
  if (t.rank === 0) throw new ValueError("map: xs must have a leading axis; received a scalar");
  const rows = unstackRows(t);
  if (rows.length === 0) throw new ValueError("map: xs has no rows (its leading axis is 0)");
  return stack(
    rows.map((r) => f(r)),
    0,
  );
}

function unstackRows(t: Tensor): Tensor[] {
  // Each row is a differentiable slice.
  const n = t.shape[0]!;
  const rows: Tensor[] = [];
  for (let i = 0; i < n; i++) rows.push(rowOf(t, i));
  return rows;
}
function rowOf(t: Tensor, i: number): Tensor {
  const rest = t.shape.slice(1);
  return reshape(slice(t, [i, ...rest.map(() => 0)], [1, ...rest]), rest);
}

/** A copy of x through which no gradient flows. */
export function stopGradient(variable: TensorLike): Tensor {
  const t = asTensor(variable);
  return copyTensor(t, t.dtype);
}

/**
 * Wraps `f(...xs) → [y, grad]`, where `grad(dy)` returns the gradient for each input (a tensor or
 * a list), as Keras's custom_gradient: differentiating the result runs `grad` instead of f's ops.
 */
export function customGradient(
  f: (...xs: Tensor[]) => [Tensor, (dy: Tensor) => Tensor | (Tensor | null)[]],
): (...xs: TensorLike[]) => Tensor {
  if (typeof f !== "function") throw new ValueError("customGradient: f must be a function");
  return (...xs: TensorLike[]): Tensor => {
    const inputs = xs.map((x) => asTensor(x));
    const [y0, grad] = f(...inputs);
    if (!(y0 instanceof Tensor))
      throw new ValueError("customGradient: f must return [output, gradFn]");
    // A fresh output, so the recorded edge replaces whatever f recorded.
    const y = copyTensor(y0, y0.dtype);
    recordAll([y], inputs, (dys) => {
      const g = grad(dys[0]!);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length) {
        throw new ValueError(
          `customGradient: grad returned ${list.length} gradients for ${inputs.length} inputs`,
        );
      }
      return list;
    });
    return y;
  };
}

export interface VectorizeOptions {
  /** Positional argument indices passed to pyfunc unchanged (not vectorized). */
  excluded?: readonly number[] | null;
  /** Generalized-ufunc signature such as "(n),(n)->()": the core axes pyfunc sees whole. */
  signature?: string | null;
}

/**
 * NumPy's vectorize: a function that broadcasts its tensor arguments over their loop axes (all
 * axes, or those left of the core axes named in `signature`), calls `pyfunc` once per loop index
 * with the (core) slices, and stacks the results back into the loop shape.
 */
export function vectorize(
  pyfunc: (...args: never[]) => TensorLike,
  options: VectorizeOptions = {},
): (...args: unknown[]) => Tensor {
  if (typeof pyfunc !== "function") throw new ValueError("vectorize: pyfunc must be a function");
  const excluded = new Set(options.excluded ?? []);
  let coreIn: number[] | null = null;
  let coreOut = 0;
  if (options.signature) {
    const m = /^\s*(\(.*?\)(?:\s*,\s*\(.*?\))*)\s*->\s*(\(.*?\))\s*$/.exec(options.signature);
    if (!m) throw new ValueError(`vectorize: cannot read signature "${options.signature}"`);
    const dims = (s: string): number => (s.replace(/[()\s]/g, "") === "" ? 0 : s.split(",").length);
    coreIn = (m[1]!.match(/\([^)]*\)/g) ?? []).map(dims);
    coreOut = dims(m[2]!);
  }
  return (...args: unknown[]): Tensor => {
    const vecIdx = args.map((_, i) => i).filter((i) => !excluded.has(i));
    if (coreIn && coreIn.length !== vecIdx.length) {
      throw new ValueError(
        `vectorize: the signature names ${coreIn.length} inputs; received ${vecIdx.length}`,
      );
    }
    const ts = vecIdx.map((i) => asTensor(args[i] as TensorLike));
    const core = ts.map((_, k) => (coreIn ? coreIn[k]! : 0));
    ts.forEach((t, k) => {
      if (t.rank < core[k]!)
        throw new ValueError(
          `vectorize: argument ${vecIdx[k]} has fewer axes than its core dimensions`,
        );
    });
    const loopShape = ts.reduce<number[]>(
      (s, t, k) => broadcastShapes(s, t.shape.slice(0, t.rank - core[k]!), "vectorize"),
      [],
    );
    const bt = ts.map((t, k) =>
      broadcastTo(t, [...loopShape, ...t.shape.slice(t.rank - core[k]!)]),
    );
    const count = loopShape.reduce((p, d) => p * d, 1);
    const flat = bt.map((t, k) => reshape(t, [count, ...t.shape.slice(t.rank - core[k]!)]));
    const rowsOfEach = flat.map((t) => (count === 0 ? [] : unstackRows(t)));
    const results: Tensor[] = [];
    for (let i = 0; i < count; i++) {
      const call = [...args];
      vecIdx.forEach((a, k) => (call[a] = rowsOfEach[k]![i]!));
      results.push(asTensor((pyfunc as (...xs: unknown[]) => TensorLike)(...call)));
    }
    if (count === 0) throw new ValueError("vectorize: the broadcast loop shape is empty");
    const out = stack(results, 0);
    if (coreIn && out.rank - 1 !== coreOut) {
      throw new ValueError(
        `vectorize: pyfunc returned rank ${out.rank - 1}; the signature says ${coreOut}`,
      );
    }
    return reshape(out, [...loopShape, ...out.shape.slice(1)]);
  };
}
