/**
 * Keras's `Operation`: the base users subclass for a computation of their own. `apply(...args)`
 * (Keras's `__call__`) runs `call` on tensors; given KerasTensors anywhere among its arguments it
 * makes a `symbolicCall` instead: `computeOutputSpec` infers the outputs' shapes and dtypes and
 * a node is recorded in the functional graph, so the operation runs inside a Model or a Function
 * built on top of it, as Keras's does.
 *
 * Strata's graph is made of layer calls (layer.ts's Node): each symbolic call of an Operation is
 * one `OperationCall`, a SymbolicOp (symbolic-op.ts) whose op is the Operation's `call`, which
 * keeps the call's arguments with the KerasTensors among them as the node's inputs.
 */
import { noGrad } from "../../autodiff/tape.js";
import { StrataError, ValueError } from "../../errors.js";
import { toSnakeCase } from "../../nn/serialization.js";
import { zeros } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { Tensor, fromStrings } from "../../tensor/tensor.js";
import { sizeOf } from "../../tensor/shape.js";
import { KerasTensor, type Node, uniqueName } from "../layer.js";
import type { ShapeSpec, Shapes } from "../shape-spec.js";
import { SymbolicOp, fillTemplate, hasSymbolic } from "./symbolic-op.js";
import { registerCustomOperations } from "../registry.js";
import { Variable } from "../../autodiff/variable.js";
import {
  type CustomObjects,
  customObjectFor,
  instantiateRegistered,
  registeredNameOf,
} from "../../nn/object-registration.js";

export interface OperationArgs {
  name?: string;
}

/** Keras's `keras.Operation`. Subclasses implement `call`, and `computeOutputSpec` if need be. */
export class Operation {
  readonly name: string;

  constructor(args: OperationArgs | string = {}) {
    const given = typeof args === "string" ? args : args.name;
    const name = given ?? uniqueName(toSnakeCase(new.target.name));
    if (typeof name !== "string" || name.includes("/")) {
      throw new ValueError(
        `Argument \`name\` must be a string and cannot contain character \`/\`. ` +
          `Received: name=${String(name)} (of type ${typeof name})`,
      );
    }
    this.name = name;
  }

  /** The class name messages and summaries show. */
  get className(): string {
    return this.constructor.name;
  }

  /**
   * Keras's `operation(*args)`: `symbolicCall` when a KerasTensor is among the arguments (at the
   * top, in a list or in an options object), `call` otherwise.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever `call` returns
  apply(...args: unknown[]): any {
    return hasSymbolic(args) ? this.symbolicCall(...args) : this.call(...args);
  }

  /** The computation, on tensors. */
  call(..._args: unknown[]): unknown {
    throw new ValueError(
      `${this.className}.call() is not implemented: an Operation subclass implements call()`,
    );
  }

  /**
   * The outputs' KerasTensors for arguments holding KerasTensors. The default runs `call` on
   * zeros of the inputs' shapes, twice with the unknown sizes set apart (2 and 3), to see which
   * output axes follow them; override it when `call` cannot run on zeros.
   */
  computeOutputSpec(...args: unknown[]): unknown {
    const run = (fillIn: number): unknown =>
      noGrad(() => this.call(...mapLeaves(args, (x) => zerosLike(x, fillIn))));
    let first: unknown;
    let second: unknown;
    try {
      first = run(2);
      const unknownSizes = hasSymbolicLeaf(args, (t) => t.shape.includes(null));
      second = unknownSizes ? run(3) : first;
    } catch (e) {
      if (e instanceof Error) {
        const cls = this.className;
        e.message =
          `Could not automatically infer the output shape / dtype of '${this.name}' (of type ` +
          `${cls}). Either the \`${cls}.call()\` method is incorrect, or you need to implement ` +
          `the \`${cls}.computeOutputSpec()\` method. Error encountered:\n\n${e.message}`;
      }
      throw e;
    }
    const seconds = flattenLeaves(second);
    let i = 0;
    return mapLeaves([first], (t) => {
      if (!(t instanceof Tensor)) return t;
      const other = seconds[i++] as Tensor;
      const shape = t.shape.map((d, axis) => (d === other.shape[axis] ? d : null));
      return new KerasTensor(shape, t.dtype, { name: `${this.name}_output_${i - 1}` });
    })[0];
  }

  /**
   * Keras's `symbolic_call`: infers the outputs (`computeOutputSpec`) and records a node of the
   * functional graph; returns the outputs in the structure `computeOutputSpec` gave.
   */
  symbolicCall(...args: unknown[]): unknown {
    const node = new OperationCall(this, callsOf(this).length);
    const outputs = node.applyTo(args);
    return node.restructure(Array.isArray(outputs) ? outputs : [outputs]);
  }

  /** The graph nodes of this operation's symbolic calls (Keras's `_inbound_nodes`). */
  get inboundNodes(): Node[] {
    return callsOf(this).flatMap((c) => c.inboundNodes);
  }

  /** Keras `operation.input`: the KerasTensor(s) of the first symbolic call. */
  get input(): KerasTensor | KerasTensor[] {
    const node = this.firstNode("input");
    return node.inputs.length === 1 ? node.inputs[0]! : [...node.inputs];
  }

  /** Keras `operation.output`: the KerasTensor(s) the first symbolic call returned. */
  get output(): KerasTensor | KerasTensor[] {
    const node = this.firstNode("output");
    return node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs];
  }

  private firstNode(what: string): Node {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new ValueError(
        `The operation ${this.name} has never been called and thus has no defined ${what}.`,
      );
    }
    return node;
  }

  /** Keras's config: `{name}`; a subclass with constructor arguments adds them. */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /** Keras's `from_config`: the constructor given the config. */
  static fromConfig<T>(
    this: new (config: Record<string, unknown>) => T,
    config: Record<string, unknown>,
  ): T {
    try {
      return new this(config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new ValueError(
        `Error when deserializing class '${this.name}' using config=${JSON.stringify(config)}.` +
          `\n\nException encountered: ${message}`,
      );
    }
  }

  toString(): string {
    return `<Operation name=${this.name}>`;
  }
}

/** One symbolic call of an Operation: the graph node that runs its `call` on real tensors. */
export class OperationCall extends SymbolicOp {
  /** The structure of the outputs (`computeOutputSpec`'s), its KerasTensors in order. */
  private outputSpec: unknown = null;

  constructor(
    readonly operation: Operation,
    callIndex: number,
  ) {
    super(operation.className, (...args: unknown[]) => flatOutputs(operation.call(...args)), {
      name: callIndex === 0 ? operation.name : `${operation.name}_${callIndex}`,
    });
  }

  /** A user's operation is none of keras.ops' functions. */
  override get signature(): undefined {
    return undefined;
  }

  override get className(): string {
    return this.operation.className;
  }

  /** The shapes `computeOutputSpec` gives for KerasTensors of the inputs' shapes and dtypes. */
  override computeOutputShape(inputShape: Shapes, inputDtypes?: readonly DType[]): Shapes {
    const shapes = inputShape as readonly ShapeSpec[];
    const inputs = shapes.map(
      (s, i) => new KerasTensor(s, inputDtypes?.[i] ?? "float32", { name: `input_${i}` }),
    );
    const spec = this.operation.computeOutputSpec(...fillTemplate(this.template, inputs));
    const leaves = flattenLeaves(spec);
    if (leaves.length === 0 || !leaves.every((t) => t instanceof KerasTensor)) {
      throw new ValueError(
        `${this.where()}: computeOutputSpec must return KerasTensors (one, or a list or object ` +
          `of them); received ${String(spec)}`,
      );
    }
    this.outputSpec = spec;
    this.outputDtypes = leaves.map((t) => t.dtype);
    const single = spec instanceof KerasTensor;
    return single ? leaves[0]!.shape : leaves.map((t) => t.shape);
  }

  /** The node's outputs (flat) in the structure of the outputs' spec. */
  restructure(flat: readonly KerasTensor[]): unknown {
    let i = 0;
    return mapLeaves([this.outputSpec], (t) => (t instanceof KerasTensor ? flat[i++] : t))[0];
  }

  /** Records the call's node (SymbolicOp's), and counts it among the operation's calls. */
  override applyTo(args: readonly unknown[]): KerasTensor | KerasTensor[] {
    const outputs = super.applyTo(args);
    callsOf(this.operation).push(this);
    return outputs;
  }

  /**
   * The operation's config as Keras writes it, under this node's name (each call of a shared
   * operation is its own node here, and is read back as its own operation).
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.operation.getConfig(), name: this.name };
  }

  /** A custom object's identity: its class, by its registered name when it has one. */
  override kerasIdentity(): { module: null; className: string; registeredName: string } {
    const cls = this.operation.constructor;
    return {
      module: null,
      className: this.className,
      registeredName: registeredNameOf(cls) ?? this.className,
    };
  }

  /** The call's arguments, its KerasTensors written by `ref`, as Keras's node `args`. */
  override serializeCall(ref: (t: KerasTensor) => unknown): {
    args: unknown[];
    kwargs: Record<string, unknown>;
  } {
    const constant = flattenLeaves(this.template).find(
      (x) => x instanceof Tensor || x instanceof Variable,
    );
    if (constant) {
      throw new ValueError(
        `${this.where()}: ${this.className} was called with a tensor constant, which a Keras ` +
          `config cannot hold; pass it as a number or a list`,
      );
    }
    const inputs = this.inboundNodes[0]!.inputs;
    return { args: fillTemplate(this.template, inputs.map(ref)), kwargs: {} };
  }

  /** Replays a node read from a config: its args, then its kwargs as one options object. */
  override applyKerasCall(
    args: readonly unknown[],
    kwargs: Record<string, unknown>,
  ): KerasTensor | KerasTensor[] {
    return this.applyTo(Object.keys(kwargs).length > 0 ? [...args, kwargs] : args);
  }

  /**
   * The node of a user's Operation named by a serialized config `{class_name, config,
   * registered_name}` (a class registered or among `customObjects`), built by its `fromConfig`;
   * undefined when the config names no Operation.
   */
  static fromSerialized(
    serialized: Record<string, unknown>,
    customObjects: CustomObjects,
  ): OperationCall | undefined {
    const cls = customObjectFor(serialized, customObjects);
    if (typeof cls !== "function" || !(cls.prototype instanceof Operation)) return undefined;
    const config = (serialized.config ?? {}) as Record<string, unknown>;
    return new OperationCall(instantiateRegistered(cls, config) as Operation, 0);
  }
}

/** The nodes of each operation's symbolic calls, first call first. */
const CALLS = new WeakMap<Operation, OperationCall[]>();

function callsOf(op: Operation): OperationCall[] {
  let calls = CALLS.get(op);
  if (!calls) CALLS.set(op, (calls = []));
  return calls;
}

registerCustomOperations(OperationCall.fromSerialized);

// ------------------------------------------------------------ nested arguments

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/** `fn` applied to every leaf of `x` (lists and plain objects are walked). */
export function mapLeaves<T>(x: readonly T[], fn: (leaf: unknown) => unknown): unknown[] {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (isPlainObject(v))
      return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, visit(w)]));
    return fn(v);
  };
  return x.map(visit);
}

/** The leaves of `x` in order. */
export function flattenLeaves(x: unknown): unknown[] {
  const out: unknown[] = [];
  mapLeaves([x], (leaf) => out.push(leaf));
  return out;
}

function hasSymbolicLeaf(x: unknown, test: (t: KerasTensor) => boolean): boolean {
  return flattenLeaves(x).some((leaf) => leaf instanceof KerasTensor && test(leaf));
}

/** Zeros standing in for a KerasTensor (unknown sizes `fillIn`); other leaves unchanged. */
function zerosLike(x: unknown, fillIn: number): unknown {
  if (!(x instanceof KerasTensor)) return x;
  const shape = x.shape.map((d) => d ?? fillIn);
  return x.dtype === "string"
    ? fromStrings(new Array<string>(sizeOf(shape)).fill(""), shape)
    : zeros(shape, x.dtype);
}

/** A call's outputs as the graph node holds them: one tensor, or its tensors in order. */
function flatOutputs(out: unknown): Tensor | Tensor[] {
  if (out instanceof Tensor) return out;
  const leaves = flattenLeaves(out);
  if (!leaves.every((t) => t instanceof Tensor)) {
    throw new StrataError(
      `Operation.call must return tensors (one, or a list or object of them); received ${String(out)}`,
    );
  }
  return leaves as Tensor[];
}
