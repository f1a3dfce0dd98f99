/**
 * `st.activations`: Keras 3.16's keras.activations — every activation function under its Keras
 * name in camelCase, with Keras's defaults (which are not always keras.ops's: `gelu` is exact
 * here, `leakyRelu`'s slope is 0.2), and `get` / `serialize` / `deserialize` by Keras's
 * snake_case strings. The math lives in ops/; these are thin, named entry points.
 *
 * Each function's `name` is its Keras string ("leaky_relu"), so a layer given the function
 * writes the name Keras writes, and `serialize` recovers it.
 */
import { ValueError } from "../../errors.js";
import * as ac from "../../ops/activations.js";
import * as ax from "../../ops/activations-extra.js";
import type { TensorLike } from "../../ops/core.js";
import * as el from "../../ops/elementwise.js";
import {
  customObjectFor,
  getRegisteredObject,
  registeredNameOf,
  serializedFunction,
  type SerializedFunction,
} from "../../nn/object-registration.js";
import { isKerasObject } from "../../nn/serialization.js";
import type { Tensor } from "../../tensor/tensor.js";

/** What `get` returns and what layers accept as `activation`. */
export type ActivationFunction = (x: TensorLike) => Tensor;

/** Gives `fn` its Keras name, the string Keras serializes it to. */
function kerasNamed<F extends (...args: never[]) => Tensor>(name: string, fn: F): F {
  return Object.defineProperty(fn, "name", { value: name });
}

function finiteOrNull(value: unknown, arg: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(`relu: ${arg} must be a finite number; received ${arg}=${String(value)}`);
  }
  return value;
}

// ---------------------------------------------------------------- relu family

export interface ReluOptions {
  /** slope below the threshold (Keras `negative_slope`, default 0) */
  negativeSlope?: number;
  /** the largest value returned; null: unbounded (Keras `max_value`) */
  maxValue?: number | null;
  /** values at or below it are damped or zeroed (Keras `threshold`, default 0) */
  threshold?: number;
}

const RELU_OPTIONS = ["negativeSlope", "maxValue", "threshold"];

/**
 * Keras `relu`: with the defaults max(x, 0). In general `x` above `threshold` (clipped to
 * `[0, maxValue]` when given) and `negativeSlope · (x − threshold)` at or below it, computed as
 * Keras does: where(x > threshold, x, 0), clipped, minus negativeSlope · relu(threshold − x).
 */
export const relu = kerasNamed("relu", (x: TensorLike, opts: ReluOptions = {}): Tensor => {
  for (const k of Object.keys(opts)) {
    if (!RELU_OPTIONS.includes(k)) {
      throw new ValueError(
        `relu: unknown option '${k}'; expected one of ${RELU_OPTIONS.join(", ")}`,
      );
    }
  }
  const slope = finiteOrNull(opts.negativeSlope, "negativeSlope") ?? 0;
  const maxValue = finiteOrNull(opts.maxValue, "maxValue");
  const thr = finiteOrNull(opts.threshold, "threshold") ?? 0;
  if (maxValue === null && thr === 0) return slope === 0 ? el.relu(x) : ac.leakyRelu(x, slope);
  let y = thr !== 0 ? el.where(el.greater(x, thr), x, 0) : el.relu(x);
  if (maxValue !== null) y = el.clip(y, 0, maxValue);
  if (slope !== 0) y = el.subtract(y, el.multiply(el.relu(el.subtract(thr, x)), slope));
  return y;
});

/** Keras `leaky_relu`: x for x ≥ 0, negativeSlope · x otherwise (default slope 0.2). */
export const leakyRelu = kerasNamed("leaky_relu", (x: TensorLike, negativeSlope = 0.2): Tensor =>
  ac.leakyRelu(x, negativeSlope),
);

/** Keras `relu6`: min(max(x, 0), 6). */
export const relu6 = kerasNamed("relu6", (x: TensorLike): Tensor => ac.relu6(x));

/** Keras `elu`: x for x > 0, α(eˣ − 1) otherwise. */
export const elu = kerasNamed("elu", (x: TensorLike, alpha = 1): Tensor => ac.elu(x, alpha));

/** Keras `selu`: scale · elu(x, α) with Klambauer et al.'s constants. */
export const selu = kerasNamed("selu", (x: TensorLike): Tensor => ac.selu(x));

/** Keras `celu`: max(x, 0) + α(e^(min(x, 0)/α) − 1). */
export const celu = kerasNamed("celu", (x: TensorLike, alpha = 1): Tensor => ax.celu(x, alpha));

/** Keras `threshold`: x where x > threshold, else defaultValue (both required, as in Keras). */
export const threshold = kerasNamed(
  "threshold",
  (x: TensorLike, threshold: number, defaultValue: number): Tensor =>
    ax.threshold(x, threshold, defaultValue),
);

// ---------------------------------------------------------------- smooth

/** Keras `gelu`: exact x Φ(x) by default (keras.ops.gelu defaults to the tanh form instead). */
export const gelu = kerasNamed("gelu", (x: TensorLike, approximate = false): Tensor =>
  ac.gelu(x, approximate),
);

/** Keras `silu` (also `swish`): x σ(x). */
export const silu = kerasNamed("silu", (x: TensorLike): Tensor => ac.silu(x));
/** Keras's other name for `silu`; serializes as "silu", as in Keras. */
export const swish = silu;

/** Keras `sigmoid`: 1 / (1 + e⁻ˣ). */
export const sigmoid = kerasNamed("sigmoid", (x: TensorLike): Tensor => el.sigmoid(x));

/** Keras `log_sigmoid`: log σ(x). */
export const logSigmoid = kerasNamed("log_sigmoid", (x: TensorLike): Tensor => ac.logSigmoid(x));

/** Keras `tanh`. */
export const tanh = kerasNamed("tanh", (x: TensorLike): Tensor => el.tanh(x));

/** Keras `tanh_shrink`: x − tanh(x). */
export const tanhShrink = kerasNamed("tanh_shrink", (x: TensorLike): Tensor => ax.tanhShrink(x));

/** Keras `softplus`: log(eˣ + 1). */
export const softplus = kerasNamed("softplus", (x: TensorLike): Tensor => el.softplus(x));

/** Keras `softsign`: x / (|x| + 1). */
export const softsign = kerasNamed("softsign", (x: TensorLike): Tensor => ac.softsign(x));

/** Keras `squareplus`: (x + √(x² + b)) / 2, b = 4 by default. */
export const squareplus = kerasNamed("squareplus", (x: TensorLike, b = 4): Tensor =>
  ax.squareplus(x, b),
);

/** Keras `mish`: x tanh(softplus(x)). */
export const mish = kerasNamed("mish", (x: TensorLike): Tensor => ac.mish(x));

/** Keras `exponential`: eˣ. */
export const exponential = kerasNamed("exponential", (x: TensorLike): Tensor => ac.exponential(x));

/** Keras `glu`: a · σ(b), a and b the halves of x along `axis`. */
export const glu = kerasNamed("glu", (x: TensorLike, axis = -1): Tensor => ax.glu(x, axis));

// ---------------------------------------------------------------- piecewise linear

/** Keras `hard_sigmoid` (Keras 3's): clip(x/6 + ½, 0, 1). */
export const hardSigmoid = kerasNamed("hard_sigmoid", (x: TensorLike): Tensor => ac.hardSigmoid(x));

/** Keras `hard_silu` (also `hard_swish`): x · hardSigmoid(x). */
export const hardSilu = kerasNamed("hard_silu", (x: TensorLike): Tensor => ac.hardSilu(x));
/** Keras's other name for `hardSilu`; serializes as "hard_silu", as in Keras. */
export const hardSwish = hardSilu;

/** Keras `hard_tanh`: clip(x, −1, 1). */
export const hardTanh = kerasNamed("hard_tanh", (x: TensorLike): Tensor => ax.hardTanh(x));

/** Keras `hard_shrink`: x where |x| > threshold (0.5), else 0. */
export const hardShrink = kerasNamed("hard_shrink", (x: TensorLike, threshold = 0.5): Tensor =>
  ax.hardShrink(x, threshold),
);

/** Keras `soft_shrink`: x ∓ threshold outside [−threshold, threshold] (0.5), else 0. */
export const softShrink = kerasNamed("soft_shrink", (x: TensorLike, threshold = 0.5): Tensor =>
  ax.softShrink(x, threshold),
);

/** Keras `sparse_plus`: 0, ¼(x + 1)², x on x ≤ −1, −1 < x < 1, x ≥ 1. */
export const sparsePlus = kerasNamed("sparse_plus", (x: TensorLike): Tensor => ax.sparsePlus(x));

/** Keras `sparse_sigmoid`: clip((x + 1)/2, 0, 1). */
export const sparseSigmoid = kerasNamed("sparse_sigmoid", (x: TensorLike): Tensor =>
  ax.sparseSigmoid(x),
);

/** Keras `linear`: the identity. */
export const linear = kerasNamed("linear", (x: TensorLike): Tensor => ac.linear(x));

// ---------------------------------------------------------------- normalizing along an axis

/** Keras `softmax`: exp(x) / Σ exp(x) along `axis`. */
export const softmax = kerasNamed(
  "softmax",
  (x: TensorLike, axis: number | readonly number[] = -1): Tensor => ac.softmax(x, axis),
);

/** Keras `log_softmax`: x − log Σ exp(x) along `axis`. */
export const logSoftmax = kerasNamed(
  "log_softmax",
  (x: TensorLike, axis: number | readonly number[] = -1): Tensor => ac.logSoftmax(x, axis),
);

/** Keras `sparsemax`: the Euclidean projection of x onto the simplex along `axis`. */
export const sparsemax = kerasNamed("sparsemax", (x: TensorLike, axis = -1): Tensor =>
  ax.sparsemax(x, axis),
);

// ---------------------------------------------------------------- by name

/** Keras's ALL_OBJECTS_DICT: every activation by its Keras string, aliases included. */
const BY_NAME = new Map<string, ActivationFunction>(
  [
    relu,
    leakyRelu,
    relu6,
    softmax,
    celu,
    elu,
    selu,
    softplus,
    softsign,
    squareplus,
    softShrink,
    sparsePlus,
    silu,
    gelu,
    glu,
    tanh,
    tanhShrink,
    threshold,
    sigmoid,
    sparseSigmoid,
    exponential,
    hardSigmoid,
    hardSilu,
    hardTanh,
    hardShrink,
    linear,
    mish,
    logSoftmax,
    logSigmoid,
    sparsemax,
  ].map((fn) => [fn.name, fn as ActivationFunction]),
);
BY_NAME.set("swish", silu);
BY_NAME.set("hard_swish", hardSilu);

/** Every Keras activation string `get` and `deserialize` accept, sorted. */
export const activationNames: readonly string[] = [...BY_NAME.keys()].sort();

function unknownName(identifier: unknown, where: string): ValueError {
  return new ValueError(
    `activations.${where}: could not interpret activation function identifier ` +
      `${JSON.stringify(identifier) ?? String(identifier)}; expected one of ${activationNames.join(", ")}, ` +
      `a function, or a serialized function {class_name: "function", config: name}`,
  );
}

/**
 * Keras `activations.deserialize`: a Keras activation string, or Keras's serialized function
 * `{module, class_name: "function", config: "relu", registered_name}`, to its function.
 * `customObjects` maps further names (or registered names) to functions, as in Keras.
 */
export function deserialize(
  config: unknown,
  customObjects: Readonly<Record<string, unknown>> = {},
): ActivationFunction {
  // A custom object (registered, in `customObjects` or in an active scope) comes first, as in Keras.
  const custom = isKerasObject(config)
    ? customObjectFor(config, customObjects)
    : typeof config === "string"
      ? getRegisteredObject(config, customObjects)
      : undefined;
  if (typeof custom === "function") return custom as ActivationFunction;
  const name = isKerasObject(config) ? (config as { config: unknown }).config : config;
  if (typeof name !== "string") throw unknownName(config, "deserialize");
  const fn = BY_NAME.get(name);
  if (!fn) throw unknownName(config, "deserialize");
  return fn;
}

/**
 * Keras `activations.get`: null or undefined gives `linear`, a string its function, a serialized
 * function object its function, a function itself.
 */
export function get(identifier: unknown): ActivationFunction {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === "function") return identifier as ActivationFunction;
  if (typeof identifier === "string") {
    const fn = BY_NAME.get(identifier);
    if (!fn) throw unknownName(identifier, "get");
    return fn;
  }
  if (typeof identifier === "object") return deserialize(identifier);
  throw unknownName(identifier, "get");
}

/** camelCase forms of the Keras strings ("leakyRelu" → "leaky_relu") for functions named so. */
const BY_CAMEL = new Map(
  [...BY_NAME.keys()].map((n) => [n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), n]),
);

/**
 * Keras `activations.serialize`: a built-in activation's Keras string ("relu"; `swish` gives
 * "silu", as in Keras). Like Keras, a function is recognized by its name, so `st.ops.relu` and
 * `st.ops.leakyRelu` serialize too. A function registered with `registerKerasSerializable` gives
 * Keras's `{module: "builtins", class_name: "function", config: "pkg>name", …}`; any other
 * function is an error.
 */
export function serialize(fn: unknown): string | SerializedFunction {
  if (typeof fn !== "function") {
    throw new ValueError(
      `activations.serialize: expected an activation function; received ${String(fn)}`,
    );
  }
  const registered = registeredNameOf(fn);
  if (registered !== null) return serializedFunction(registered);
  for (const f of BY_NAME.values()) if (f === fn) return f.name;
  const byName = BY_NAME.get(fn.name) ?? BY_NAME.get(BY_CAMEL.get(fn.name) ?? "");
  if (byName) return byName.name;
  throw new ValueError(
    `activations.serialize: unknown activation function '${fn.name || String(fn)}' cannot be ` +
      `serialized; use one of ${activationNames.join(", ")}`,
  );
}
