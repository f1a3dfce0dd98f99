import { noGrad } from "../../autodiff/tape.js";
import { floatx } from "../../tensor/config.js";
import { Variable } from "../../autodiff/variable.js";
import {
  type KerasObject,
  camelizeKeys,
  snakeToCamel,
  toSnakeCase,
} from "../../nn/serialization.js";
import type { TensorLike } from "../../ops/core.js";
import { zeros } from "../../tensor/creation.js";
import { type DType, checkDType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { ValueError, checkOptionNames } from "../../errors.js";
import { kerasEnvelope } from "../../nn/object-registration.js";

export interface MetricOptions {
  name?: string;
  /** dtype of the state and the result (Keras: floatx, float32). */
  dtype?: DType;
}

/** Which way a metric improves; callbacks such as EarlyStopping read it in "auto" mode. */
export type Direction = "up" | "down";

/**
 * Keras raises on an unknown keyword argument to a metric. The built-in classes (metrics/index.ts
 * marks them) have their options checked at their first `updateState`, against the config's
 * keys (camelCased: Keras's arguments and config keys are the same names), as layers are
 * (layers/option-check.ts: a base constructor cannot run after the subclass's). Metrics rebuilt
 * from configs, and user subclasses, are not checked.
 */
const builtInMetrics = new WeakSet<object>();
let fromConfigDepth = 0;

export function checkOptionsOfMetrics(classes: Iterable<object>): void {
  for (const c of classes) builtInMetrics.add(c);
}

/**
 * `static extraOptions` of a class and the classes above it: options its constructor passes on
 * to its base that the config does not carry (F1Score's beta of 1).
 */
function extraOptions(cls: unknown): string[] {
  const out: string[] = [];
  for (let c = cls as { extraOptions?: readonly string[] } | null; c;) {
    if (Object.hasOwn(c, "extraOptions")) out.push(...c.extraOptions!);
    c = Object.getPrototypeOf(c) as typeof c;
  }
  return out;
}

/** Runs `fn` (a metric's fromConfig) with the option check off for the metrics it makes. */
export function withoutMetricOptionCheck<T>(fn: () => T): T {
  fromConfigDepth++;
  try {
    return fn();
  } finally {
    fromConfigDepth--;
  }
}

/**
 * Keras's `Metric`: state lives in non-trainable Variables made by `addVariable`;
 * `updateState(...)` accumulates a batch, `result()` reads the value, `resetState()` zeroes the
 * state (between epochs). Built-in metrics update under `noGrad`: metric math never reaches a
 * gradient tape.
 */
export abstract class Metric {
  name: string;
  readonly dtype: DType;
  /** "up" when larger is better (accuracy, AUC), "down" for errors; null when unknown. */
  direction: Direction | null = null;
  private readonly stateVariables: Variable[] = [];

  constructor(opts: MetricOptions = {}) {
    this.name = opts.name ?? toSnakeCase(new.target.name);
    const dtype = checkDType(opts.dtype ?? floatx(), this.name);
    if (!isFloat(dtype)) {
      throw new ValueError(
        `${this.name}: a metric's dtype must be float32 or float64; received dtype=${dtype}`,
      );
    }
    this.dtype = dtype;
    const own = Object.keys(opts).some((k) => k !== "name" && k !== "dtype");
    if (own && fromConfigDepth === 0 && builtInMetrics.has(new.target)) {
      // the first updateState checks the options, then the class's own method takes over
      Object.defineProperty(this, "updateState", {
        configurable: true,
        writable: true,
        value: (...args: (TensorLike | null | undefined)[]) => {
          delete (this as { updateState?: unknown }).updateState;
          const keys = Object.keys(this.getConfig()).map(snakeToCamel);
          const known = ["name", "dtype", ...keys, ...extraOptions(this.constructor)];
          checkOptionNames(this.constructor.name, opts, [...new Set(known)]);
          this.updateState(...args);
        },
      });
    }
  }

  /** A zero-initialized state variable (Keras `add_variable`), reset by `resetState`. */
  protected addVariable(
    shape: readonly number[],
    name: string,
    dtype: DType = this.dtype,
  ): Variable {
    const v = new Variable(zeros(shape, dtype), { trainable: false, name });
    this.stateVariables.push(v);
    return v;
  }

  /** The state variables, in creation order. */
  get variables(): Variable[] {
    return [...this.stateVariables];
  }

  /** Accumulates one batch. Most metrics take (yTrue, yPred, sampleWeight?); `Mean`/`Sum` take (values, sampleWeight?). */
  abstract updateState(...args: (TensorLike | null | undefined)[]): void;

  /** The metric's current value (a scalar, or a vector for several thresholds). */
  abstract result(): Tensor;

  resetState(): void {
    for (const v of this.stateVariables) v.assign(zeros(v.shape, v.dtype));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype };
  }

  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.metrics", this.constructor.name, this.getConfig());
  }

  /** Builds the metric from its Keras config (snake_case keys). */
  static fromConfig<T extends Metric>(
    this: new (opts: never) => T,
    config: Record<string, unknown>,
  ): T {
    return withoutMetricOptionCheck(() => new this(camelizeKeys(config) as never));
  }

  toString(): string {
    return `<${this.constructor.name} name=${this.name}>`;
  }
}

/** Runs a state update without recording gradients (metrics are never differentiated). */
export function updating(fn: () => void): void {
  noGrad(fn);
}
