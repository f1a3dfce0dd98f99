/**
 * keras.ops.numpy's products and grids: inner, vdot, kron, cross, einsum (a general
 * implementation: diagonals of repeated labels, sums of labels used once, then one batched matrix
 * product per pair of operands), meshgrid, linspace / logspace / geomspace. All composed of ops,
 * so they differentiate.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { type DTypeName, checkNumericDType, isFloat } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  add,
  divide,
  exp,
  floor,
  less,
  log,
  multiply,
  negative,
  power,
  subtract,
  where,
} from "./elementwise.js";
import { take } from "./gather.js";
import { concatenate } from "./join.js";
import { matmul, tensordot } from "./linalg.js";
import { broadcastTo, reshape, transpose } from "./movement.js";
import { sum } from "./reduce.js";
import { diagonal, moveaxis } from "./numpy-shape.js";
import { broadcastShapes } from "../tensor/shape.js";

/** Inner product over the last axes (a product with a scalar is elementwise). */
export function inner(x1: TensorLike, x2: TensorLike): Tensor {
  const a = asTensor(x1);
  const b = asTensor(x2);
  if (a.rank === 0 || b.rank === 0) return multiply(a, b);
  return tensordot(a, b, [[-1], [-1]]);
}

/** Dot product of the flattened operands (real tensors: no conjugation). */
export function vdot(x1: TensorLike, x2: TensorLike): Tensor {
  const a = asTensor(x1);
  const b = asTensor(x2);
  if (a.size !== b.size) {
    throw new ShapeError(
      `vdot: the operands must have the same size; received ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return tensordot(reshape(a, [-1]), reshape(b, [-1]), 1);
}

/** Kronecker product: blocks of b scaled by each element of a (ranks padded with leading 1s). */
export function kron(x1: TensorLike, x2: TensorLike): Tensor {
  let a = asTensor(x1);
  let b = asTensor(x2);
  const r = Math.max(a.rank, b.rank);
  a = reshape(a, [...new Array<number>(r - a.rank).fill(1), ...a.shape]);
  b = reshape(b, [...new Array<number>(r - b.rank).fill(1), ...b.shape]);
  const aw = reshape(
    a,
    a.shape.flatMap((d) => [d, 1]),
  );
  const bw = reshape(
    b,
    b.shape.flatMap((d) => [1, d]),
  );
  return reshape(
    multiply(aw, bw),
    a.shape.map((d, i) => d * b.shape[i]!),
  );
}

/**
 * Cross product of vectors of length 2 or 3 along `axisa` / `axisb`, placed along `axisc`
 * (`axis` sets all three). Two 2-vectors give the z component only.
 */
export function cross(
  x1: TensorLike,
  x2: TensorLike,
  axisa = -1,
  axisb = -1,
  axisc = -1,
  axis: number | null = null,
): Tensor {
  if (axis !== null) [axisa, axisb, axisc] = [axis, axis, axis];
  let a = asTensor(x1);
  let b = asTensor(x2);
  if (a.rank === 0 || b.rank === 0)
    throw new ShapeError("cross: the operands must be vectors, not scalars");
  a = moveaxis(a, axisa, -1);
  b = moveaxis(b, axisb, -1);
  const da = a.shape[a.rank - 1]!;
  const db = b.shape[b.rank - 1]!;
  if (![2, 3].includes(da) || ![2, 3].includes(db)) {
    throw new ValueError(
      `cross: both inputs must be (arrays of) 2- or 3-dimensional vectors; received ${da} and ${db} dimensional`,
    );
  }
  const comp = (t: Tensor, i: number): Tensor | null =>
    i < t.shape[t.rank - 1]! ? take(t, [i], -1) : null;
  const mul = (p: Tensor | null, q: Tensor | null): Tensor | null =>
    p && q ? multiply(p, q) : null;
  const sub = (p: Tensor | null, q: Tensor | null, like: Tensor): Tensor =>
    p && q ? subtract(p, q) : p ? p : q ? negative(q) : multiply(like, 0);
  const [a0, a1, a2] = [comp(a, 0)!, comp(a, 1)!, comp(a, 2)];
  const [b0, b1, b2] = [comp(b, 0)!, comp(b, 1)!, comp(b, 2)];
  const z = subtract(multiply(a0, b1), multiply(a1, b0));
  if (da === 2 && db === 2) return reshape(z, z.shape.slice(0, -1));
  const zeroLike = multiply(z, 0);
  const x = sub(mul(a1, b2), mul(a2, b1), zeroLike);
  const y = sub(mul(a2, b0), mul(a0, b2), zeroLike);
  const out = concatenate([add(x, zeroLike), add(y, zeroLike), z], -1);
  return moveaxis(out, -1, normalizeAxis(axisc, out.rank, "cross"));
}

// ---------------------------------------------------------------- einsum

interface Term {
  t: Tensor;
  labels: string[];
}

/** Splits "ij,jk->ik" into operand label lists and the output's, expanding "..." per operand. */
function parseEinsum(subscripts: string, ts: Tensor[]): { inputs: string[][]; output: string[] } {
  const spec = subscripts.replace(/\s+/g, "");
  const [lhs, rhs] = spec.split("->") as [string, string | undefined];
  const parts = lhs.split(",");
  if (parts.length !== ts.length) {
    throw new ValueError(
      `einsum: "${subscripts}" names ${parts.length} operands; received ${ts.length}`,
    );
  }
  // Ellipsis axes get labels that cannot clash with letters: "\u0100", "\u0101", …
  let ellRank = 0;
  const inputs = parts.map((p, k) => {
    if (!/^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$/.test(p)) {
      throw new ValueError(
        `einsum: operand ${k} subscripts "${p}" must be letters with at most one "..."`,
      );
    }
    const letters = p.replace("...", "").split("");
    if (p.includes("...")) {
      const n = ts[k]!.rank - letters.length;
      if (n < 0)
        throw new ValueError(
          `einsum: operand ${k} has rank ${ts[k]!.rank}, fewer than its subscripts "${p}"`,
        );
      ellRank = Math.max(ellRank, n);
    } else if (letters.length !== ts[k]!.rank) {
      throw new ValueError(`einsum: operand ${k} has rank ${ts[k]!.rank} but subscripts "${p}"`);
    }
    return p;
  });
  const ellLabels = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(0x100 + ellRank - n + i));
  const expanded = inputs.map((p, k) => {
    if (!p.includes("...")) return p.split("");
    const [pre, post] = p.split("...") as [string, string];
    const n = ts[k]!.rank - pre.length - post.length;
    return [...pre.split(""), ...ellLabels(n), ...post.split("")];
  });
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const l of expanded.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [
      ...ellLabels(ellRank),
      ...[...counts]
        .filter(([l, c]) => c === 1 && l.charCodeAt(0) < 0x100)
        .map(([l]) => l)
        .sort(),
    ];
  } else {
    if (!/^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$/.test(rhs))
      throw new ValueError(`einsum: bad output subscripts "${rhs}"`);
    const [pre, post] = rhs.includes("...") ? (rhs.split("...") as [string, string]) : [rhs, ""];
    output = rhs.includes("...")
      ? [...pre.split(""), ...ellLabels(ellRank), ...post.split("")]
      : rhs.split("");
    const all = new Set(expanded.flat());
    for (const l of output) {
      if (!all.has(l)) throw new ValueError(`einsum: output label "${l}" is in no operand`);
    }
    if (new Set(output).size !== output.length)
      throw new ValueError(`einsum: output "${rhs}" repeats a label`);
  }
  return { inputs: expanded, output };
}

/** Takes diagonals of repeated labels in one operand. */
function dedupe(term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (dup < 0) return { t, labels };
    const first = labels.indexOf(labels[dup]!);
    if (t.shape[first] !== t.shape[dup]) {
      throw new ShapeError(
        `einsum: label "${labels[dup]}" has sizes ${t.shape[first]} and ${t.shape[dup]}`,
      );
    }
    t = diagonal(t, 0, first, dup);
    labels = [...labels.filter((_, i) => i !== first && i !== dup), labels[dup]!];
  }
}

/** Sums away the labels not in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const axes = term.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => keep.has(l)) };
}

/** One batched matrix product of two terms: batch labels shared and kept, contracted labels shared only. */
function contract(a: Term, b: Term, keep: Set<string>): Term {
  const size = new Map<string, number>();
  for (const term of [a, b])
    term.labels.forEach((l, i) => size.set(l, Math.max(size.get(l) ?? 1, term.t.shape[i]!)));
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const inner = shared.filter((l) => !keep.has(l));
  const freeA = a.labels.filter((l) => !shared.includes(l));
  const freeB = b.labels.filter((l) => !shared.includes(l));
  const prod = (ls: string[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
  const arrange = (term: Term, order: string[], rows: string[], cols: string[]): Tensor => {
    const bshape = order.map((l) => size.get(l)!);
    let t = transpose(
      term.t,
      order.map((l) => term.labels.indexOf(l)),
    );
    t = broadcastTo(t, bshape);
    return reshape(t, [prod(batch), prod(rows), prod(cols)]);
  };
  const am = arrange(a, [...batch, ...freeA, ...inner], freeA, inner);
  const bm = arrange(b, [...batch, ...inner, ...freeB], inner, freeB);
  const out = matmul(am, bm);
  const labels = [...batch, ...freeA, ...freeB];
  return {
    t: reshape(
      out,
      labels.map((l) => size.get(l)!),
    ),
    labels,
  };
}

/**
 * Einstein summation: `einsum("ij,jk->ik", a, b)`. Letters label axes; "..." stands for the
 * broadcast leading axes; without "->" the output is the labels used once, alphabetically.
 */
export function einsum(subscripts: string, ...operands: TensorLike[]): Tensor {
  if (typeof subscripts !== "string") throw new ValueError("einsum: subscripts must be a string");
  const ts = operands.map((o) => asTensor(o));
  if (ts.length === 0) throw new ValueError("einsum: give at least one operand");
  const { inputs, output } = parseEinsum(subscripts, ts);
  const sizes = new Map<string, number>();
  inputs.forEach((ls, k) =>
    ls.forEach((l, i) => {
      const d = ts[k]!.shape[i]!;
      const had = sizes.get(l);
      if (had !== undefined && had !== d && had !== 1 && d !== 1) {
        throw new ShapeError(`einsum: label "${l}" has sizes ${had} and ${d} (operand ${k})`);
      }
      sizes.set(l, had === undefined || had === 1 ? d : had);
    }),
  );
  let terms: Term[] = inputs.map((labels, k) => dedupe({ t: ts[k]!, labels }));
  const needed = (except: number): Set<string> =>
    new Set([...output, ...terms.flatMap((tm, i) => (i === except ? [] : tm.labels))]);
  terms = terms.map((tm, i) => sumOut(tm, needed(i)));
  while (terms.length > 1) {
    const [a, b, ...rest] = terms;
    terms = rest;
    const keep = new Set([...output, ...rest.flatMap((tm) => tm.labels)]);
    terms.unshift(contract(a!, b!, keep));
  }
  let last = sumOut(terms[0]!, new Set(output));
  // Broadcast size-1 axes that another operand gave a larger size.
  const finalShape = output.map((l) => sizes.get(l)!);
  last = {
    t: transpose(
      last.t,
      output.map((l) => last.labels.indexOf(l)),
    ),
    labels: output,
  };
  return broadcastTo(last.t, finalShape);
}

// ---------------------------------------------------------------- grids

export interface MeshgridOptions {
  /** "xy" (Cartesian: the first two output axes swapped, the default) or "ij" (matrix). */
  indexing?: "xy" | "ij";
}

/**
 * Coordinate grids from 1-D vectors: `meshgrid(x, y)` or `meshgrid(x, y, {indexing: "ij"})`.
 */
export function meshgrid(...args: (TensorLike | MeshgridOptions)[]): Tensor[] {
  let indexing: "xy" | "ij" = "xy";
  const last = args[args.length - 1];
  if (
    last !== undefined &&
    typeof last === "object" &&
    !Array.isArray(last) &&
    !ArrayBuffer.isView(last) &&
    "indexing" in (last as object)
  ) {
    indexing = (last as MeshgridOptions).indexing ?? "xy";
    args = args.slice(0, -1);
  }
  if (indexing !== "xy" && indexing !== "ij") {
    throw new ValueError(`meshgrid: indexing must be "xy" or "ij"; received ${String(indexing)}`);
  }
  const text = args.find((a) => typeof a === "string");
  if (text !== undefined) {
    // Keras's indexing is a keyword: a bare "ij" would otherwise become a one-string grid axis
    throw new ValueError(
      `meshgrid: the inputs must be numeric vectors; received the string ${JSON.stringify(text)} ` +
        `(pass the indexing as an option: meshgrid(x, y, {indexing: ${JSON.stringify(text)}}))`,
    );
  }
  const vs = args.map((a) => reshape(asTensor(a as TensorLike), [-1]));
  const shape = vs.map((v) => v.size);
  if (indexing === "xy" && vs.length >= 2) [shape[0], shape[1]] = [shape[1]!, shape[0]!];
  return vs.map((v, i) => {
    let at = i;
    if (indexing === "xy" && vs.length >= 2 && i < 2) at = 1 - i;
    const s = shape.map((_, j) => (j === at ? v.size : 1));
    return broadcastTo(reshape(v, s), shape);
  });
}

/** Evenly spaced steps 0 … 1 (num of them) and their spacing along the result's `axis`. */
function spaced(
  start: TensorLike,
  stop: TensorLike,
  num: number,
  endpoint: boolean,
  axis: number,
  op: string,
): { a: Tensor; b: Tensor; frac: Tensor; div: number } {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError(`${op}: num must be a non-negative integer; received ${num}`);
  const a = castTo(asTensor(start), "float64");
  const b = castTo(asTensor(stop), "float64");
  const div = endpoint ? num - 1 : num;
  const steps = Float64Array.from({ length: num }, (_, i) => (div > 0 ? i / div : 0));
  const shape = broadcastShapes(a.shape, b.shape, op);
  const ax = normalizeAxis(axis, shape.length + 1, op);
  const fshape = [...shape.map(() => 1)];
  fshape.splice(ax, 0, num);
  return {
    a: insertAxis(a, shape, ax),
    b: insertAxis(b, shape, ax),
    frac: tensor(steps, fshape),
    div,
  };
}
function insertAxis(t: Tensor, shape: readonly number[], ax: number): Tensor {
  const full = broadcastTo(t, shape);
  return reshape(full, [...shape.slice(0, ax), 1, ...shape.slice(ax)]);
}
function outDtype(
  dtype: DTypeName | null,
  start: TensorLike,
  stop: TensorLike,
  op: string,
): DTypeName {
  if (dtype !== null) return checkNumericDType(dtype === "int64" ? "int32" : dtype, op);
  const f64 = [start, stop].some(
    (v) => v instanceof Object && "dtype" in (v as object) && (v as Tensor).dtype === "float64",
  );
  return f64 ? "float64" : "float32";
}
/** Integer dtypes floor the samples, as NumPy does. */
function finishSpace(values: Tensor, dtype: DTypeName): Tensor {
  const d = dtype === "int64" ? "int32" : dtype;
  return castTo(isFloat(d) ? values : floor(values), d);
}

/**
 * `num` evenly spaced values from start to stop (stop included unless `endpoint` is false);
 * start and stop may be tensors (the samples then run along `axis`). With `retstep` it returns
 * `[samples, step]`. float32 unless given a dtype or float64 bounds.
 */
export function linspace(
  start: TensorLike,
  stop: TensorLike,
  num = 50,
  endpoint = true,
  retstep = false,
  dtype: DTypeName | null = null,
  axis = 0,
): Tensor | [Tensor, Tensor] {
  const { a, b, frac, div } = spaced(start, stop, num, endpoint, axis, "linspace");
  const delta = subtract(b, a);
  let values = add(a, multiply(delta, frac));
  if (endpoint && num > 1) {
    // The last sample is exactly stop.
    const isLast = tensor(
      Float64Array.from({ length: num }, (_, i) => (i === num - 1 ? 1 : 0)),
      frac.shape,
    );
    values = where(castTo(isLast, "bool"), add(b, multiply(values, 0)), values);
  }
  const dt = outDtype(dtype, start, stop, "linspace");
  const out = finishSpace(values, dt);
  if (!retstep) return out;
  const step =
    div > 0
      ? divide(subtract(castTo(asTensor(stop), "float64"), castTo(asTensor(start), "float64")), div)
      : tensor(Float64Array.from([Number.NaN]), []);
  return [out, castTo(step, dt === "float64" ? "float64" : "float32")];
}

/** base ** linspace(start, stop): `num` values evenly spaced on a log scale. */
export function logspace(
  start: TensorLike,
  stop: TensorLike,
  num = 50,
  endpoint = true,
  base = 10,
  dtype: DTypeName | null = null,
  axis = 0,
): Tensor {
  const exps = linspace(start, stop, num, endpoint, false, "float64", axis) as Tensor;
  return finishSpace(power(base, exps), outDtype(dtype, start, stop, "logspace"));
}

/** `num` values evenly spaced on a log scale from start to stop (endpoints exact; 0 refused). */
export function geomspace(
  start: TensorLike,
  stop: TensorLike,
  num = 50,
  endpoint = true,
  dtype: DTypeName | null = null,
  axis = 0,
): Tensor {
  const a = castTo(asTensor(start), "float64");
  const b = castTo(asTensor(stop), "float64");
  const av = a.dataSync();
  const bv = b.dataSync();
  if ([...av, ...bv].some((v) => Number(v) === 0))
    throw new ValueError("geomspace: start and stop must not be 0");
  // Negative bounds (both of one sign) are mirrored: NumPy's sign handling.
  const neg = less(a, 0);
  const sa = where(neg, -1, 1);
  const logA = log(multiply(a, sa));
  const logB = log(multiply(b, sa));
  const { frac } = spaced(a, b, num, endpoint, axis, "geomspace");
  const shape = broadcastShapes(a.shape, b.shape, "geomspace");
  const ax = normalizeAxis(axis, shape.length + 1, "geomspace");
  const la = insertAxis(logA, shape, ax);
  const lb = insertAxis(logB, shape, ax);
  let values = multiply(insertAxis(sa, shape, ax), exp(add(la, multiply(subtract(lb, la), frac))));
  if (num > 0) {
    const first = tensor(
      Float64Array.from({ length: num }, (_, i) => (i === 0 ? 1 : 0)),
      frac.shape,
    );
    values = where(
      castTo(first, "bool"),
      add(insertAxis(a, shape, ax), multiply(values, 0)),
      values,
    );
    if (endpoint && num > 1) {
      const lastM = tensor(
        Float64Array.from({ length: num }, (_, i) => (i === num - 1 ? 1 : 0)),
        frac.shape,
      );
      values = where(
        castTo(lastM, "bool"),
        add(insertAxis(b, shape, ax), multiply(values, 0)),
        values,
      );
    }
  }
  return finishSpace(values, outDtype(dtype, start, stop, "geomspace"));
}
