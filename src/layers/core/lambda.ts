import { StrataError, ValueError } from "../../errors.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";
import { inSafeMode } from "./safe-mode.js";

type Inputs = Tensor | Tensor[];
type Mask = CallOptions["mask"];

/**
 * The wrapped function. Its second argument carries Keras's extras: the layer's `arguments`
 * (Keras passes them as keyword arguments), the incoming `mask` and the `training` flag.
 */
export type LambdaFunction = (
  inputs: Inputs,
  extras: Record<string, unknown> & { mask?: Mask; training?: boolean },
) => Inputs;

/** The output shape without the batch axis, or a function of the full input shape. */
export type LambdaOutputShape =
  | ShapeSpec
  | readonly ShapeSpec[]
  | ((inputShape: ShapeSpec | readonly ShapeSpec[]) => ShapeSpec | readonly ShapeSpec[]);

export interface LambdaArgs extends LayerArgs {
  outputShape?: LambdaOutputShape | null;
  /** The output mask: a fixed tensor, or a function `(inputs, mask) => mask` (Keras `mask`). */
  mask?: Tensor | ((inputs: Inputs, mask: Mask) => Tensor | null) | null;
  /** Extra values passed to the function on every call (Keras `arguments`). */
  arguments?: Record<string, unknown>;
}

/** Named functions a saved Lambda may be rebuilt from (Keras's `custom_objects`). */
export type CustomObjects = Record<string, unknown>;

/** Keras's envelope for a function it serializes by name. */
function serializeFunction(fn: (...args: never[]) => unknown): Record<string, unknown> {
  const name = fn.name || "<lambda>";
  return { module: "builtins", class_name: "function", config: name, registered_name: name };
}

function functionName(config: unknown): string {
  if (typeof config === "string") return config;
  if (typeof config === "object" && config !== null && "config" in config) {
    const inner = (config as { config: unknown }).config;
    if (typeof inner === "string") return inner;
    if (typeof inner === "object" && inner !== null && "code" in inner) return "<lambda>";
  }
  return String(config);
}

function isFunctionConfig(x: unknown): boolean {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    "class_name" in x &&
    ((x as { class_name: unknown }).class_name === "function" ||
      (x as { class_name: unknown }).class_name === "__lambda__")
  );
}

/**
 * Keras `Lambda`: wraps an expression as a layer. JavaScript functions cannot be written into a
 * config, so the config stores the function's name and `fromConfig` needs that name in
 * `customObjects`; prefer a Layer subclass for models that must be saved and reloaded.
 */
export class Lambda extends Layer {
  readonly fn: LambdaFunction;
  readonly outputShape: LambdaOutputShape | null;
  readonly mask: LambdaArgs["mask"];
  readonly arguments: Record<string, unknown>;

  constructor(fn: LambdaFunction, args: LambdaArgs = {}) {
    super(args);
    if (typeof fn !== "function") {
      throw new ValueError(`${this.where()}: expected a function; received ${String(fn)}`);
    }
    this.fn = fn;
    this.outputShape = args.outputShape ?? null;
    this.mask = args.mask ?? null;
    this.arguments = { ...(args.arguments ?? {}) };
    this.supportsMasking = this.mask !== null;
  }

  call(inputs: Inputs, opts: CallOptions = {}): Inputs {
    return this.fn(inputs, { ...this.arguments, mask: opts.mask, training: opts.training });
  }

  override computeMask(inputs: Inputs, mask: Mask): Tensor | null {
    if (typeof this.mask === "function") return this.mask(inputs, mask);
    return this.mask ?? null;
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
    inputDtypes?: readonly DType[],
  ): ShapeSpec | readonly ShapeSpec[] {
    const out = this.outputShape;
    if (out === null) {
      try {
        return super.computeOutputShape(inputShape, inputDtypes);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new ValueError(
          `could not infer the output shape of the function (${why}); give the outputShape option`,
        );
      }
    }
    if (typeof out === "function") return out(inputShape);
    // A fixed shape leaves out the batch axis: it is the input's.
    const first = inputShape[0];
    const batch = Array.isArray(first)
      ? ((first as ShapeSpec)[0] ?? null)
      : (first as number | null);
    const several = out.length > 0 && Array.isArray(out[0]);
    return several
      ? (out as ShapeSpec[]).map((s) => [batch ?? null, ...s])
      : [batch ?? null, ...(out as ShapeSpec)];
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      function: serializeFunction(this.fn),
    };
    if (this.outputShape !== null) {
      config.output_shape =
        typeof this.outputShape === "function"
          ? serializeFunction(this.outputShape)
          : JSON.parse(JSON.stringify(this.outputShape));
    }
    if (this.mask) {
      config.mask =
        typeof this.mask === "function" ? serializeFunction(this.mask) : this.mask.toArray();
    }
    config.arguments = { ...this.arguments };
    return config;
  }

  /**
   * Rebuilds a Lambda whose functions are found by name in `customObjects`. A config alone cannot
   * bring back JavaScript (or Python) code, so a missing name is an error that says what to pass.
   * A function saved as Python bytecode (Keras 3's `__lambda__`, Keras 2's `function_type:
   * "lambda"`) is taken from `customObjects` under the layer's name; without it the error names
   * the layer (never the bytes) and says how to supply it.
   */
  static fromConfig(config: Record<string, unknown>, customObjects: CustomObjects = {}): Lambda {
    const args = fromKerasConfig(withoutKeras2Keys(config));
    const name = typeof args.name === "string" ? args.name : "lambda";
    const lookUp = (value: unknown, what: string): unknown => {
      if (isBytecode(value)) {
        // The bytecode has no name of its own: the replacement goes under the layer's name.
        const key = what === "function" ? name : `${name}:${what}`;
        return bytecodeReplacement(name, what, key, customObjects);
      }
      const fnName = functionName(value);
      const found = customObjects[fnName];
      if (typeof found !== "function") {
        throw new StrataError(
          `Lambda "${name}": cannot rebuild its ${what} "${fnName}" from a config: functions are not ` +
            `serialized. Pass it by name in customObjects (e.g. { ${JSON.stringify(fnName)}: fn }), or ` +
            `write the computation as a Layer subclass with its own getConfig`,
        );
      }
      return found;
    };
    const fn = lookUp(args.function, "function") as LambdaFunction;
    delete args.function;
    // Strata infers a Lambda's output shape by tracing its function, so a shape function saved as
    // bytecode is not needed: the layer goes without it.
    if (isBytecode(args.outputShape)) delete args.outputShape;
    else if (isFunctionConfig(args.outputShape)) {
      args.outputShape = lookUp(args.outputShape, "outputShape");
    }
    const mask: unknown = args.mask;
    if (isFunctionConfig(mask) || isBytecode(mask) || typeof mask === "string") {
      args.mask = lookUp(mask, "mask");
    } else if (args.mask !== undefined && args.mask !== null) {
      throw new ValueError(
        `Lambda "${name}": a fixed mask tensor cannot be restored from a config`,
      );
    }
    return new Lambda(fn, args as LambdaArgs);
  }
}

/**
 * Keras 2's Lambda config also held `function_type`, `module`, `output_shape_type` and
 * `output_shape_module` (and `mask_type`, `mask_module` with a mask), and wrote a Python lambda as
 * `[code, defaults, closure]`; Keras 3 drops those keys and reads the list as its `__lambda__`
 * (legacy saving_utils.model_from_config).
 */
const LAMBDA_KERAS2_KEYS = [
  "function_type",
  "module",
  "output_shape_type",
  "output_shape_module",
  "mask_type",
  "mask_module",
];

function withoutKeras2Keys(config: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...config };
  const { function_type: functionType, output_shape_type: outputShapeType } = rest;
  const maskType = rest.mask_type;
  for (const k of LAMBDA_KERAS2_KEYS) delete rest[k];
  const asLambda = (v: unknown) =>
    Array.isArray(v) ? { class_name: "__lambda__", config: { code: v[0] } } : v;
  if (functionType === "lambda" || Array.isArray(rest.function)) {
    rest.function = asLambda(rest.function);
  }
  if (outputShapeType === "lambda") rest.output_shape = asLambda(rest.output_shape);
  if (maskType === "lambda") rest.mask = asLambda(rest.mask);
  return rest;
}

/** A function saved as Python bytecode: Keras 3's `{class_name: "__lambda__", config: {code}}`. */
function isBytecode(x: unknown): boolean {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { class_name?: unknown }).class_name === "__lambda__"
  );
}

/**
 * The JavaScript function supplied (in `customObjects[key]`) for what Lambda `name` saved as
 * Python bytecode, or the error that says how to supply it.
 */
function bytecodeReplacement(
  name: string,
  what: string,
  key: string,
  customObjects: CustomObjects,
): unknown {
  const supplied = customObjects[key];
  if (typeof supplied === "function") return supplied;
  const mode = inSafeMode();
  const why =
    mode === false
      ? "With safeMode false Keras would run that bytecode; Strata never runs Python code."
      : "Keras refuses to run it in safe mode (arbitrary code execution); Strata never runs " +
        "Python code, whatever safeMode says.";
  throw new StrataError(
    `Lambda "${name}": its ${what} was saved as Python bytecode (a Python lambda), which cannot ` +
      `be deserialized here. ${why} Supply the ${what} in JavaScript under the key ` +
      `${JSON.stringify(key)} in customObjects, e.g. loadModel(path, { customObjects: { ${JSON.stringify(key)}: ` +
      `(x) => … } }), or give the function a name, register it and save the model again`,
  );
}

registerKerasLayers({ Lambda });
