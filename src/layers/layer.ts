import { noGrad } from "../autodiff/tape.js";
import { getStatelessScope } from "../autodiff/stateless-scope.js";
import { remat, rematerialize } from "../autodiff/remat.js";
import { floatx } from "../tensor/config.js";
import { Variable } from "../autodiff/variable.js";
import { StrataError, ValueError, fmtShape } from "../errors.js";
import { getInitializer } from "../nn/initializers.js";
import { type Regularizer, getRegularizer } from "../nn/regularizers.js";
import { getConstraint } from "../nn/constraints.js";
import { toSnakeCase } from "../nn/serialization.js";
import { type TensorLike, asTensor } from "../ops/core.js";
import { divide } from "../ops/elementwise.js";
import { zeros } from "../tensor/creation.js";
import { type DType, checkDType, checkNumericDType, isFloat } from "../tensor/dtype.js";
import { Tensor, fromStrings } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import type { AddWeightOptions, CallOptions, LayerArgs } from "./layer-types.js";
import { maskOf, setMask } from "./masks.js";
import { uniqueName } from "./names.js";
import { SymbolicScope } from "./symbolic/symbolic-scope.js";
import { type RematMode, getCurrentRematMode } from "./remat-scope.js";
import { checkCallOptions, checkLayerOptions, optionsToCheck } from "./option-check.js";
import { type ShapeSpec, type Shapes, batchless, fmtShapes, fmtSpec } from "./shape-spec.js";
import { type InputSpecs, assertInputCompatibility } from "./input-spec.js";

export type { AddWeightOptions, CallOptions, LayerArgs } from "./layer-types.js";
export { maskOf } from "./masks.js";
export { resetNames, uniqueName } from "./names.js";

/** The `training` flag of the enclosing layer call, inherited by nested calls that omit it. */
let contextTraining: boolean | undefined;
let callDepth = 0;
/** While a rematerialized call runs: every loss added, so they become outputs of its tape node. */
let lossSink: Tensor[] | null = null;

/**
 * The Keras layer lifecycle: created with its options, built lazily from the first input shape
 * (`build` makes the weights with `addWeight`), then called. The same `apply` builds the
 * functional graph when given symbolic tensors and computes when given tensors.
 */
export abstract class Layer {
  name: string;
  readonly dtype: DType;
  built = false;
  /** Whether the layer passes an incoming mask on unchanged (Keras `supports_masking`). */
  supportsMasking = false;
  /** [null, ...inputShape] when the layer was given `inputShape`. */
  readonly batchInputShape: ShapeSpec | null;
  readonly inboundNodes: Node[] = [];
  readonly activityRegularizer: Regularizer | null;
  private trainableFlag: boolean;
  private readonly ownVariables: Variable[] = [];
  private readonly regularized: [Variable, Regularizer][] = [];
  private readonly callLosses: Tensor[] = [];
  /** Losses this layer added inside a StatelessScope that collects them (they live on the scope). */
  private readonly scopeLosses = new Set<Tensor>();
  /** The RematScope active when the layer was created (Keras `_remat_mode`), or null. */
  readonly rematMode: RematMode | null = getCurrentRematMode();
  /** input shape given to build, kept for Keras's `build_config` */
  buildInputShape: Shapes | null = null;
  /** The constructor's options, checked against the layer's declared ones at first use. */
  private uncheckedOptions: object | null;
  /**
   * Keras's `input_spec`: what the layer's call accepts (rank, dtype, shape, axis sizes), one
   * InputSpec or one per input; checked on every call, before and again after building.
   */
  inputSpec: InputSpecs | null = null;

  constructor(args: LayerArgs = {}) {
    this.uncheckedOptions = optionsToCheck(new.target, args);
    this.name = args.name ?? uniqueName(toSnakeCase(this.constructor.name));
    this.trainableFlag = args.trainable ?? true;
    this.dtype = checkDType(args.dtype ?? floatx(), `${this.constructor.name}`);
    this.batchInputShape = args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null;
    this.activityRegularizer = getRegularizer(args.activityRegularizer, this.where());
  }

  /** The class name Keras shows for this layer in summaries and plots. */
  get className(): string {
    return this.constructor.name;
  }

  /** "Layer "dense_1" (Dense)" — how errors name this layer. */
  where(): string {
    return `Layer "${this.name}" (${this.constructor.name})`;
  }

  // ------------------------------------------------------------ overridable lifecycle

  /** Creates the weights for inputs of this shape. */
  build(_inputShape: Shapes): void {}

  abstract call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[];

  /**
   * Output shape for an input shape. The default runs the layer once on zeros, twice, with the
   * unknown axes set to different sizes to see which output axes follow them, inside a
   * SymbolicScope; built-in layers compute it directly.
   */
  computeOutputShape(inputShape: Shapes, inputDtypes?: readonly DType[]): Shapes {
    const isList = Array.isArray(inputShape[0]) || inputShape.length === 0;
    const specs = (isList ? inputShape : [inputShape]) as ShapeSpec[];
    const run = (fillIn: number): number[][] =>
      noGrad(() => {
        const ins = specs.map((s, i) => {
          const shape = s.map((d) => d ?? fillIn);
          const dtype = inputDtypes?.[i] ?? floatx();
          return dtype === "string"
            ? fromStrings(new Array<string>(sizeOf(shape)).fill(""), shape)
            : zeros(shape, dtype);
        });
        const out = this.call(isList ? ins : ins[0]!, { training: false });
        return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
      });
    // Keras's symbolic stage: `call` can tell with inSymbolicScope() that the data is placeholders.
    const [a, b] = new SymbolicScope().run(() => [run(2), run(3)]);
    const merged = a.map((s, i) => s.map((d, j) => (d === b[i]![j] ? d : null)));
    return merged.length === 1 ? merged[0]! : merged;
  }

  /** Dtype of the outputs; layers that pass values through (Flatten, Reshape …) keep the input's. */
  computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.dtype;
  }

  /** The dtype of each of `count` outputs: all `computeOutputDtype` unless a layer knows better. */
  computeOutputDtypes(inputDtypes: readonly DType[], count: number): DType[] {
    return new Array<DType>(count).fill(this.computeOutputDtype(inputDtypes));
  }

  /**
   * The mask of the outputs (one per output for a layer with several): pass-through for
   * masking-aware layers, none otherwise.
   */
  computeMask(
    _inputs: Tensor | Tensor[],
    mask: Tensor | null | readonly (Tensor | null)[],
  ): Tensor | null | (Tensor | null)[] {
    if (!this.supportsMasking) return null;
    return Array.isArray(mask) ? (mask[0] ?? null) : (mask as Tensor | null);
  }

  // ------------------------------------------------------------ weights

  addWeight(opts: AddWeightOptions): Variable {
    const dtype = checkNumericDType(opts.dtype ?? this.dtype, this.where());
    const init = getInitializer(
      opts.initializer ?? (isFloat(dtype) ? "glorot_uniform" : "zeros"),
      this.where(),
    );
    const name = opts.name ?? `variable_${this.ownVariables.length}`;
    checkWeightShape(opts.shape, `${this.where()}: weight "${name}"`);
    const v = new Variable(init.apply(opts.shape, dtype), {
      trainable: opts.trainable ?? true,
      name: `${this.name}/${name}`,
    });
    v.constraint = getConstraint(opts.constraint, this.where());
    const reg = getRegularizer(opts.regularizer, this.where());
    if (reg) this.regularized.push([v, reg]);
    this.ownVariables.push(v);
    return v;
  }

  /** Sub-layers, found among the layer's own properties (Keras tracks attributes the same way). */
  get layers(): Layer[] {
    const found: Layer[] = [];
    for (const value of Object.values(this)) {
      if (value instanceof Layer) found.push(value);
      else if (Array.isArray(value)) for (const v of value) if (v instanceof Layer) found.push(v);
    }
    return [...new Set(found)];
  }

  get trainable(): boolean {
    return this.trainableFlag;
  }

  /** Freezing a layer freezes everything inside it. */
  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const l of this.layers) l.trainable = value;
  }

  /** Own trainable weights, own non-trainable ones, then each sub-layer's: Keras's order. */
  get weights(): Variable[] {
    const own = [
      ...this.ownVariables.filter((v) => v.trainable),
      ...this.ownVariables.filter((v) => !v.trainable),
    ];
    const all = [...own, ...this.layers.flatMap((l) => l.weights)];
    return [...new Set(all)];
  }

  /** Own trainable weights, then each sub-layer's (a frozen sub-layer contributes none). */
  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    const own = this.ownVariables.filter((v) => v.trainable);
    return [...new Set([...own, ...this.layers.flatMap((l) => l.trainableWeights)])];
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((v) => !trainable.has(v));
  }

  getWeights(): Tensor[] {
    return this.weights.map((v) => v.value);
  }

  setWeights(values: readonly (Tensor | TensorLike)[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new ValueError(
        `${this.where()}: setWeights expects ${ws.length} arrays; received ${values.length}`,
      );
    }
    ws.forEach((w, i) => {
      const t = asTensor(values[i]!);
      if (t.shape.join() !== w.shape.join()) {
        throw new ValueError(
          `${this.where()}: weight ${i} (${w.name}) has shape ${fmtShape(w.shape)}; received ${fmtShape(t.shape)}`,
        );
      }
      w.assign(t);
    });
  }

  countParams(): number {
    if (!this.built) {
      throw new ValueError(
        `${this.where()}: countParams needs a built layer; call it on data or build it first`,
      );
    }
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  // ------------------------------------------------------------ losses

  /** Adds a loss term computed during `call` (activity regularization, a VAE's KL term …). */
  addLoss(loss: Tensor): void {
    lossSink?.push(loss);
    const scope = getStatelessScope();
    if (!scope) {
      this.callLosses.push(loss);
    } else if (scope.collectLosses) {
      // Keras: inside a StatelessScope the loss goes to the scope (or nowhere), not the layer.
      scope.addLoss(loss);
      this.scopeLosses.add(loss);
    }
  }

  /** Losses from the last call plus the weight regularization penalties, of this layer and below. */
  get losses(): Tensor[] {
    const scope = getStatelessScope();
    return [
      ...(scope ? scope.losses.filter((l) => this.scopeLosses.has(l)) : this.callLosses),
      ...this.regularized.map(([v, reg]) => reg.apply(v.value)),
      ...this.layers.flatMap((l) => l.losses),
    ];
  }

  private clearLosses(): void {
    this.callLosses.length = 0;
    const scope = getStatelessScope();
    if (scope?.collectLosses) {
      const kept = scope.losses.filter((l) => !this.scopeLosses.has(l));
      scope.losses.splice(0, scope.losses.length, ...kept);
    }
    this.scopeLosses.clear();
    for (const l of this.layers) l.clearLosses();
  }

  // ------------------------------------------------------------ calling

  /**
   * Keras raises on an unknown keyword argument: a built-in layer's options are checked at its
   * first use (option-check.ts says why not in the constructor).
   */
  protected checkOptions(): void {
    const given = this.uncheckedOptions;
    if (!given) return;
    this.uncheckedOptions = null;
    checkLayerOptions(this.where(), this.constructor, given, () => this.getConfig());
  }

  /** Keras's `_assert_input_compatibility`: the call's inputs against `inputSpec`. */
  private checkInputSpec(inputs: readonly (Tensor | KerasTensor)[], isList: boolean): void {
    if (this.inputSpec)
      assertInputCompatibility(this.inputSpec, isList ? inputs : inputs[0]!, this.name);
  }

  /** Builds for `shapes` if unbuilt, checking the inputs against the spec `build` may have set. */
  private buildAndCheck(
    inputs: readonly (Tensor | KerasTensor)[],
    isList: boolean,
    shapes: Shapes,
  ): void {
    this.checkInputSpec(inputs, isList);
    const wasBuilt = this.built;
    this.ensureBuilt(shapes);
    if (!wasBuilt) this.checkInputSpec(inputs, isList);
  }

  /**
   * Keras raises on an unknown keyword argument to a call: the keys of `opts` must be training,
   * mask or one of the class's `static callOptions` (option-check.ts).
   */
  protected checkCallOptions(opts: object): void {
    checkCallOptions(() => this.where(), this, opts, Layer.prototype);
  }

  /** Builds the layer for this input shape if it is not built yet, naming the layer on failure. */
  ensureBuilt(inputShape: Shapes): void {
    this.checkOptions();
    if (this.built) return;
    this.withContext(() => this.build(inputShape));
    this.buildInputShape = inputShape;
    this.built = true;
  }

  /** Runs `fn`, prefixing any StrataError with this layer's name and its input shape. */
  protected withContext<T>(fn: () => T, shapes?: Shapes): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StrataError && !e.message.startsWith('Layer "')) {
        const detail = shapes ? ` (input shape ${fmtShapes(shapes)})` : "";
        e.message = `${this.where()}: ${e.message}${detail}`;
      }
      throw e;
    }
  }

  /** Keras `layer(inputs)`: symbolic inputs build the graph, tensors compute. */
  apply(inputs: KerasTensor | readonly KerasTensor[], opts?: CallOptions): KerasTensor;
  apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  apply(
    inputs: KerasTensor | readonly KerasTensor[] | TensorLike | readonly TensorLike[],
    opts: CallOptions = {},
  ): KerasTensor | Tensor {
    this.checkOptions();
    this.checkCallOptions(opts);
    const isList = Array.isArray(inputs) && (inputs.length === 0 || isTensorish(inputs[0]));
    const list = (isList ? inputs : [inputs]) as unknown[];
    if (list.some((x) => x instanceof KerasTensor)) {
      return this.applySymbolic(list as KerasTensor[], isList, opts) as KerasTensor;
    }
    return this.applyEager(
      list.map((x) => asTensor(x as TensorLike)),
      isList,
      opts,
    ) as Tensor;
  }

  /**
   * The call a functional graph makes for one of its nodes: `apply` with the outputs flat (one
   * tensor, or a list in order). The same as `apply` except for a model whose outputs are named
   * in an object, whose `apply` returns that object.
   */
  applyNode(inputs: KerasTensor | readonly KerasTensor[], opts?: CallOptions): KerasTensor;
  applyNode(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  applyNode(
    inputs: KerasTensor | readonly KerasTensor[] | TensorLike | readonly TensorLike[],
    opts: CallOptions = {},
  ): KerasTensor | Tensor {
    return this.apply(inputs as KerasTensor, opts);
  }

  /**
   * `apply` that always returns a list: every output of a layer with several (an RNN with
   * `returnState`, attention with `returnAttentionScores`), or the single output in a list of one.
   * Keras's `out, h, c = lstm(x)` is `const [out, h, c] = lstm.applyAll(x)`.
   */
  applyAll(inputs: KerasTensor | readonly KerasTensor[], opts?: CallOptions): KerasTensor[];
  applyAll(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor[];
  applyAll(
    inputs: KerasTensor | readonly KerasTensor[] | TensorLike | readonly TensorLike[],
    opts: CallOptions = {},
  ): KerasTensor[] | Tensor[] {
    const out = this.applyNode(inputs as KerasTensor, opts) as unknown;
    return (Array.isArray(out) ? out : [out]) as KerasTensor[] | Tensor[];
  }

  private applySymbolic(
    inputs: KerasTensor[],
    isList: boolean,
    opts: CallOptions,
  ): KerasTensor | KerasTensor[] {
    if (!inputs.every((x) => x instanceof KerasTensor)) {
      throw new ValueError(`${this.where()}: cannot mix symbolic tensors and tensors in one call`);
    }
    const shapes = inputs.map((s) => s.shape);
    const shapeArg = isList ? shapes : shapes[0]!;
    this.buildAndCheck(inputs, isList, shapeArg);
    const outShapes = this.withContext(
      () =>
        this.computeOutputShape(
          shapeArg,
          inputs.map((s) => s.dtype),
        ),
      shapeArg,
    );
    const several = outShapes.length > 0 && Array.isArray(outShapes[0]);
    const specs = (several ? outShapes : [outShapes]) as ShapeSpec[];
    const dtypes = this.computeOutputDtypes(
      inputs.map((s) => s.dtype),
      specs.length,
    );
    const outputs = specs.map((s, i) => {
      const name = specs.length === 1 ? this.name : `${this.name}_${i}`;
      const t = new KerasTensor(s, dtypes[i] ?? dtypes[0]!, name);
      t.index = i;
      return t;
    });
    const node = new Node(this, inputs, outputs, isList, { training: opts.training });
    outputs.forEach((t) => (t.node = node));
    this.inboundNodes.push(node);
    return several ? outputs : outputs[0]!;
  }

  private applyEager(inputs: Tensor[], isList: boolean, opts: CallOptions): Tensor | Tensor[] {
    const shapes = inputs.map((t) => t.shape);
    const shapeArg = isList ? shapes : shapes[0]!;
    this.buildAndCheck(inputs, isList, isList ? shapes.map(batchless) : batchless(shapes[0]!));
    const training = opts.training ?? contextTraining ?? false;
    const inMask =
      opts.mask !== undefined ? opts.mask : isList ? inputs.map(maskOf) : maskOf(inputs[0]!);
    const outer = contextTraining;
    if (callDepth === 0) this.clearLosses();
    contextTraining = training;
    callDepth++;
    try {
      const arg = isList ? inputs : inputs[0]!;
      const out = this.withContext(
        () => this.rematerializedCall(arg, { training, mask: inMask }),
        shapeArg,
      );
      const outMask = this.computeMask(arg, inMask);
      const outs = Array.isArray(out) ? out : [out];
      outs.forEach((t, i) => {
        const m = Array.isArray(outMask) ? outMask[i] : outMask;
        if (m) setMask(t, m);
      });
      if (this.activityRegularizer) {
        // Keras divides the activity penalty by the batch size.
        for (const t of outs)
          this.addLoss(divide(this.activityRegularizer.apply(t), t.shape[0] ?? 1));
      }
      return out;
    } finally {
      callDepth--;
      contextTraining = outer;
    }
  }

  /**
   * Keras's `rematerialized_call`: `call`, rematerialized as the layer's RematScope asks
   * (remat-scope.ts). Only while a gradient is being recorded; otherwise it is `call` itself.
   */
  private rematerializedCall(arg: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const { rematMode } = this;
    if (!rematMode || rematMode.mode === null) return this.call(arg, opts);
    if (rematMode.mode === "activations")
      return this.withRematActivation(() => this.call(arg, opts));
    if (rematMode.mode === "list_of_layers" && !rematMode.layerNames.includes(this.name)) {
      return this.call(arg, opts);
    }
    const training = contextTraining;
    const outCount = { n: 0 };
    const result = rematerialize(
      () => {
        // The rerun in the backward pass sees the call's context as the first run did.
        const [outerTraining, outerSink] = [contextTraining, lossSink];
        const losses: Tensor[] = [];
        contextTraining = training;
        lossSink = losses;
        callDepth++;
        try {
          return { out: this.call(arg, opts), losses };
        } finally {
          callDepth--;
          contextTraining = outerTraining;
          lossSink = outerSink;
          outerSink?.push(...losses);
        }
      },
      ({ out, losses }) => {
        const outs = Array.isArray(out) ? out : [out];
        outCount.n = outs.length;
        return [...outs, ...losses];
      },
      (outputs) =>
        rematMode.mode !== "larger_than" ||
        outputs.slice(0, outCount.n).reduce((n, t) => n + t.size, 0) >
          rematMode.outputSizeThreshold,
    );
    return result.out;
  }

  /** Keras's "activations" mode: the call with the layer's activation function rematerialized. */
  private withRematActivation<T>(fn: () => T): T {
    const holder = this as unknown as { activation?: unknown };
    const act = holder.activation;
    const slot = Object.getOwnPropertyDescriptor(this, "activation");
    if (typeof act !== "function" || !slot?.writable) return fn();
    holder.activation = remat(act as (...xs: unknown[]) => unknown);
    try {
      return fn();
    } finally {
      holder.activation = act;
    }
  }

  // ------------------------------------------------------------ serialization

  /**
   * Keras's config, snake_case keys; subclasses add their own fields. Like Keras 3 it does not
   * write `batch_input_shape`: the model's InputLayer carries the input shape.
   */
  /**
   * Keras `layer.input`: the symbolic input of the layer's first call (one tensor, or the list it
   * was called with), so a new Model can start from inside a trained one.
   */
  get input(): KerasTensor | KerasTensor[] {
    const node = this.firstNode("input");
    return node.inputs.length === 1 ? node.inputs[0]! : [...node.inputs];
  }

  /**
   * Keras `layer.output`: the symbolic output of the layer's first call, as the book cuts a
   * feature extractor out of a model (`new Model(model.input, model.getLayer(name).output)`).
   */
  get output(): KerasTensor | KerasTensor[] {
    const node = this.firstNode("output");
    return node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs];
  }

  private firstNode(what: string): Node {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new ValueError(
        `${this.where()}: the layer has never been called on symbolic inputs, so it has no ` +
          `defined ${what} (call it on an Input, or use it in a built model, first)`,
      );
    }
    return node;
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      name: this.name,
      trainable: this.trainable,
      dtype: {
        module: "keras",
        class_name: "DTypePolicy",
        config: { name: this.dtype },
        registered_name: null,
      },
    };
    if (this.activityRegularizer)
      config.activity_regularizer = this.activityRegularizer.serialize();
    return config;
  }

  toString(): string {
    return `<${this.constructor.name} name=${this.name}, built=${this.built}>`;
  }
}

// ------------------------------------------------------------ the functional graph's records
// A symbolic tensor knows the node that made it, a node knows its layer, a layer knows its
// nodes: the three types are defined together.

let nextId = 0;

/** One call of a layer on symbolic inputs: an edge bundle in the functional graph. */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: readonly KerasTensor[],
    readonly outputs: KerasTensor[],
    /** whether the layer was called with a list (merge layers) rather than one tensor */
    readonly inputIsList: boolean,
    /** options of the call beyond the inputs (training, and layer-specific ones such as
     * MultiHeadAttention's useCausalMask), replayed when the graph runs */
    readonly callOptions: { training?: boolean; [option: string]: unknown },
  ) {}
}

/** Keras's `KerasTensor` options beyond the shape and dtype. */
export interface KerasTensorOptions {
  name?: string;
  /** Strata has no sparse tensors: only false. */
  sparse?: boolean;
  /** Strata has no ragged tensors: only false. */
  ragged?: boolean;
}

/**
 * Keras's `KerasTensor`: a symbolic tensor, with a shape (the batch axis included, null for an
 * unknown size) and a dtype but no values. `Input()` returns one, a layer or op called on them
 * returns more (each remembers the node that made it), and `new KerasTensor(shape, dtype)` makes
 * a free one to trace a `Function` from. Inside Strata it is also called KerasTensor.
 */
export class KerasTensor {
  readonly id = nextId++;
  /** set once by the layer call that produced it */
  node: Node | null = null;
  index = 0;
  readonly shape: ShapeSpec;
  readonly dtype: DType;
  readonly name: string;

  constructor(shape: ShapeSpec, dtype: string = "float32", opts: string | KerasTensorOptions = {}) {
    const options = typeof opts === "string" ? { name: opts } : opts;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => d === null || (Number.isInteger(d) && d >= 0))
    ) {
      throw new ValueError(
        `KerasTensor: Cannot convert '${JSON.stringify(shape)}' to a shape; expected a list of ` +
          `non-negative integers or null`,
      );
    }
    if (options.sparse || options.ragged) {
      throw new ValueError(
        `KerasTensor: Strata has no ${options.sparse ? "sparse" : "ragged"} tensors; received ` +
          `${options.sparse ? "sparse" : "ragged"}=true`,
      );
    }
    this.shape = shape;
    this.dtype = checkDType(dtype, "KerasTensor");
    this.name = options.name ?? uniqueName("keras_tensor");
  }

  /** Keras `ndim`: the number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Always false: Strata's tensors are dense. */
  get sparse(): boolean {
    return false;
  }

  /** Always false: Strata has no ragged tensors. */
  get ragged(): boolean {
    return false;
  }

  toString(): string {
    return `<KerasTensor shape=${fmtSpec(this.shape)}, dtype=${this.dtype}, sparse=False, ragged=False, name=${this.name}>`;
  }
}

/** The functional graph's name for a KerasTensor (one class, two names). */
export { KerasTensor as SymbolicTensor };

function isTensorish(x: unknown): boolean {
  return x instanceof Tensor || x instanceof KerasTensor || x instanceof Variable;
}

/** The most elements one weight may have: a typed array's index range in every engine. */
const MAX_WEIGHT_ELEMENTS = 2 ** 31 - 1;

/**
 * A weight's shape must be whole, non-negative sizes of at most 2^31 - 1 elements in all: a
 * config read from a corrupt file may hold anything, and it becomes an allocation here.
 */
function checkWeightShape(shape: readonly number[], where: string): void {
  const whole = shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!whole || sizeOf(shape) > MAX_WEIGHT_ELEMENTS) {
    throw new ValueError(
      `${where}: expected a shape of non-negative integers with at most ${MAX_WEIGHT_ELEMENTS} ` +
        `elements; received ${whole ? fmtShape(shape) : JSON.stringify(shape)}`,
    );
  }
}
