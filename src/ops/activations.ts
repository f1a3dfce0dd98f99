import { noGrad, record } from "../autodiff/tape.js";
import { ValueError } from "../errors.js";
import { isFloat } from "../tensor/dtype.js";
import { normalizeAxes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, kernels, unfilled } from "./core.js";
import {
  abs,
  add,
  clip,
  divide,
  erf,
  exp,
  expm1,
  greater,
  greaterEqual,
  isfinite,
  less,
  log,
  logicalAnd,
  minimum,
  multiply,
  negative,
  relu,
  sigmoid,
  softplus,
  square,
  subtract,
  tanh,
  where,
} from "./elementwise.js";
import { max, sum } from "./reduce.js";
import * as extra from "./activations-extra.js";

/** What `activation(name)` returns and what layers accept as `activation`. */
export type Activation = (x: TensorLike) => Tensor;

/** Activations compute in float: an int/bool input becomes float32, as keras.ops does. */
function floatInput(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? t : castTo(t, "float32");
}

/**
 * An elementwise activation with a single gradient rule dx = dy · f'(x). The forward composite
 * runs without recording, so the tape holds one node per activation instead of one per
 * intermediate, and no NaN can leak from a branch `where` discards (0 · inf in a dead branch).
 * The derivative is built from ops, so it is itself differentiable (gradients of gradients).
 */
function elementwise(
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor, y: Tensor) => Tensor,
): Activation {
  return (x: TensorLike): Tensor => {
    const t = floatInput(x);
    const y = noGrad(() => forward(t));
    return record(y, [t], (dy) => [multiply(dy, derivative(t, y))]);
  };
}

function checkNumber(value: unknown, op: string, arg: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(`${op}: ${arg} must be a finite number; received ${String(value)}`);
  }
  return value;
}

/** [lo < x < hi] in x's dtype: the derivative of a clipped-linear piece. */
function inside(x: Tensor, lo: number, hi: number): Tensor {
  return castTo(logicalAnd(greater(x, lo), less(x, hi)), x.dtype);
}

// ---------------------------------------------------------------- piecewise linear

/** min(max(x, 0), 6). d = [0 < x < 6]. */
export const relu6 = elementwise(
  (x) => clip(x, 0, 6),
  (x) => inside(x, 0, 6),
);

/** x for x ≥ 0, negativeSlope · x otherwise (keras.ops.leaky_relu). d = 1 or negativeSlope. */
export function leakyRelu(x: TensorLike, negativeSlope = 0.2): Tensor {
  const slope = checkNumber(negativeSlope, "leakyRelu", "negativeSlope");
  return elementwise(
    (t) => where(greaterEqual(t, 0), t, multiply(t, slope)),
    (t) =>
      where(greaterEqual(t, 0), castTo(asTensor(1), t.dtype), castTo(asTensor(slope), t.dtype)),
  )(x);
}

/** Keras 3: relu6(x + 3) / 6 = clip(x/6 + ½, 0, 1). d = [−3 < x < 3] / 6. */
export const hardSigmoid = elementwise(
  (x) => clip(add(divide(x, 6), 0.5), 0, 1),
  (x) => divide(inside(x, -3, 3), 6),
);

/**
 * Keras 1 and 2's hard_sigmoid: clip(0.2x + ½, 0, 1). d = [−2.5 < x < 2.5] / 5. Files saved by
 * Keras < 3 call it "hard_sigmoid"; models/saving/legacy-config.ts renames it
 * "hard_sigmoid_keras2" when it reads one, so such a model predicts what it was trained to.
 */
const hardSigmoidKeras2 = elementwise(
  (x) => clip(add(multiply(x, 0.2), 0.5), 0, 1),
  (x) => divide(inside(x, -2.5, 2.5), 5),
);

/** x · hardSigmoid(x). d = hardSigmoid(x) + x · [−3 < x < 3] / 6. */
export const hardSilu = elementwise(
  (x) => multiply(x, hardSigmoid(x)),
  (x) => add(hardSigmoid(x), divide(multiply(x, inside(x, -3, 3)), 6)),
);
/** Keras's other name for hardSilu. */
export const hardSwish = hardSilu;

// ---------------------------------------------------------------- exponential family

/** x for x > 0, α(eˣ − 1) otherwise. d = 1, or α eˣ = y + α on the negative side. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const a = checkNumber(alpha, "elu", "alpha");
  return elementwise(
    // expm1 of min(x, 0): the discarded branch never overflows.
    (t) => where(greater(t, 0), t, multiply(expm1(minimum(t, 0)), a)),
    (t, y) => where(greater(t, 0), castTo(asTensor(1), t.dtype), add(y, a)),
  )(x);
}

/** Klambauer et al.'s constants in full, as TF and JAX use them (Keras's docs round them to 8 digits). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** scale · elu(x, α). d = scale, or y + scale · α on the negative side. */
export const selu = elementwise(
  (x) => multiply(elu(x, SELU_ALPHA), SELU_SCALE),
  (x, y) =>
    where(greater(x, 0), castTo(asTensor(SELU_SCALE), x.dtype), add(y, SELU_SCALE * SELU_ALPHA)),
);

/** Keras `exponential`: eˣ. */
export const exponential: Activation = (x) => exp(floatInput(x));

// ---------------------------------------------------------------- smooth gates

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
const geluTanh = elementwise(
  (x) =>
    multiply(
      multiply(x, 0.5),
      add(tanh(multiply(add(x, multiply(power3(x), GELU_CUBIC)), SQRT_2_OVER_PI)), 1),
    ),
  // With u = c(x + 0.044715x³), t = tanh u:
  // d = ½(1 + t) + ½x(1 − t²) · c(1 + 3 · 0.044715x²)
  (x) => {
    const t = tanh(multiply(add(x, multiply(power3(x), GELU_CUBIC)), SQRT_2_OVER_PI));
    const du = multiply(add(multiply(square(x), 3 * GELU_CUBIC), 1), SQRT_2_OVER_PI);
    return add(
      multiply(add(t, 1), 0.5),
      multiply(multiply(multiply(x, 0.5), subtract(1, square(t))), du),
    );
  },
);

function power3(x: Tensor): Tensor {
  return multiply(square(x), x);
}

/** x Φ(x), Φ the standard normal CDF ½(1 + erf(x/√2)). d = Φ(x) + x φ(x), φ(x) = e^(−x²/2)/√(2π). */
const geluErf = elementwise(
  (x) => multiply(x, normalCdf(x)),
  (x) =>
    add(
      normalCdf(x),
      multiply(x, multiply(exp(multiply(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI))),
    ),
);

function normalCdf(x: Tensor): Tensor {
  return multiply(add(erf(multiply(x, Math.SQRT1_2)), 1), 0.5);
}

/** Gaussian error linear unit; the tanh approximation by default, as keras.ops.gelu. */
export function gelu(x: TensorLike, approximate = true): Tensor {
  return approximate ? geluTanh(x) : geluErf(x);
}

/** x σ(x). d = σ(x)(1 + x(1 − σ(x))). */
export const silu = elementwise(
  (x) => multiply(x, sigmoid(x)),
  (x) => {
    const s = sigmoid(x);
    return multiply(s, add(multiply(x, subtract(1, s)), 1));
  },
);
/** Keras's other name for silu. */
export const swish = silu;

/** x / (1 + |x|). d = 1 / (1 + |x|)². */
export const softsign = elementwise(
  (x) => divide(x, add(abs(x), 1)),
  (x) => divide(1, square(add(abs(x), 1))),
);

/** x tanh(softplus(x)). d = tanh(sp) + x (1 − tanh²(sp)) σ(x), since sp' = σ. */
export const mish = elementwise(
  (x) => multiply(x, tanh(softplus(x))),
  (x) => {
    const t = tanh(softplus(x));
    return add(t, multiply(multiply(x, subtract(1, square(t))), sigmoid(x)));
  },
);

/** log σ(x) = −softplus(−x). d = σ(−x). */
export const logSigmoid = elementwise(
  (x) => negative(softplus(negative(x))),
  (x) => sigmoid(negative(x)),
);

// ---------------------------------------------------------------- softmax

/** The max along `axes` with non-finite maxima replaced by 0, so x − m never makes inf − inf. */
function stableShift(x: Tensor, axes: readonly number[]): Tensor {
  const m = max(x, axes, true);
  return where(isfinite(m), m, 0);
}

/**
 * The backend's optional row kernel (softmax, logSoftmax) over the last axis, the common case,
 * where it has one: one pass per row, with the composite's values. Null otherwise.
 */
function lastAxisKernel(
  kernel: "softmax" | "logSoftmax",
  t: Tensor,
  axes: number[],
): Tensor | null {
  const k = kernels()[kernel];
  if (!k || axes.length !== 1 || axes[0] !== t.rank - 1) return null;
  const out = unfilled(t.shape, t.dtype);
  const n = t.shape[t.rank - 1]!;
  k(t.storage, out.storage, t.size / n, n);
  return out;
}

/**
 * exp(x − max) / Σ exp(x − max) along `axis` (one axis or several). Subtracting the max makes the
 * largest exponent 0: no overflow for [1000, 0, −1000], and no NaN.
 */
export function softmax(x: TensorLike, axis: number | readonly number[] = -1): Tensor {
  const t = floatInput(x);
  const axes = normalizeAxes(axis, t.rank, "softmax");
  if (t.size === 0) return empty(t.shape, t.dtype);
  const y = noGrad(() => {
    const fused = lastAxisKernel("softmax", t, axes);
    if (fused) return fused;
    const e = exp(subtract(t, stableShift(t, axes)));
    return divide(e, sum(e, axes, true));
  });
  // ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ), so dx = y ⊙ (dy − Σ dy ⊙ y).
  return record(y, [t], (dy) => [multiply(y, subtract(dy, sum(multiply(dy, y), axes, true)))]);
}

/** x − max − log Σ exp(x − max): exact in the tails where log(softmax(x)) would give −inf. */
export function logSoftmax(x: TensorLike, axis: number | readonly number[] = -1): Tensor {
  const t = floatInput(x);
  const axes = normalizeAxes(axis, t.rank, "logSoftmax");
  if (t.size === 0) return empty(t.shape, t.dtype);
  const y = noGrad(() => {
    const fused = lastAxisKernel("logSoftmax", t, axes);
    if (fused) return fused;
    const shifted = subtract(t, stableShift(t, axes));
    return subtract(shifted, log(sum(exp(shifted), axes, true)));
  });
  // ∂yᵢ/∂xⱼ = δᵢⱼ − softmaxⱼ, so dx = dy − softmax ⊙ Σ dy, with softmax = exp(y).
  return record(y, [t], (dy) => [subtract(dy, multiply(exp(y), sum(dy, axes, true)))]);
}

// ---------------------------------------------------------------- Keras strings

/** Keras `linear`: the identity. */
export const linear: Activation = (x) => asTensor(x);

// One-argument wrappers: an activation never receives a second argument by accident.
const ACTIVATIONS = new Map<string, Activation>([
  ["relu", (x) => relu(x)],
  ["relu6", relu6],
  ["leaky_relu", (x) => leakyRelu(x)],
  ["elu", (x) => elu(x)],
  ["selu", selu],
  // Keras's `activations.gelu` (what activation="gelu" resolves to) defaults to the exact erf
  // form, unlike `keras.ops.gelu`, whose default is the tanh approximation. The attn fixture
  // (Dense(activation="gelu"), Keras 3.16) matches only with the exact form.
  ["gelu", (x) => gelu(x, false)],
  ["silu", silu],
  ["swish", swish],
  ["hard_sigmoid", hardSigmoid],
  ["hard_silu", hardSilu],
  ["hard_swish", hardSwish],
  ["sigmoid", (x) => sigmoid(x)],
  ["log_sigmoid", logSigmoid],
  ["tanh", (x) => tanh(x)],
  ["softplus", (x) => softplus(x)],
  ["softsign", softsign],
  ["mish", mish],
  ["exponential", exponential],
  ["softmax", (x) => softmax(x)],
  ["log_softmax", (x) => logSoftmax(x)],
  ["linear", linear],
  ["celu", (x) => extra.celu(x)],
  ["hard_tanh", extra.hardTanh],
  ["hard_shrink", (x) => extra.hardShrink(x)],
  ["soft_shrink", (x) => extra.softShrink(x)],
  ["tanh_shrink", extra.tanhShrink],
  ["squareplus", (x) => extra.squareplus(x)],
  ["sparse_plus", extra.sparsePlus],
  ["sparse_sigmoid", extra.sparseSigmoid],
  ["sparsemax", (x) => extra.sparsemax(x)],
]);

/**
 * Names that only files from older Keras releases lead to: resolved, but not offered among
 * Keras's strings.
 */
const LEGACY_ACTIVATIONS = new Map<string, Activation>([
  ["hard_sigmoid_keras2", hardSigmoidKeras2],
]);

/** The Keras activation strings `activation` accepts. */
export const activationNames: readonly string[] = [...ACTIVATIONS.keys()];

/**
 * Keras `activations.get`: a Keras activation string ("relu", "softmax", "leaky_relu" …) to its
 * function; a function is returned as it is.
 */
export function activation(name: string | Activation): Activation {
  if (typeof name === "function") return name;
  const f =
    typeof name === "string" ? (ACTIVATIONS.get(name) ?? LEGACY_ACTIVATIONS.get(name)) : undefined;
  if (!f) {
    throw new ValueError(
      `activation: unknown activation ${JSON.stringify(name)}; expected one of ${activationNames.join(", ")}`,
    );
  }
  return f;
}
