import {
  type Activation,
  activation as getActivation,
  activationNames,
} from "../ops/activations.js";
import { getConstraint } from "../nn/constraints.js";
import { getInitializer } from "../nn/initializers.js";
import { getRegularizer } from "../nn/regularizers.js";
import { withoutGlobalDraws } from "../tensor/random.js";
import {
  registeredNameOf,
  serializedFunction,
  type SerializedFunction,
} from "../nn/object-registration.js";
import { type KerasObject, camelizeKeys, isKerasObject } from "../nn/serialization.js";
import { deserialize as deserializeActivation } from "./activations/functions.js";
import type { LayerArgs } from "./layer.js";
import type { ShapeSpec } from "./shape-spec.js";
import { SKIP_OPTION_CHECK } from "./option-check.js";

/** Names Keras 3 writes for its aliases: swish is silu, hard_swish is hard_silu. */
const CANONICAL: Readonly<Record<string, string>> = { swish: "silu", hard_swish: "hard_silu" };

/**
 * Keras writes activations by name: the string given, or the name the function is known by; a
 * function registered with `registerKerasSerializable`, as Keras's `activations.serialize` does.
 */
export function activationName(fn: Activation, given: unknown): string | SerializedFunction {
  if (typeof given === "string") return CANONICAL[given] ?? given;
  if (given === null || given === undefined) return "linear";
  const registered = registeredNameOf(fn);
  if (registered !== null) return serializedFunction(registered);
  return activationNames.find((n) => getActivation(n) === fn) ?? fn.name;
}

/**
 * A layer config's activations written as serialized functions (`*activation` keys holding
 * `{class_name: "function", …}`, as Keras writes registered custom ones) back to functions: the
 * custom objects (the registry, an active scope) first, then Keras's built-ins.
 */
function resolveActivations(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (/activation$/i.test(key) && isKerasObject(value)) args[key] = deserializeActivation(value);
  }
}

/** An initializer's Keras config; building it to read the config draws no random seed. */
export function serializeInitializer(value: unknown, fallback: string): KerasObject {
  return withoutGlobalDraws(() => getInitializer(value ?? fallback).serialize());
}

export function serializeRegularizer(value: unknown): KerasObject | null {
  return getRegularizer(value)?.serialize() ?? null;
}

export function serializeConstraint(value: unknown): KerasObject | null {
  return getConstraint(value)?.serialize() ?? null;
}

/**
 * A layer's Keras config (snake_case, dtype policy object, batch_shape) as the camelCase options
 * its constructor takes. Nested initializer/regularizer configs stay objects: the getters resolve them.
 */
export function fromKerasConfig(config: Record<string, unknown>): Record<string, unknown> {
  const { dtype, batch_input_shape, batch_shape, ...rest } = config;
  const args = camelizeKeys(rest) as Record<string, unknown> & LayerArgs;
  resolveActivations(args);
  // Configs may carry keys Keras ignores: a layer built from one skips the unknown-option check.
  (args as { [SKIP_OPTION_CHECK]?: boolean })[SKIP_OPTION_CHECK] = true;
  if (isKerasObject(dtype)) args.dtype = (dtype.config as { name: LayerArgs["dtype"] }).name;
  else if (typeof dtype === "string") args.dtype = dtype as LayerArgs["dtype"];
  const batchShape = (batch_input_shape ?? batch_shape) as ShapeSpec | undefined;
  if (batchShape) {
    args.inputShape = batchShape.slice(1);
    if (batchShape[0] !== null) args.batchSize = batchShape[0];
  }
  return args;
}
