import type { BinaryOp, StridedPlan, UnaryOp } from "../backend/backend.js";
import { record } from "../autodiff/tape.js";
import { ValueError } from "../errors.js";
import { type DType, type DTypeName, checkDType, isFloat, promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, collapseAxes, sameShape } from "../tensor/shape.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, asTensorPair, castTo, kernels, unfilled } from "./core.js";
import { broadcastTo } from "./movement.js";
import { anyStrings, moveStrings, stringsEqual } from "./strings.js";

/** Shape of the broadcast result and the strided plan that reads every operand into it. */
export function broadcastPlan(
  shapes: readonly (readonly number[])[],
  where: string,
): { shape: number[]; plan: StridedPlan } {
  const shape = shapes.reduce<number[]>((s, t) => broadcastShapes(s, t, where), []);
  const collapsed = collapseAxes(
    shape,
    shapes.map((s) => broadcastStrides(s, shape)),
  );
  return { shape, plan: collapsed };
}

// ---------------------------------------------------------------- unary

/** Float math on an int/bool tensor computes in float32, as keras.ops does. */
function floatInput(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? t : castTo(t, "float32");
}

function unary(op: UnaryOp, x: Tensor, outDtype: DType = x.dtype): Tensor {
  const out = unfilled(x.shape, outDtype);
  kernels().unary(op, x.storage, out.storage);
  return out;
}

function floatUnary(op: UnaryOp, grad: (x: Tensor, y: Tensor, dy: Tensor) => Tensor) {
  return (x: TensorLike): Tensor => {
    const t = floatInput(x);
    const y = unary(op, t);
    return record(y, [t], (dy) => [grad(t, y, dy)]);
  };
}

// d(-x) = -dx
export function negative(x: TensorLike): Tensor {
  const t = asTensor(x);
  const y = unary("neg", t.dtype === "bool" ? castTo(t, "int32") : t);
  return record(y, [t], (dy) => [negative(dy)]);
}
// d|x| = sign(x) dx
export function abs(x: TensorLike): Tensor {
  const t = asTensor(x);
  const y = unary("abs", t);
  return record(y, [t], (dy) => [multiply(dy, sign(t))]);
}
// d(x²) = 2x dx
export function square(x: TensorLike): Tensor {
  const t = asTensor(x);
  const y = unary("square", t);
  return record(y, [t], (dy) => [multiply(dy, multiply(t, 2))]);
}
// d√x = dx / (2√x)
export const sqrt = floatUnary("sqrt", (_x, y, dy) => divide(dy, multiply(y, 2)));
// d(x^-½) = -½ x^-3/2 dx = -½ y³ dx
export const rsqrt = floatUnary("rsqrt", (_x, y, dy) => multiply(dy, multiply(power(y, 3), -0.5)));
// d(1/x) = -dx / x²
export const reciprocal = floatUnary("reciprocal", (_x, y, dy) =>
  negative(multiply(dy, square(y))),
);
// d eˣ = eˣ dx
export const exp = floatUnary("exp", (_x, y, dy) => multiply(dy, y));
// d(eˣ - 1) = eˣ dx
export const expm1 = floatUnary("expm1", (_x, y, dy) => multiply(dy, add(y, 1)));
// d log x = dx / x
export const log = floatUnary("log", (x, _y, dy) => divide(dy, x));
// d log(1+x) = dx / (1+x)
export const log1p = floatUnary("log1p", (x, _y, dy) => divide(dy, add(x, 1)));
// d sin x = cos x dx
export const sin = floatUnary("sin", (x, _y, dy) => multiply(dy, cos(x)));
// d cos x = -sin x dx
export const cos = floatUnary("cos", (x, _y, dy) => negative(multiply(dy, sin(x))));
// d tan x = (1 + tan²x) dx
export const tan = floatUnary("tan", (_x, y, dy) => multiply(dy, add(1, square(y))));
// d tanh x = (1 - tanh²x) dx
export const tanh = floatUnary("tanh", (_x, y, dy) => multiply(dy, subtract(1, square(y))));
// d σ(x) = σ(x)(1 - σ(x)) dx
export const sigmoid = floatUnary("sigmoid", (_x, y, dy) =>
  multiply(dy, multiply(y, subtract(1, y))),
);
// d erf x = 2/√π e^(-x²) dx
export const erf = floatUnary("erf", (x, _y, dy) =>
  multiply(dy, multiply(exp(negative(square(x))), 2 / Math.sqrt(Math.PI))),
);
// d softplus x = σ(x) dx
export const softplus = floatUnary("softplus", (x, _y, dy) => multiply(dy, sigmoid(x)));
// d relu x = [x > 0] dx
export function relu(x: TensorLike): Tensor {
  const t = asTensor(x);
  const y = unary("relu", t);
  // where, not dy · mask: a float times a bool array has no native loop.
  return record(y, [t], (dy) => [where(greater(t, 0), dy, 0)]);
}

/** Piecewise-constant ops: no gradient flows through them (Keras gives zeros). */
export const sign = (x: TensorLike): Tensor => unary("sign", asTensor(x));
export const floor = (x: TensorLike): Tensor => unary("floor", asTensor(x));
export const ceil = (x: TensorLike): Tensor => unary("ceil", asTensor(x));
/**
 * Rounds half to even, as NumPy and Keras do, to `decimals` places (negative: tens, hundreds …):
 * NumPy's round(x · 10^d) / 10^d, integers staying integers.
 */
export function round(x: TensorLike, decimals = 0): Tensor {
  const t = asTensor(x);
  if (!Number.isInteger(decimals))
    throw new ValueError(`round: decimals must be an integer; received ${decimals}`);
  if (decimals === 0) return unary("round", t);
  if (!isFloat(t.dtype)) {
    if (decimals > 0) return t;
    return castTo(round(castTo(t, "float64"), decimals), t.dtype);
  }
  const scale = 10 ** Math.abs(decimals);
  return decimals > 0
    ? divide(unary("round", multiply(t, scale)), scale)
    : multiply(unary("round", divide(t, scale)), scale);
}
export const logicalNot = (x: TensorLike): Tensor => unary("logicalNot", asTensor(x), "bool");
export const isnan = (x: TensorLike): Tensor => unary("isnan", asTensor(x), "bool");
export const isfinite = (x: TensorLike): Tensor => unary("isfinite", asTensor(x), "bool");

// ---------------------------------------------------------------- binary

function binary(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType, where: string): Tensor {
  if (sameShape(a.shape, b.shape)) {
    const out = unfilled(a.shape, outDtype);
    kernels().binary(op, a.storage, b.storage, out.storage, {
      shape: [a.size],
      strides: [[1], [1]],
    });
    return out;
  }
  const { shape, plan } = broadcastPlan([a.shape, b.shape], where);
  const out = unfilled(shape, outDtype);
  kernels().binary(op, a.storage, b.storage, out.storage, plan);
  return out;
}

/** Arithmetic promotes like NumPy, except that bool arithmetic counts in int32. */
function arithmeticType(a: Tensor, b: Tensor): DType {
  const t = promoteTypes(a.dtype, b.dtype);
  return t === "bool" ? "int32" : t;
}

// Gradients here have the broadcast output's shape; the tape sums them back to each input's shape.

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("add", x, y, arithmeticType(x, y), "add");
  return record(out, [x, y], (dy) => [dy, dy]);
}

export function subtract(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("sub", x, y, arithmeticType(x, y), "subtract");
  return record(out, [x, y], (dy) => [dy, negative(dy)]);
}

// d(xy) = y dx + x dy
export function multiply(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("mul", x, y, arithmeticType(x, y), "multiply");
  return record(out, [x, y], (dy) => [multiply(dy, y), multiply(dy, x)]);
}

// d(x/y) = dx / y - x dy / y²; integer division gives float32, as NumPy's true divide does.
export function divide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const t = arithmeticType(x, y);
  const out = binary("div", x, y, isFloat(t) ? t : "float32", "divide");
  return record(out, [x, y], (dy) => [divide(dy, y), negative(divide(multiply(dy, out), y))]);
}

// d(xʸ) = y xʸ⁻¹ dx + xʸ log x dy (the second term only where x > 0)
export function power(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("pow", x, y, arithmeticType(x, y), "power");
  return record(out, [x, y], (dy) => [
    multiply(dy, multiply(y, power(x, subtract(y, 1)))),
    multiply(dy, where(greater(x, 0), multiply(out, log(x)), 0)),
  ]);
}

// The gradient goes to a where a ≥ b (ties to a), otherwise to b.
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("max", x, y, arithmeticType(x, y), "maximum");
  return record(out, [x, y], (dy) => {
    const toA = greaterEqual(x, y);
    return [where(toA, dy, 0), where(toA, 0, dy)];
  });
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("min", x, y, arithmeticType(x, y), "minimum");
  return record(out, [x, y], (dy) => {
    const toA = lessEqual(x, y);
    return [where(toA, dy, 0), where(toA, 0, dy)];
  });
}

/** Python's `%`: the result has the divisor's sign. d(x mod y) = dx - floor(x/y) dy. */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  const out = binary("mod", x, y, arithmeticType(x, y), "mod");
  return record(out, [x, y], (dy) => [dy, negative(multiply(dy, floorDivide(x, y)))]);
}

export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asTensorPair(a, b);
  return binary("floorDiv", x, y, arithmeticType(x, y), "floorDivide");
}

/** clip(x, min, max); the gradient flows where x lies inside [min, max]. */
export function clip(x: TensorLike, xMin: TensorLike, xMax: TensorLike): Tensor {
  return minimum(maximum(x, xMin), xMax);
}

function comparison(op: BinaryOp, name: string) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = asTensorPair(a, b);
    if ((op === "eq" || op === "ne") && anyStrings([x, y])) return compareStrings(op, x, y, name);
    return binary(op, x, y, "bool", name);
  };
}

/** equal / notEqual on strings: both broadcast to one shape, then compared position by position. */
function compareStrings(op: "eq" | "ne", x: Tensor, y: Tensor, name: string): Tensor {
  const { shape } = broadcastPlan([x.shape, y.shape], name);
  const [bx, by] = [x, y].map((t) => moveStrings([t], ([p]) => broadcastTo(p!, shape)));
  const same = stringsEqual(bx!, by!);
  return op === "eq" ? same : logicalNot(same);
}

export const equal = comparison("eq", "equal");
export const notEqual = comparison("ne", "notEqual");
export const less = comparison("lt", "less");
export const lessEqual = comparison("le", "lessEqual");
export const greater = comparison("gt", "greater");
export const greaterEqual = comparison("ge", "greaterEqual");
export const logicalAnd = comparison("logicalAnd", "logicalAnd");
export const logicalOr = comparison("logicalOr", "logicalOr");
export const logicalXor = comparison("logicalXor", "logicalXor");

/**
 * Elementwise `condition ? x1 : x2` with broadcasting of all three; with the condition alone, the
 * int32 indices where it holds, one tensor per axis (NumPy's nonzero, as Keras's `where`).
 */
export function where(condition: TensorLike): Tensor[];
export function where(condition: TensorLike, x1: TensorLike, x2: TensorLike): Tensor;
export function where(condition: TensorLike, x1?: TensorLike, x2?: TensorLike): Tensor | Tensor[] {
  if (x1 === undefined && x2 === undefined) return nonzero(condition);
  if (x1 === undefined || x2 === undefined) {
    throw new ValueError("where: give both x1 and x2, or neither (then the indices are returned)");
  }
  const c = castTo(asTensor(condition), "bool");
  const [a, b] = asTensorPair(x1, x2);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const { shape, plan } = broadcastPlan([c.shape, a.shape, b.shape], "where");
  const out = unfilled(shape, dtype);
  kernels().where(c.storage, a.storage, b.storage, out.storage, plan);
  return record(out, [a, b], (dy) => [where(c, dy, 0), where(c, 0, dy)]);
}

/** NumPy's nonzero: for each axis, the int32 coordinates of the true (nonzero) entries. */
export function nonzero(x: TensorLike): Tensor[] {
  const t = asTensor(x);
  const values = t.dataSync();
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const hits: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]) hits.push(i);
  return t.shape.map((d, axis) =>
    tensor(
      Int32Array.from(hits, (i) => Math.floor(i / strides[axis]!) % d),
      [hits.length],
    ),
  );
}

/** Converts to `dtype`; the gradient flows between float dtypes only. */
export function cast(x: TensorLike, dtype: DTypeName): Tensor {
  const t = asTensor(x);
  if (dtype === "int64") checkFitsInt32(t);
  const out = castTo(t, checkDType(dtype, "cast"));
  if (out === t) return t;
  return record(out, [t], (dy) => [isFloat(t.dtype) ? castTo(dy, t.dtype) : null]);
}

/**
 * int64 is stored as int32 (API.md, as Keras's JAX backend without x64): converting values that
 * do not fit is an error, never a silent wrap.
 */
function checkFitsInt32(t: Tensor): void {
  if (!isFloat(t.dtype)) return;
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > -2147483649 && v < 2147483648)) {
      throw new ValueError(
        `cast: int64 is stored as int32 (as Keras's JAX backend does without x64), and value ` +
          `${v} at index ${i} does not fit in int32`,
      );
    }
  }
}
