/**
 * Keras's `keras.Function(inputs, outputs, name)`: the computation between some KerasTensors and
 * others, replayable on new values without a Model's layers API or training machinery. Inputs
 * may be free KerasTensors (`new KerasTensor([null, 3])`) or any tensors of a graph; inputs and
 * outputs may be one tensor, a list or an object of them, and calls take and give that structure.
 * The graph is the functional model's (graph.ts): its order, and its executor for eager calls.
 * A Function is an Operation, so calling it on KerasTensors records one node in a larger graph.
 */
import { ValueError } from "../errors.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import { Tensor } from "../tensor/tensor.js";
import { KerasTensor, type Layer, uniqueName } from "../layers/layer.js";
import { type ShapeSpec, fmtSpec } from "../layers/shape-spec.js";
import {
  Operation,
  OperationCall,
  flattenLeaves,
  mapLeaves,
} from "../layers/symbolic/operation.js";
import { Graph } from "./graph.js";

/** One KerasTensor, or a list or object of them (nested). */
export type KerasTensorStructure =
  KerasTensor | readonly KerasTensorStructure[] | { readonly [key: string]: KerasTensorStructure };

export interface FunctionArgs {
  inputs: KerasTensorStructure;
  outputs: KerasTensorStructure;
  name?: string;
}

/** Keras's `keras.Function`; exported as `st.Function`. */
export class KerasFunction extends Operation {
  /** The flat list of the symbolic inputs. */
  readonly inputs: KerasTensor[];
  /** The flat list of the symbolic outputs. */
  readonly outputs: KerasTensor[];
  readonly #inputsStruct: KerasTensorStructure;
  readonly #outputsStruct: KerasTensorStructure;
  readonly #graph: Graph;

  constructor(args: FunctionArgs);
  constructor(inputs: KerasTensorStructure, outputs: KerasTensorStructure, name?: string);
  constructor(
    first: KerasTensorStructure | FunctionArgs,
    outputs?: KerasTensorStructure,
    name?: string,
  ) {
    const args: FunctionArgs =
      outputs === undefined && isArgs(first)
        ? first
        : { inputs: first as KerasTensorStructure, outputs: outputs!, name };
    super({ name: args.name ?? uniqueName("function") });
    this.#inputsStruct = args.inputs;
    this.#outputsStruct = args.outputs;
    this.inputs = leavesOf(args.inputs, "inputs");
    this.outputs = leavesOf(args.outputs, "outputs");
    const received = `Received:\ninputs=${describe(args.inputs)}\noutputs=${describe(args.outputs)}`;
    if (this.inputs.length === 0) {
      throw new ValueError(`\`inputs\` argument cannot be empty. ${received}`);
    }
    if (this.outputs.length === 0) {
      throw new ValueError(`\`outputs\` argument cannot be empty. ${received}`);
    }
    this.#graph = new Graph(this.inputs, this.outputs, `Function "${this.name}"`, {
      anyInputs: true,
    });
  }

  /** Keras's class name (the TypeScript class is KerasFunction, to leave the global alone). */
  override get className(): string {
    return "Function";
  }

  /** A Function's inputs and outputs are graphs, not config values: Keras cannot write it either. */
  override getConfig(): never {
    throw new ValueError(
      `Function "${this.name}" cannot be serialized: its inputs and outputs are KerasTensors; ` +
        `build a Model from them to save the computation`,
    );
  }

  /**
   * Keras `fn.operations`: the layers and operations of the graph, inputs' first (a layer that
   * made an intermediate input is outside the Function and not listed).
   */
  get operations(): (Layer | Operation)[] {
    const inGraph = new Set(this.#graph.nodes.map((n) => n.layer));
    const ops = this.#graph.layers
      .filter((l) => inGraph.has(l))
      .map((l) => (l instanceof OperationCall ? l.operation : l));
    return [...new Set(ops)];
  }

  /** Computes the outputs for new values of the inputs (Keras's `Function.call`). */
  override call(inputs: unknown): unknown {
    const values = this.checkInputs(inputs).map((x) =>
      x instanceof Tensor ? x : asTensor(x as TensorLike),
    );
    const outs = this.#graph.run(values, {});
    return pack(this.#outputsStruct, outs);
  }

  /**
   * The outputs' KerasTensors for inputs of these shapes: the declared outputs when the shapes
   * are the declared ones, otherwise inferred by running the graph (Operation's default).
   */
  override computeOutputSpec(inputs: unknown): unknown {
    const given = this.checkInputs(inputs);
    const same = given.every((x, i) => sameShape(shapeOf(x), this.inputs[i]!.shape));
    if (same) {
      return pack(
        this.#outputsStruct,
        this.outputs.map((t) => new KerasTensor(t.shape, t.dtype)),
      );
    }
    return super.computeOutputSpec(inputs);
  }

  /** The outputs' shapes for inputs of these shapes (the inputs' structure, shapes as leaves). */
  computeOutputShape(inputShape: unknown): unknown {
    let i = 0;
    const visit = (s: unknown): unknown => {
      if (Array.isArray(s) && s.every((d) => d === null || typeof d === "number")) {
        const ref = this.inputs[i++];
        return new KerasTensor(s as ShapeSpec, ref?.dtype ?? "float32");
      }
      if (Array.isArray(s)) return s.map(visit);
      if (typeof s === "object" && s !== null) {
        return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, visit(v)]));
      }
      return s;
    };
    const spec = this.computeOutputSpec(visit(inputShape));
    return mapLeaves([spec], (t) => (t instanceof KerasTensor ? [...t.shape] : t))[0];
  }

  /**
   * Keras's `_assert_input_compatibility`: the declared structure, and each input's rank and
   * known sizes; returns the inputs flat, in the order of `inputs`.
   */
  private checkInputs(inputs: unknown): unknown[] {
    const flat: unknown[] = [];
    const walk = (ref: KerasTensorStructure, x: unknown): boolean => {
      if (ref instanceof KerasTensor) {
        flat.push(x);
        return isValue(x);
      }
      if (Array.isArray(ref)) {
        return Array.isArray(x) && x.length === ref.length && ref.every((r, i) => walk(r, x[i]));
      }
      const obj = ref as Record<string, KerasTensorStructure>;
      if (typeof x !== "object" || x === null || Array.isArray(x) || isTensorish(x)) return false;
      const keys = Object.keys(obj);
      const given = x as Record<string, unknown>;
      return (
        keys.length === Object.keys(given).length &&
        keys.every((k) => k in given && walk(obj[k]!, given[k]))
      );
    };
    if (!walk(this.#inputsStruct, inputs)) {
      throw new ValueError(
        `Function was called with an invalid input structure. Expected input structure: ` +
          `${describe(this.#inputsStruct)}\nReceived input structure: ${describe(inputs)}`,
      );
    }
    flat.forEach((x, i) => {
      const ref = this.inputs[i]!;
      const shape = shapeOf(x);
      const fits =
        shape.length === ref.shape.length &&
        shape.every((d, axis) => d === null || ref.shape[axis] === null || d === ref.shape[axis]);
      if (!fits) {
        throw new ValueError(
          `Function was passed incompatible inputs. For input '${ref.name}', expected shape ` +
            `${fmtSpec(ref.shape)}, but received instead a tensor with shape ${fmtSpec(shape)}.`,
        );
      }
    });
    return flat;
  }
}

function isArgs(x: unknown): x is FunctionArgs {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    !(x instanceof KerasTensor) &&
    "inputs" in x &&
    "outputs" in x
  );
}

function isTensorish(x: unknown): boolean {
  return x instanceof Tensor || x instanceof KerasTensor;
}

/** One input's value: a tensor, a KerasTensor, a number, or nested arrays of numbers. */
function isValue(x: unknown): boolean {
  if (isTensorish(x) || typeof x === "number" || typeof x === "boolean") return true;
  return Array.isArray(x) && x.length > 0 && x.every((v) => !isTensorish(v) && isValue(v));
}

function leavesOf(structure: KerasTensorStructure, what: string): KerasTensor[] {
  const leaves = flattenLeaves(structure);
  for (const leaf of leaves) {
    if (!(leaf instanceof KerasTensor)) {
      throw new ValueError(
        `Function: every leaf of \`${what}\` must be a KerasTensor; received ${describe(leaf)}`,
      );
    }
  }
  return leaves as KerasTensor[];
}

/** The shape of a tensor, a KerasTensor, or a nested array of numbers. */
function shapeOf(x: unknown): ShapeSpec {
  if (x instanceof Tensor || x instanceof KerasTensor) return x.shape;
  return asTensor(x as TensorLike).shape;
}

function sameShape(a: ShapeSpec, b: ShapeSpec): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `values` (flat, in order) in the structure of `ref`. */
function pack(ref: KerasTensorStructure, values: readonly unknown[]): unknown {
  let i = 0;
  return mapLeaves([ref], () => values[i++])[0];
}

function describe(x: unknown): string {
  if (x instanceof KerasTensor || x instanceof Tensor) {
    return `<${x instanceof KerasTensor ? "KerasTensor" : "Tensor"} shape=${fmtSpec(x.shape)}>`;
  }
  if (Array.isArray(x)) return `[${x.map(describe).join(", ")}]`;
  if (typeof x === "object" && x !== null) {
    return `{${Object.entries(x)
      .map(([k, v]) => `${k}: ${describe(v)}`)
      .join(", ")}}`;
  }
  return String(x);
}
