/**
 * An op called on symbolic tensors while a functional model is declared: Keras writes
 * `layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)` and `ops.sum(x, axis=-1)` between layers, and each such
 * call becomes one node of the graph (Keras's `Operation`). `SymbolicOp` is that node: a layer
 * that remembers the op and the call's other arguments, with the symbolic tensors among them as
 * its inputs; running the model runs the op on the real tensors in their place.
 *
 * In a saved model an op is written as Keras writes it — `{"module": "keras.src.ops.numpy",
 * "class_name": "Add", "config": {"name", …constructor arguments}}`, with the call's own
 * arguments (tensors and constants) in its node — so files move between Keras and Strata both ways.
 * Which of a function's arguments go to the constructor and which to the call is Keras's choice,
 * read from Keras's source into keras-op-signatures.json (scripts/keras-ops/).
 */
import { ValueError } from "../../errors.js";
import type { DType } from "../../tensor/dtype.js";
import type { Shapes } from "../shape-spec.js";
import { Tensor } from "../../tensor/tensor.js";
import { Variable } from "../../autodiff/variable.js";
import { camelToSnake, toSnakeCase } from "../../nn/serialization.js";
import { Layer, SymbolicTensor, uniqueName } from "../layer.js";
import signatures from "./keras-op-signatures.json" with { type: "json" };

/** Keras's split of one `keras.ops` function's arguments (see the file comment). */
interface KerasOpSignature {
  module: string;
  class_name: string;
  /** The function's parameters in order (Python names). */
  params: string[];
  /** Those the Operation's constructor takes (its config), with their defaults. */
  init: string[];
  defaults: Record<string, unknown>;
  /** Those its `call` takes (the node's args). */
  call: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an op of any signature
export type OpFunction = (...args: any[]) => Tensor | Tensor[];

const KERAS_OPS = (signatures as { ops: Record<string, KerasOpSignature> }).ops;

/** Keras's signature by our op name: "expandDims" is expand_dims, "logSumExp" is logsumexp. */
const BY_SQUASHED_NAME = new Map(
  Object.entries(KERAS_OPS).map(([name, sig]) => [name.replaceAll("_", ""), { name, sig }]),
);

function kerasOp(opName: string): { name: string; sig: KerasOpSignature } | undefined {
  return BY_SQUASHED_NAME.get(opName.toLowerCase());
}

/** Where a symbolic tensor stood in the call's arguments: the node's input of that index. */
class Slot {
  constructor(readonly index: number) {}
}

/** Replaces every symbolic tensor in `args` (nested in lists and option objects) with a Slot. */
function toTemplate(args: readonly unknown[], inputs: SymbolicTensor[]): unknown[] {
  const visit = (x: unknown): unknown => {
    if (x instanceof SymbolicTensor) {
      inputs.push(x);
      return new Slot(inputs.length - 1);
    }
    if (Array.isArray(x)) return x.map(visit);
    if (isPlainObject(x))
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, visit(v)]));
    return x;
  };
  return args.map(visit);
}

/** `template` with each Slot replaced by the value of its index (the node's inputs). */
export function fillTemplate(template: readonly unknown[], values: readonly unknown[]): unknown[] {
  const visit = (x: unknown): unknown => {
    if (x instanceof Slot) return values[x.index];
    if (Array.isArray(x)) return x.map(visit);
    if (isPlainObject(x))
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, visit(v)]));
    return x;
  };
  return template.map(visit);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/** Whether any argument holds a symbolic tensor (at the top, in a list or in an options object). */
export function hasSymbolic(args: readonly unknown[]): boolean {
  const visit = (x: unknown): boolean =>
    x instanceof SymbolicTensor ||
    (Array.isArray(x) && x.some(visit)) ||
    (isPlainObject(x) && Object.values(x).some(visit));
  return args.some(visit);
}

/** The op functions by camelCase name, for loading (set by symbolic-ops.ts from `st.ops`). */
const opFunctions = new Map<string, OpFunction>();

export function registerOpFunctions(fns: ReadonlyMap<string, OpFunction>): void {
  for (const [name, fn] of fns) if (!opFunctions.has(name)) opFunctions.set(name, fn);
}

export class SymbolicOp extends Layer {
  /** The op's name in `st.ops` (camelCase), e.g. "add", "expandDims". */
  readonly opName: string;
  private readonly fn: OpFunction;
  /** The call's arguments with the symbolic tensors replaced by Slots (its node's inputs). */
  protected template: unknown[] = [];
  protected outputDtypes: DType[] = [];
  /** The dtypes of the last call's outputs: shape inference runs the op, and so learns them. */
  private lastDtypes: DType[] = [];
  /** The constructor arguments a loaded op was given, until its node is replayed. */
  private kerasConfig: Record<string, unknown> = {};

  constructor(opName: string, fn: OpFunction, opts: { name?: string } = {}) {
    super({ name: opts.name ?? uniqueOpName(opName) });
    this.opName = opName;
    this.fn = fn;
    this.built = true;
  }

  /** The Keras Operation this op is recorded as, if Keras has one for it. */
  get signature(): KerasOpSignature | undefined {
    return kerasOp(this.opName)?.sig;
  }

  /** Keras's class of the op ("Add", "ExpandDims"), as summaries show it. */
  override get className(): string {
    return this.signature?.class_name ?? this.opName;
  }

  /** Calls the op on `args`, which hold symbolic tensors: records the node, returns its outputs. */
  applyTo(args: readonly unknown[]): SymbolicTensor | SymbolicTensor[] {
    if (this.inboundNodes.length > 0) {
      throw new ValueError(`${this.where()}: an op node is called once; make a new one`);
    }
    const inputs: SymbolicTensor[] = [];
    this.template = toTemplate(args, inputs);
    return this.apply(inputs) as unknown as SymbolicTensor | SymbolicTensor[];
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    const out = this.fn(...fillTemplate(this.template, inputs as Tensor[]));
    this.lastDtypes = (Array.isArray(out) ? out : [out]).map((t) => t.dtype);
    return out;
  }

  override computeOutputShape(inputShape: Shapes, inputDtypes?: readonly DType[]): Shapes {
    const shapes = super.computeOutputShape(inputShape, inputDtypes);
    this.outputDtypes = this.lastDtypes;
    return shapes;
  }

  override computeOutputDtype(): DType {
    return this.outputDtypes[0] ?? this.dtype;
  }

  /** Each output's dtype (an op such as topK gives values and int32 indices). */
  override computeOutputDtypes(): DType[] {
    return this.outputDtypes;
  }

  private kerasSignature(what: string): KerasOpSignature {
    const sig = this.signature;
    if (!sig) {
      throw new ValueError(
        `${this.where()}: ops.${this.opName} has no Keras Operation, so a model that calls it on ` +
          `symbolic tensors cannot be ${what} in Keras's format; wrap it in a layer instead`,
      );
    }
    return sig;
  }

  /** The function's argument for Keras parameter `param`, from the recorded call. */
  private argument(sig: KerasOpSignature, param: string): unknown {
    const value = this.template[sig.params.indexOf(param)];
    if (value instanceof Tensor || value instanceof Variable) {
      throw new ValueError(
        `${this.where()}: ops.${this.opName} was called with a tensor constant, which Strata ` +
          `cannot write into a Keras config yet; give it as a number or a list, or make it a layer's weight`,
      );
    }
    if (isPlainObject(value)) {
      throw new ValueError(
        `${this.where()}: ops.${this.opName} was called with an options object, which Keras's ` +
          `format cannot hold; pass its arguments by position as keras.ops does`,
      );
    }
    return value;
  }

  /** Keras's config: the Operation's constructor arguments. */
  override getConfig(): Record<string, unknown> {
    const sig = this.kerasSignature("saved");
    const config: Record<string, unknown> = { name: this.name };
    for (const param of sig.init) {
      config[param] = this.argument(sig, param) ?? sig.defaults[param] ?? null;
    }
    return config;
  }

  /** The Keras identity written in place of a layer's (`module`, `class_name`). */
  kerasIdentity(): { module: string | null; className: string; registeredName: string } {
    const sig = this.kerasSignature("saved");
    return { module: sig.module, className: sig.class_name, registeredName: sig.class_name };
  }

  /** The node's `args` as Keras writes them: the call's arguments, tensors given by `ref`. */
  serializeCall(ref: (t: SymbolicTensor) => unknown): {
    args: unknown[];
    kwargs: Record<string, unknown>;
  } {
    const sig = this.kerasSignature("saved");
    const inputs = this.inboundNodes[0]!.inputs;
    const args = sig.call.map(
      (param) => fillTemplate([this.argument(sig, param)], inputs.map(ref))[0],
    );
    while (args.length > 0 && args.at(-1) === undefined) args.pop();
    return { args: args.map((a) => a ?? null), kwargs: {} };
  }

  /** Rebuilds an op node from Keras's config of it: `{module, class_name, config}`. */
  static fromKerasConfig(serialized: Record<string, unknown>): SymbolicOp {
    const className = String(serialized.class_name);
    const found = [...opFunctions.keys()].find((name) => {
      const sig = kerasOp(name)?.sig;
      return sig?.class_name === className && sig.module === serialized.module;
    });
    if (!found) {
      throw new ValueError(
        `deserializeLayer: the Keras operation ${String(serialized.module)}.${className} is not ` +
          `one Strata's ops provide`,
      );
    }
    const opName = found;
    const config = (serialized.config ?? {}) as Record<string, unknown>;
    const op = new SymbolicOp(opName, opFunctions.get(opName)!, {
      name: typeof config.name === "string" ? config.name : undefined,
    });
    op.kerasConfig = config;
    return op;
  }

  /** Replays a node of a Keras config: the call's args and kwargs with tensors revived. */
  applyKerasCall(
    args: readonly unknown[],
    kwargs: Record<string, unknown>,
  ): SymbolicTensor | SymbolicTensor[] {
    const sig = this.kerasSignature("loaded");
    const values = sig.params.map((param) => {
      const i = sig.call.indexOf(param);
      if (i >= 0) return i < args.length ? args[i] : kwargs[param];
      return this.kerasConfig[param];
    });
    while (values.length > 0 && values.at(-1) === undefined) values.pop();
    return this.applyTo(values);
  }
}

/** Keras names an op node after its class ("add", "expand_dims", "add_1" …). */
function uniqueOpName(opName: string): string {
  const className = kerasOp(opName)?.sig.class_name;
  return uniqueName(className ? toSnakeCase(className) : camelToSnake(opName));
}
