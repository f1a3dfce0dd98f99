/**
 * Keras's `InputSpec`: what a layer accepts as the first argument of its call — a rank (exact,
 * at most, at least), a dtype, a shape with the batch axis (null for any size), sizes of given
 * axes — and `assertInputCompatibility`, the check `Layer.apply` runs against `layer.inputSpec`
 * before and after building the layer, with Keras's rules and messages: a mismatch names the
 * layer, the input, what the spec expects and what was received.
 */
import { ValueError } from "../errors.js";
import { type DType, checkDType } from "../tensor/dtype.js";
import { type ShapeSpec, fmtSpec } from "./shape-spec.js";

export interface InputSpecArgs {
  /** The dtype every input must have (Keras's `standardize_dtype`: "int64" is int32). */
  dtype?: string | null;
  /** The full shape, batch axis included; null for an axis of any size. Sets `ndim`. */
  shape?: ShapeSpec | null;
  ndim?: number | null;
  maxNdim?: number | null;
  minNdim?: number | null;
  /** Sizes of given axes (negative counts from the end), e.g. `{ [-1]: 16 }`. */
  axes?: Record<number | string, number | null> | null;
  /** Accept rank N+1 when the last axis is 1, and rank N-1 when the spec's last axis is 1. */
  allowLastAxisSqueeze?: boolean;
  /** The key of this input when inputs are given as an object. */
  name?: string | null;
  /** Whether the input may be null (absent). */
  optional?: boolean;
}

/** Keras's `InputSpec(dtype, shape, ndim, max_ndim, min_ndim, axes, …)`. */
export class InputSpec {
  readonly dtype: DType | null;
  readonly shape: ShapeSpec | null;
  readonly ndim: number | null;
  readonly maxNdim: number | null;
  readonly minNdim: number | null;
  readonly axes: Readonly<Record<number, number | null>>;
  readonly allowLastAxisSqueeze: boolean;
  readonly name: string | null;
  readonly optional: boolean;

  constructor(args: InputSpecArgs = {}) {
    this.dtype = args.dtype != null ? checkDType(args.dtype, "InputSpec") : null;
    if (args.shape != null) {
      this.shape = standardizeShape(args.shape);
      this.ndim = args.shape.length;
    } else {
      this.ndim = args.ndim ?? null;
      this.shape = null;
    }
    this.maxNdim = args.maxNdim ?? null;
    this.minNdim = args.minNdim ?? null;
    this.name = args.name ?? null;
    this.optional = args.optional ?? false;
    this.allowLastAxisSqueeze = args.allowLastAxisSqueeze ?? false;
    const axes: Record<number, number | null> = {};
    for (const [key, size] of Object.entries(args.axes ?? {})) {
      const axis = Number(key);
      if (!Number.isInteger(axis)) {
        throw new ValueError(
          `InputSpec: argument \`axes\` must be an object with integer keys. ` +
            `Received: axes=${JSON.stringify(args.axes)}`,
        );
      }
      axes[axis] = size;
    }
    this.axes = axes;
    const keys = Object.keys(axes).map(Number);
    const rank = this.ndim || this.maxNdim;
    if (keys.length > 0 && rank != null) {
      const maxAxis = Math.max(...keys);
      if (maxAxis > rank - 1) {
        throw new ValueError(
          `InputSpec: Axis ${maxAxis} is greater than the maximum allowed value: ${rank - 1}`,
        );
      }
    }
  }

  /** Keras's repr: the fields that are set. */
  toString(): string {
    const axes = Object.entries(this.axes);
    const parts = [
      this.dtype ? `dtype=${this.dtype}` : "",
      this.shape ? `shape=${fmtSpec(this.shape)}` : "",
      this.ndim ? `ndim=${this.ndim}` : "",
      this.maxNdim ? `max_ndim=${this.maxNdim}` : "",
      this.minNdim ? `min_ndim=${this.minNdim}` : "",
      axes.length > 0 ? `axes={${axes.map(([k, v]) => `${k}: ${v ?? "None"}`).join(", ")}}` : "",
    ];
    return `InputSpec(${parts.filter((p) => p).join(", ")})`;
  }

  /** Keras's config (snake_case keys; `axes` keyed by axis). */
  getConfig(): Record<string, unknown> {
    return {
      dtype: this.dtype,
      shape: this.shape ? [...this.shape] : null,
      ndim: this.ndim,
      max_ndim: this.maxNdim,
      min_ndim: this.minNdim,
      axes: { ...this.axes },
      optional: this.optional,
    };
  }

  /** Reads Keras's config (snake_case) or this class's options (camelCase). */
  static fromConfig(config: Record<string, unknown>): InputSpec {
    const pick = (snake: string, camel: string): unknown => config[snake] ?? config[camel];
    return new InputSpec({
      dtype: config.dtype as string | null,
      shape: config.shape as ShapeSpec | null,
      ndim: config.ndim as number | null,
      maxNdim: pick("max_ndim", "maxNdim") as number | null,
      minNdim: pick("min_ndim", "minNdim") as number | null,
      axes: config.axes as Record<string, number | null> | null,
      allowLastAxisSqueeze: pick("allow_last_axis_squeeze", "allowLastAxisSqueeze") as boolean,
      name: config.name as string | null,
      optional: config.optional as boolean,
    });
  }
}

/** Keras's `standardize_shape`: every entry a non-negative integer or null. */
function standardizeShape(shape: ShapeSpec): ShapeSpec {
  if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && d >= 0))) {
    throw new ValueError(
      `InputSpec: Cannot convert '${JSON.stringify(shape)}' to a shape; expected a list of ` +
        `non-negative integers or null`,
    );
  }
  return [...shape];
}

/** What a spec checks of an input: its shape and dtype (tensors and symbolic tensors have both). */
export interface SpecTarget {
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
}

/** A layer's `inputSpec`: one spec, or one per input (null where an input is not checked). */
export type InputSpecs = InputSpec | readonly (InputSpec | null)[];

/**
 * Keras's `assert_input_compatibility`: checks `inputs` (one, a list, or an object keyed by the
 * specs' names) against `spec`, raising a ValueError that names `layerName` on a mismatch.
 */
export function assertInputCompatibility(
  spec: InputSpecs | null | undefined,
  inputs: SpecTarget | null | readonly (SpecTarget | null)[] | Record<string, SpecTarget | null>,
  layerName: string,
): void {
  if (!spec) return;
  const specs = Array.isArray(spec) ? (spec as (InputSpec | null)[]) : [spec as InputSpec];
  if (specs.length === 0) return;
  let list: unknown[];
  if (Array.isArray(inputs)) {
    list = inputs;
  } else if (isRecord(inputs) && !isTarget(inputs)) {
    const names = specs.map((s) => s?.name ?? null);
    if (names.every((n) => n)) {
      list = names.map((name) => {
        if (!(name! in inputs)) {
          throw new ValueError(
            `Missing data for input "${name}". You passed a data dictionary with keys ` +
              `[${Object.keys(inputs).join(", ")}]. Expected the following keys: [${names.join(", ")}]`,
          );
        }
        return inputs[name!];
      });
    } else {
      list = Object.values(inputs);
    }
  } else {
    list = [inputs];
  }
  if (list.length !== specs.length) {
    const names = specs.map((s) => s?.name ?? null);
    if (names.every((n) => n)) {
      throw new ValueError(
        `Layer "${layerName}" expects ${specs.length} named input(s) with keys ` +
          `[${names.join(", ")}], but it received ${list.length} input tensors. Pass inputs as ` +
          `an object, e.g. \`layer.apply({${names.map((n) => `${n}: …`).join(", ")}})\`.`,
      );
    }
    throw new ValueError(
      `Layer "${layerName}" expects ${specs.length} input(s), but it received ` +
        `${list.length} input tensors. Inputs received: [${list.map(describe).join(", ")}]`,
    );
  }
  list.forEach((x, i) => checkOne(specs[i] ?? null, x, i, layerName));
}

function checkOne(spec: InputSpec | null, x: unknown, index: number, layerName: string): void {
  if (!spec) return;
  if (x == null && spec.optional) return;
  if (!isTarget(x)) {
    throw new ValueError(
      `Inputs to a layer should be tensors. Got '${describe(x)}' as input for layer '${layerName}'.`,
    );
  }
  let shape: ShapeSpec = x.shape;
  const ndim = shape.length;
  const head = `Input ${index} with name '${spec.name ?? "None"}' of layer '${layerName}' is incompatible with the layer`;
  if (spec.ndim !== null && !spec.allowLastAxisSqueeze && ndim !== spec.ndim) {
    throw new ValueError(
      `${head}: expected ndim=${spec.ndim}, found ndim=${ndim}. Full shape received: ${fmtSpec(shape)}`,
    );
  }
  if (spec.maxNdim !== null && ndim > spec.maxNdim) {
    throw new ValueError(`${head}: expected max_ndim=${spec.maxNdim}, found ndim=${ndim}`);
  }
  if (spec.minNdim !== null && ndim < spec.minNdim) {
    throw new ValueError(
      `${head}: expected min_ndim=${spec.minNdim}, found ndim=${ndim}. Full shape received: ${fmtSpec(shape)}`,
    );
  }
  if (spec.dtype !== null) {
    const dtype = checkDType(x.dtype, `Layer "${layerName}"`);
    if (dtype !== spec.dtype) {
      throw new ValueError(`${head}: expected dtype=${spec.dtype}, found dtype=${dtype}`);
    }
  }
  for (const [key, value] of Object.entries(spec.axes)) {
    const axis = Number(key);
    const size = shape[axis < 0 ? ndim + axis : axis];
    if (value !== null && size !== value && size !== null) {
      throw new ValueError(
        `${head}: expected axis ${axis} of input shape to have value ${value}, but received ` +
          `input with shape ${fmtSpec(shape)}`,
      );
    }
  }
  if (spec.shape !== null) {
    let specShape = spec.shape;
    if (spec.allowLastAxisSqueeze) {
      if (shape.length > 0 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
      if (specShape.length > 0 && specShape[specShape.length - 1] === 1) {
        specShape = specShape.slice(0, -1);
      }
    }
    const n = Math.min(specShape.length, shape.length);
    for (let i = 0; i < n; i++) {
      const [want, got] = [specShape[i]!, shape[i]!];
      if (want !== null && got !== null && want !== got) {
        throw new ValueError(
          `${head}: expected shape=${fmtSpec(spec.shape)}, found shape=${fmtSpec(shape)}`,
        );
      }
    }
  }
}

function isTarget(x: unknown): x is SpecTarget {
  return (
    typeof x === "object" &&
    x !== null &&
    Array.isArray((x as SpecTarget).shape) &&
    typeof (x as SpecTarget).dtype === "string"
  );
}

function isRecord(x: unknown): x is Record<string, SpecTarget | null> {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

function describe(x: unknown): string {
  if (isTarget(x)) return `<tensor shape=${fmtSpec(x.shape)}, dtype=${x.dtype}>`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") return `[object ${(x as object).constructor?.name ?? "Object"}]`;
  return String(x);
}
