import { registeredNameOf, serializedFunction } from "../nn/object-registration.js";
import type { CompileOptions } from "../train/compile.js";
import type { Optimizer } from "../train/optimizers/index.js";

/**
 * Keras's `compile_config`: the arguments `compile` was given, saved beside a model's config so
 * that loading it compiles it again.
 */

/** A loss or metric as Keras's compile config holds it: strings as given, objects serialized. */
function serializeSpec(spec: unknown): unknown {
  if (spec === undefined || spec === null) return null;
  if (typeof spec === "string" || typeof spec === "number") return spec;
  if (Array.isArray(spec)) return spec.map(serializeSpec);
  if (typeof spec === "function") {
    const registered = registeredNameOf(spec);
    return registered === null ? spec.name : serializedFunction(registered);
  }
  const s = spec as { serialize?: () => unknown };
  if (typeof s.serialize === "function") return s.serialize();
  return Object.fromEntries(
    Object.entries(spec as Record<string, unknown>).map(([k, v]) => [k, serializeSpec(v)]),
  );
}

/** Keras's `model.get_compile_config()`: the arguments `compile` was given. */
export function compileConfig(
  options: CompileOptions,
  optimizer: Optimizer,
): Record<string, unknown> {
  return {
    optimizer: optimizer.serialize(),
    loss: serializeSpec(options.loss),
    loss_weights: serializeSpec(options.lossWeights),
    metrics: serializeSpec(options.metrics),
    weighted_metrics: serializeSpec(options.weightedMetrics),
    run_eagerly: options.runEagerly ?? false,
    steps_per_execution: 1,
    // As compile was given it ("auto" by default, which Keras's compile accepts too).
    jit_compile: options.jitCompile ?? "auto",
  };
}

/** Keras's `compile_from_config`: compile options from a compile config. */
export function compileOptionsFromConfig(config: Record<string, unknown>): CompileOptions {
  const opts: Record<string, unknown> = {};
  const keys = {
    optimizer: "optimizer",
    loss: "loss",
    metrics: "metrics",
    weighted_metrics: "weightedMetrics",
    loss_weights: "lossWeights",
    run_eagerly: "runEagerly",
    jit_compile: "jitCompile",
  };
  for (const [key, option] of Object.entries(keys)) {
    if (config[key] !== undefined && config[key] !== null) opts[option] = config[key];
  }
  return opts as CompileOptions;
}
