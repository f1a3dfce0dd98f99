/**
 * The keras.ops activations that activations.ts does not have: celu, glu, hard_tanh,
 * hard_shrink, soft_shrink, tanh_shrink, squareplus, sparse_plus, sparse_sigmoid, threshold and
 * sparsemax, with Keras 3.16's defaults. Like activations.ts, an elementwise one records a single
 * gradient node dx = dy · f'(x) whose derivative is built from ops (so it differentiates again).
 */
import { noGrad, record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { arange } from "../tensor/creation.js";
import { isFloat } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty } from "./core.js";
import {
  abs,
  add,
  clip,
  divide,
  exp,
  expm1,
  greater,
  less,
  logicalAnd,
  maximum,
  minimum,
  multiply,
  negative,
  relu,
  sigmoid,
  sqrt,
  square,
  subtract,
  tanh,
  where,
} from "./elementwise.js";
import { split } from "./join.js";
import { reshape } from "./movement.js";
import { sum } from "./reduce.js";
import { cumsum, sort } from "./scan.js";

/** Activations compute in float: an int/bool input becomes float32, as keras.ops does. */
function floatInput(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? t : castTo(t, "float32");
}

/** An elementwise op whose tape node is dx = dy · derivative(x, y); the forward is not recorded. */
function unary(
  x: TensorLike,
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor, y: Tensor) => Tensor,
): Tensor {
  const t = floatInput(x);
  const y = noGrad(() => forward(t));
  return record(y, [t], (dy) => [multiply(dy, derivative(t, y))]);
}

function finite(value: unknown, op: string, arg: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(`${op}: ${arg} must be a finite number; received ${arg}=${String(value)}`);
  }
  return value;
}

/** A bool tensor as 0/1 in x's dtype. */
function indicator(mask: Tensor, like: Tensor): Tensor {
  return castTo(mask, like.dtype);
}

/** [|x| > t] in x's dtype. */
function outside(x: Tensor, t: number): Tensor {
  return indicator(greater(abs(x), t), x);
}

// ---------------------------------------------------------------- exponential and gated

/**
 * Keras `celu`: max(x, 0) + α · expm1(min(x, 0) / α). d = 1 for x > 0, e^(x/α) = y/α + 1 otherwise.
 */
export function celu(x: TensorLike, alpha = 1): Tensor {
  const a = finite(alpha, "celu", "alpha");
  if (a === 0) throw new ValueError("celu: alpha must be nonzero; received alpha=0");
  return unary(
    x,
    (t) => add(relu(t), multiply(expm1(divide(minimum(t, 0), a)), a)),
    (t) => where(greater(t, 0), castTo(asTensor(1), t.dtype), exp(divide(minimum(t, 0), a))),
  );
}

/**
 * Keras `glu`: splits `x` in two halves a, b along `axis` and returns a · σ(b). The axis must have
 * an even size. Composed of split, sigmoid and multiply, which carry the gradient.
 */
export function glu(x: TensorLike, axis = -1): Tensor {
  const t = floatInput(x);
  if (t.rank === 0) throw new ShapeError("glu: x must have at least one axis; received a scalar");
  const a = normalizeAxis(axis, t.rank, "glu");
  if (t.shape[a]! % 2 !== 0) {
    throw new ShapeError(
      `glu: the size of axis ${axis} must be divisible by 2; received x.shape=${fmtShape(t.shape)}`,
    );
  }
  const [first, second] = split(t, 2, a) as [Tensor, Tensor];
  return multiply(first, sigmoid(second));
}

// ---------------------------------------------------------------- piecewise

/** Keras `hard_tanh`: clip(x, −1, 1). d = [−1 < x < 1]. */
export function hardTanh(x: TensorLike): Tensor {
  return unary(
    x,
    (t) => clip(t, -1, 1),
    (t) => indicator(logicalAnd(greater(t, -1), less(t, 1)), t),
  );
}

/** Keras `hard_shrink`: x where |x| > threshold, else 0. d = [|x| > threshold]. */
export function hardShrink(x: TensorLike, threshold = 0.5): Tensor {
  const th = finite(threshold, "hardShrink", "threshold");
  return unary(
    x,
    (t) => where(greater(abs(t), th), t, 0),
    (t) => outside(t, th),
  );
}

/** Keras `soft_shrink`: x − t for x > t, x + t for x < −t, else 0. d = [|x| > t]. */
export function softShrink(x: TensorLike, threshold = 0.5): Tensor {
  const th = finite(threshold, "softShrink", "threshold");
  return unary(
    x,
    (t) => where(greater(t, th), subtract(t, th), where(less(t, -th), add(t, th), 0)),
    (t) => outside(t, th),
  );
}

/** Keras `tanh_shrink`: x − tanh(x). d = tanh²(x). */
export function tanhShrink(x: TensorLike): Tensor {
  return unary(
    x,
    (t) => subtract(t, tanh(t)),
    (t) => square(tanh(t)),
  );
}

/** Keras `squareplus`: (x + √(x² + b)) / 2, b ≥ 0. d = (1 + x / √(x² + b)) / 2. */
export function squareplus(x: TensorLike, b = 4): Tensor {
  const bb = finite(b, "squareplus", "b");
  if (bb < 0) throw new ValueError(`squareplus: b must be >= 0; received b=${bb}`);
  return unary(
    x,
    (t) => multiply(add(t, sqrt(add(square(t), bb))), 0.5),
    (t) => multiply(add(divide(t, sqrt(add(square(t), bb))), 1), 0.5),
  );
}

/**
 * Keras `sparse_plus`: 0 for x ≤ −1, ¼(x + 1)² for −1 < x < 1, x for x ≥ 1.
 * d = 0, (x + 1)/2, 1 on the three pieces.
 */
export function sparsePlus(x: TensorLike): Tensor {
  return unary(
    x,
    (t) => where(greater(t, -1), where(less(t, 1), multiply(square(add(t, 1)), 0.25), t), 0),
    (t) =>
      where(
        greater(t, -1),
        where(less(t, 1), multiply(add(t, 1), 0.5), castTo(asTensor(1), t.dtype)),
        castTo(asTensor(0), t.dtype),
      ),
  );
}

/** Keras `sparse_sigmoid`: clip((x + 1)/2, 0, 1). d = [−1 < x < 1] / 2. */
export function sparseSigmoid(x: TensorLike): Tensor {
  return unary(
    x,
    (t) => clip(multiply(add(t, 1), 0.5), 0, 1),
    (t) => multiply(indicator(logicalAnd(greater(t, -1), less(t, 1)), t), 0.5),
  );
}

/** Keras `threshold`: x where x > threshold, else defaultValue. d = [x > threshold]. */
export function threshold(x: TensorLike, threshold: number, defaultValue: number): Tensor {
  const th = finite(threshold, "threshold", "threshold");
  const dv = finite(defaultValue, "threshold", "defaultValue");
  return unary(
    x,
    (t) => where(greater(t, th), t, dv),
    (t) => indicator(greater(t, th), t),
  );
}

// ---------------------------------------------------------------- sparsemax

/**
 * Keras `sparsemax` (Martins & Astudillo, 2016): max(x − τ, 0) along `axis`, where τ makes the
 * result sum to 1. With z sorted descending and k the largest index with 1 + k·z_k > Σ_{j≤k} z_j,
 * τ = (Σ_{j≤k} z_j − 1) / k.
 */
export function sparsemax(x: TensorLike, axis = -1): Tensor {
  const t = floatInput(x);
  if (t.rank === 0) {
    throw new ShapeError("sparsemax: x must have at least one axis; received a scalar");
  }
  const a = normalizeAxis(axis, t.rank, "sparsemax");
  if (t.size === 0) return empty(t.shape, t.dtype);
  const n = t.shape[a]!;
  const y = noGrad(() => {
    const sorted = negative(sort(negative(t), a));
    const rankShape = t.shape.map((d, i) => (i === a ? d : 1));
    const k = reshape(arange(1, n + 1, 1, t.dtype), rankShape);
    // The support is a prefix of the sorted row: the entries with 1 + k·z_k > Σ_{j≤k} z_j.
    const support = greater(add(multiply(k, sorted), 1), cumsum(sorted, a));
    const size = sum(castTo(support, t.dtype), a, true);
    const total = sum(where(support, sorted, 0), a, true);
    return relu(subtract(t, divide(subtract(total, 1), size)));
  });
  // On the support S (y > 0), ∂yᵢ/∂xⱼ = δᵢⱼ − 1/|S|; elsewhere 0. So dx = s ⊙ (dy − Σ s⊙dy / |S|).
  return record(y, [t], (dy) => {
    const s = castTo(greater(y, 0), y.dtype);
    const mean = divide(sum(multiply(s, dy), a, true), maximum(sum(s, a, true), 1));
    return [multiply(s, subtract(dy, mean))];
  });
}
