import { valueAndGrad } from "../autodiff/grad.js";
import { SymbolicScope } from "../layers/symbolic/symbolic-scope.js";
import { printMsg } from "../utils/io-utils.js";
import { noGrad } from "../autodiff/tape.js";
import type { LoadWeightsOptions } from "./load-weights-options.js";
import { StrataError, ValueError, checkOptionNames } from "../errors.js";
import { add } from "../ops/elementwise.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Logs } from "../train/callbacks/callback.js";
import { Compiled, type CompileOptions } from "../train/compile.js";
import {
  type Batch,
  type BatchSource,
  type DataStructure,
  type StepData,
  type StepLogs,
  batchOfStepData,
  numericLogs,
  stepData,
} from "../train/data-adapter.js";
import { Metric } from "../train/metrics/index.js";
import type { Optimizer } from "../train/optimizers/index.js";
import * as trainer from "../train/trainer.js";
import { stepFunctions } from "../train/step-functions.js";
import type { TensorLike } from "../ops/core.js";
import { summaryLines } from "./summary.js";
import { restartStatefulLayers, unbuiltLayers } from "./build-on-batch.js";
import { InputLayer } from "../layers/core/input.js";
import { type CallOptions, Layer, SymbolicTensor, uniqueName } from "../layers/layer.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import { Graph, withInputLayers } from "./graph.js";
import { SymbolicOp } from "../layers/symbolic/symbolic-op.js";
import { type CustomObjects, registerBuiltInLayer, serializeLayer } from "../layers/registry.js";
import { camelizeKeys } from "../nn/serialization.js";
import { compileConfig, compileOptionsFromConfig } from "./compile-config.js";
import { type LayerMaker, functionalConfig, functionalFromConfig } from "./config.js";

export type SymbolicStructure =
  SymbolicTensor | readonly SymbolicTensor[] | Readonly<Record<string, SymbolicTensor>>;

export interface ModelArgs {
  inputs?: SymbolicStructure;
  outputs?: SymbolicStructure;
  name?: string;
  trainable?: boolean;
}

function flattenStructure(s: SymbolicStructure): {
  list: SymbolicTensor[];
  names: string[] | null;
} {
  if (Array.isArray(s)) return { list: [...s], names: null };
  if (typeof s === "object" && !("shape" in s)) {
    const entries = Object.entries(s as Record<string, SymbolicTensor>);
    return { list: entries.map(([, t]) => t), names: entries.map(([n]) => n) };
  }
  return { list: [s as SymbolicTensor], names: null };
}

/** `s` with the leaves of `flat` (its flattened list, possibly replaced) in their places. */
function restructure(
  s: SymbolicStructure,
  flat: { list: SymbolicTensor[]; names: string[] | null },
): SymbolicStructure {
  if (Array.isArray(s)) return flat.list;
  if (flat.names) return Object.fromEntries(flat.names.map((n, i) => [n, flat.list[i]!]));
  return flat.list[0]!;
}

const MODEL_ARGS = ["inputs", "outputs", "name", "trainable"];

/** The constructor's arguments in their object form; unknown options are an error, as in Keras. */
function modelArgs(
  first: ModelArgs | SymbolicStructure,
  outputs: SymbolicStructure | undefined,
  rest: Omit<ModelArgs, "inputs" | "outputs">,
): ModelArgs {
  const positional =
    outputs !== undefined || first instanceof SymbolicTensor || Array.isArray(first);
  const args = positional
    ? { ...rest, inputs: first as SymbolicStructure, outputs }
    : (first as ModelArgs);
  checkOptionNames("Model", args, MODEL_ARGS);
  return args;
}

/**
 * Model's file methods (`save`, `saveWeights`, `loadWeights`). They live in models/saving/, which
 * composes io's formats with Model and so imports this module; it hands them over here when it
 * loads (models/index.ts imports it, so importing the library sets them).
 */
export interface ModelFiles {
  save(model: Model, path: string): Promise<void>;
  saveWeights(model: Model, path: string): Promise<void>;
  loadWeights(model: Model, path: string, opts?: LoadWeightsOptions): Promise<void>;
}

let files: ModelFiles | null = null;

/** Called once, by models/saving/index.ts. */
export function setModelFiles(f: ModelFiles): void {
  files = f;
}

function modelFiles(method: string): ModelFiles {
  if (!files) {
    throw new StrataError(
      `model.${method}: saving is not loaded; import the library (or src/models/index.ts), which loads src/models/saving/`,
    );
  }
  return files;
}

/**
 * A Keras model: a layer with a training API. Given `{inputs, outputs}` it is a functional model
 * over the graph between them; subclassed, it runs the subclass's `call`. The training methods
 * (compile, fit, evaluate, predict …) are attached by `train/`.
 */
export class Model extends Layer {
  protected graph: Graph | null = null;
  /** names of the inputs and outputs (input layer names; output layer names or the dict keys) */
  inputNames: string[] = [];
  outputNames: string[] = [];
  /** whether outputs were given as a single tensor (predict then returns one tensor) */
  protected singleOutput = true;

  /**
   * `new Model({inputs, outputs, name})`, or Keras's positional form `new Model(inputs, outputs,
   * {name})`; neither inputs nor outputs: a subclassed model.
   */
  constructor(args?: ModelArgs);
  constructor(
    inputs: SymbolicStructure,
    outputs: SymbolicStructure,
    args?: Omit<ModelArgs, "inputs" | "outputs">,
  );
  constructor(
    first: ModelArgs | SymbolicStructure = {},
    outputs?: SymbolicStructure,
    rest: Omit<ModelArgs, "inputs" | "outputs"> = {},
  ) {
    const args = modelArgs(first, outputs, rest);
    // Keras 3 names a model built from inputs and outputs "functional", "functional_1", …
    const name = args.name ?? (args.inputs && args.outputs ? uniqueName("functional") : undefined);
    super({ name, trainable: args.trainable });
    if ((args.inputs === undefined) !== (args.outputs === undefined)) {
      throw new ValueError(
        `${this.where()}: give both inputs and outputs for a functional model, or neither`,
      );
    }
    if (args.inputs && args.outputs) this.setGraph(args.inputs, args.outputs);
  }

  protected setGraph(inputs: SymbolicStructure, outputs: SymbolicStructure): void {
    const ins = flattenStructure(inputs);
    const outs = flattenStructure(outputs);
    const cut = withInputLayers(ins.list, outs.list);
    ins.list = cut.inputs;
    outs.list = cut.outputs;
    this.graph = new Graph(ins.list, outs.list, this.where());
    this.inputStructure = restructure(inputs, ins);
    this.outputStructure = restructure(outputs, outs);
    this.inputNames = ins.list.map((t) => t.node!.layer.name);
    this.outputNames = outs.names ?? outs.list.map((t) => t.node!.layer.name);
    this.singleOutput = outs.list.length === 1 && !Array.isArray(outputs) && outs.names === null;
    this.built = true;
  }

  get isFunctional(): boolean {
    return this.graph !== null;
  }

  /** Keras `model.layers`: the graph's layers, without the op nodes of `ops` calls on symbolic tensors. */
  override get layers(): Layer[] {
    return this.operations.filter((l) => !(l instanceof SymbolicOp));
  }

  /** Keras `model.operations`: every node of the graph in order, op nodes included. */
  get operations(): Layer[] {
    return this.graph ? this.graph.layers : super.layers;
  }

  /**
   * Keras `model.input` / `model.output`: the model's own symbolic inputs and outputs (one tensor,
   * or a list; a name-keyed structure gives its tensors in order), to build a new Model on them.
   */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    return this.ownEnds("input", this.graph?.inputs);
  }
  override get output(): SymbolicTensor | SymbolicTensor[] {
    return this.ownEnds("output", this.graph?.outputs);
  }

  private ownEnds(
    what: string,
    ends: readonly SymbolicTensor[] | undefined,
  ): SymbolicTensor | SymbolicTensor[] {
    if (!ends) {
      throw new ValueError(
        `${this.where()}: the model has no defined ${what} yet (a functional model has one; ` +
          `a Sequential model once its input shape is known)`,
      );
    }
    const structure = what === "input" ? this.inputStructure : this.outputStructure;
    return ends.length === 1 && !Array.isArray(structure) ? ends[0]! : [...ends];
  }

  /** The symbolic inputs and outputs of a functional (or built Sequential) model. */
  get inputs(): readonly SymbolicTensor[] {
    return this.graph?.inputs ?? [];
  }
  get outputs(): readonly SymbolicTensor[] {
    return this.graph?.outputs ?? [];
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    if (!this.graph) {
      throw new ValueError(
        `${this.where()}: a subclassed Model must override call(inputs, {training})`,
      );
    }
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.graph.inputs.length) {
      throw new ValueError(
        `${this.where()}: expects ${this.graph.inputs.length} input(s) (${this.inputNames.join(", ")}); received ${list.length}`,
      );
    }
    const outs = this.graph.run(list, opts);
    return this.singleOutput ? outs[0]! : outs;
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
  ): ShapeSpec | ShapeSpec[] {
    if (!this.graph) return super.computeOutputShape(inputShape) as ShapeSpec | ShapeSpec[];
    const shapes = this.graph.outputShapes();
    return this.singleOutput ? shapes[0]! : shapes;
  }

  /** Layers of the model, the input layers excluded (what `summary` and `getLayer` walk). */
  protected get bodyLayers(): Layer[] {
    return this.layers.filter((l) => !(l instanceof InputLayer));
  }

  // ------------------------------------------------------------ training API

  compiled: Compiled | null = null;
  stopTraining = false;
  /** Keras `model.history`: the History of the latest fit. */
  history: trainer.History | null = null;

  /** Keras `compile`: the optimizer, loss(es), metrics and loss weights for training. */
  compile(opts: CompileOptions = {}): void {
    this.compiled = new Compiled(opts, this.outputNames.length > 0 ? this.outputNames : ["output"]);
    this.compileOptions = opts;
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  private requireCompiled(what: string): Compiled {
    if (!this.compiled) throw new ValueError(`${this.where()}: call compile() before ${what}()`);
    return this.compiled;
  }

  /**
   * Keras `model(x)`: a model whose outputs were named in an object returns an object of them
   * (of tensors, or of symbolic tensors when called on symbolic inputs); any other model returns
   * what its outputs were given as. `applyNode` gives the outputs flat.
   */
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: CallOptions,
  ): SymbolicTensor;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[] | TensorLike | readonly TensorLike[],
    opts: CallOptions = {},
  ): SymbolicTensor | Tensor {
    const out = super.apply(inputs as SymbolicTensor, opts) as SymbolicTensor | SymbolicTensor[];
    const names = this.namedOutputs();
    if (!names || !Array.isArray(out)) return out as SymbolicTensor;
    return Object.fromEntries(names.map((n, i) => [n, out[i]!])) as unknown as SymbolicTensor;
  }

  override applyNode(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: CallOptions,
  ): SymbolicTensor;
  override applyNode(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  override applyNode(
    inputs: SymbolicTensor | readonly SymbolicTensor[] | TensorLike | readonly TensorLike[],
    opts: CallOptions = {},
  ): SymbolicTensor | Tensor {
    return super.apply(inputs as SymbolicTensor, opts);
  }

  /** The output names when the outputs were given as a name-keyed object, else null. */
  private namedOutputs(): string[] | null {
    const s = this.outputStructure;
    const named = s !== null && !Array.isArray(s) && !(s instanceof SymbolicTensor);
    return named && !this.singleOutput ? this.outputNames : null;
  }

  /** Runs the model and returns its outputs as a list. */
  private forward(x: Tensor[], training: boolean): Tensor[] {
    const out = this.applyNode((x.length === 1 ? x[0]! : x) as Tensor, { training });
    return Array.isArray(out) ? out : [out];
  }

  /**
   * Keras `compute_loss`: the compiled loss of `yPred` against `y` (with sample weights) plus
   * every loss the layers added, as a custom `trainStep` computes it inside `valueAndGrad`. `y` and
   * `yPred` are one tensor for one output, else a list in the outputs' order.
   */
  computeLoss(args: {
    y: Tensor | readonly Tensor[];
    yPred: Tensor | readonly Tensor[];
    sampleWeight?: Tensor | null;
    x?: unknown;
    training?: boolean;
  }): Tensor {
    checkOptionNames("computeLoss", args, ["x", "y", "yPred", "sampleWeight", "training"]);
    const list = (v: Tensor | readonly Tensor[]) => (Array.isArray(v) ? [...v] : [v as Tensor]);
    const batch: Batch = { x: [], y: list(args.y), sampleWeight: args.sampleWeight ?? null };
    return this.totalLoss(batch, list(args.yPred), this.requireCompiled("computeLoss")).loss;
  }

  /** The compiled loss plus every loss the layers added (regularization, addLoss). */
  private totalLoss(batch: Batch, yPred: Tensor[], c: Compiled) {
    const { total, terms } = c.computeLoss(batch.y!, yPred, batch.sampleWeight);
    const extra = this.losses;
    return { loss: extra.reduce((acc: Tensor, l) => add(acc, l), total), terms };
  }

  /**
   * Keras's `_symbolic_build`, run before the first training step: every layer gets its weights,
   * so the first step's gradient covers them all and a custom `trainStep` finds them in
   * `trainableWeights`. Where Keras traces the model on the batch's shapes, Strata runs it once in
   * inference mode without recording (no dropout draws, no moving-average updates), inside a
   * SymbolicScope as Keras's trace is.
   */
  buildOnBatch(x: Tensor[]): void {
    const unbuilt = unbuiltLayers(this);
    if (unbuilt.length === 0) return;
    new SymbolicScope().run(() => noGrad(() => this.forward(x, false)));
    restartStatefulLayers(unbuilt);
  }

  /**
   * One optimization step (Keras `train_step`); override for custom training. `data` is what
   * Keras passes: x, `[x, y]` or `[x, y, sampleWeight]` (`utils.unpackXYSampleWeight` reads it).
   */
  trainStep(data: StepData): StepLogs {
    const batch = batchOfStepData(data);
    const c = this.requireCompiled("fit");
    if (!batch.y) throw new ValueError(`${this.where()}: training needs targets y`);
    const vars = this.trainableWeights;
    let yPred: Tensor[] = [];
    let terms: (Tensor | null)[] = [];
    let loss: Tensor | null = null;
    // As Keras's train_step: the gradients are those of the optimizer's scaled loss
    // (LossScaleOptimizer, lossScaleFactor), which the optimizer unscales; metrics see the loss.
    const { grads } = valueAndGrad(() => {
      yPred = this.forward(batch.x, true);
      const r = this.totalLoss(batch, yPred, c);
      terms = r.terms;
      loss = r.loss;
      return c.optimizer.scaleLoss(r.loss);
    }, vars);
    c.optimizer.apply(grads, vars);
    c.updateMetrics(loss!, terms, batch.y, yPred, batch.sampleWeight);
    return c.results();
  }

  /** One evaluation step (Keras `test_step`), on data as `trainStep` receives it. */
  testStep(data: StepData): StepLogs {
    const batch = batchOfStepData(data);
    const c = this.requireCompiled("evaluate");
    if (!batch.y) throw new ValueError(`${this.where()}: evaluation needs targets y`);
    const yPred = this.forward(batch.x, false);
    const { loss, terms } = this.totalLoss(batch, yPred, c);
    c.updateMetrics(loss, terms, batch.y, yPred, batch.sampleWeight);
    return c.results();
  }

  predictStep(x: Tensor[]): Tensor[] {
    return this.forward(x, false);
  }

  /**
   * Keras `model.metrics`: the compiled ones (the loss first), then the Metric objects the model
   * holds as properties (a custom trainStep's trackers). A subclass may override it, as Keras's
   * VAE and GAN examples do; fit resets these at each epoch and evaluate reports them.
   */
  get metrics(): Metric[] {
    const compiled = this.compiled?.metrics ?? [];
    const own = Object.values(this).filter((v): v is Metric => v instanceof Metric);
    return [...compiled, ...own.filter((m) => !compiled.includes(m))];
  }

  resetMetrics(): void {
    for (const m of this.metrics) m.resetState();
  }

  /** The metrics' current values by name (Keras `get_metrics_result`). */
  metricsResults(): Logs {
    const list = this.metrics;
    const compiled = this.compiled?.metrics ?? [];
    const logs: Logs = list.some((m) => compiled.includes(m)) ? this.compiled!.results() : {};
    for (const m of list) if (!compiled.includes(m)) logs[m.name] = Number(m.result().item());
    return logs;
  }

  get metricsNames(): string[] {
    return this.metrics.map((m) => m.name);
  }

  fit(x: BatchSource, opts?: trainer.FitOptions): Promise<trainer.History>;
  fit(x: DataStructure, y: DataStructure, opts?: trainer.FitOptions): Promise<trainer.History>;
  /** Without targets: for a model with its own trainStep (Keras's VAE and GAN guides). */
  fit(x: DataStructure, opts?: trainer.FitOptions): Promise<trainer.History>;
  fit(
    x: DataStructure | BatchSource,
    y?: DataStructure | trainer.FitOptions,
    opts?: trainer.FitOptions,
  ) {
    return trainer.fit(this, x, y, opts);
  }

  evaluate(x: BatchSource, opts?: trainer.EvaluateOptions): Promise<Logs>;
  evaluate(x: DataStructure, y: DataStructure, opts?: trainer.EvaluateOptions): Promise<Logs>;
  evaluate(x: DataStructure, opts?: trainer.EvaluateOptions): Promise<Logs>;
  evaluate(
    x: DataStructure | BatchSource,
    y?: DataStructure | trainer.EvaluateOptions,
    opts?: trainer.EvaluateOptions,
  ) {
    return trainer.evaluate(this, x, y, opts);
  }

  /** Outputs for every sample: one tensor, or one per output for a multi-output model. */
  async predict(
    x: DataStructure | BatchSource,
    opts?: trainer.PredictOptions,
  ): Promise<Tensor | Tensor[] | Record<string, Tensor>> {
    return this.structuredOutputs(await trainer.predict(this, x, opts));
  }

  predictOnBatch(x: DataStructure): Tensor | Tensor[] | Record<string, Tensor> {
    return this.structuredOutputs(stepFunctions(this).predict(trainer.inputsOf(this, x)));
  }

  /** Outputs as the model declared them: one tensor, a list, or an object by output name. */
  private structuredOutputs(outs: Tensor[]): Tensor | Tensor[] | Record<string, Tensor> {
    if (this.singleOutput) return outs[0]!;
    const names = this.namedOutputs();
    return names ? Object.fromEntries(names.map((n, i) => [n, outs[i]!])) : outs;
  }

  /** One step on one batch; returns the logs (Keras `train_on_batch(return_dict=True)`). */
  trainOnBatch(x: DataStructure, y: DataStructure, opts: { sampleWeight?: TensorLike } = {}): Logs {
    this.resetMetrics();
    const batch = trainer.batchOf(this, x, y, opts.sampleWeight);
    this.buildOnBatch(batch.x);
    return numericLogs(stepFunctions(this).train(stepData(batch)), "trainStep");
  }

  testOnBatch(x: DataStructure, y: DataStructure, opts: { sampleWeight?: TensorLike } = {}): Logs {
    this.resetMetrics();
    return numericLogs(
      stepFunctions(this).test(stepData(trainer.batchOf(this, x, y, opts.sampleWeight))),
      "testStep",
    );
  }

  /**
   * Keras's summary table; printed with `print` — by default Keras's `print_msg`: stdout, or the
   * log (stderr) while interactive logging is disabled.
   */
  summary(print: (line: string) => void = (line) => printMsg(line)): void {
    if (!this.built) {
      throw new ValueError(
        `${this.where()}: this model has not yet been built. Build it by calling it on data, or give the first layer an inputShape or start with an Input().`,
      );
    }
    for (const line of summaryLines(this)) print(line);
  }

  /** Keras `get_layer(name)`. */
  getLayer(name: string): Layer {
    const found = this.layers.find((l) => l.name === name);
    if (!found) {
      throw new ValueError(
        `${this.where()}: no layer named "${name}"; layers: ${this.layers.map((l) => l.name).join(", ")}`,
      );
    }
    return found;
  }

  /**
   * Keras `save_weights`: the model's weights, and the optimizer's state once it is built, written
   * atomically to `path`. A path ending in `.weights.h5` gets Keras 3's HDF5 layout (readable by
   * Keras's `load_weights`); any other path gets Strata's interim JSON (src/io/weights-json.ts).
   */
  async saveWeights(path: string): Promise<void> {
    await modelFiles("saveWeights").saveWeights(this, path);
  }

  /**
   * Keras `model.save`: the whole model (config, compile settings, weights and optimizer state) as
   * a Keras 3 `.keras` archive, written atomically. Read it back with `st.models.loadModel`.
   */
  async save(path: string): Promise<void> {
    await modelFiles("save").save(this, path);
  }

  /**
   * Keras `load_weights`: from a Keras 3 `.weights.h5` or `.keras` file (weights matched by Keras's
   * layout), or from `saveWeights`' interim JSON (matched by position). Everything is checked
   * (count, shapes) before any weight is set. A compiled model also gets the optimizer's saved
   * state (building the optimizer first), as Keras does; like Keras, a mismatched optimizer is
   * skipped with a warning. A legacy `.h5` file's layers are matched in order, or by name with
   * `byName`; `skipMismatch` skips mismatched weights with a warning, as Keras's options do.
   */
  async loadWeights(path: string, opts?: LoadWeightsOptions): Promise<void> {
    await modelFiles("loadWeights").loadWeights(this, path, opts);
  }

  // ------------------------------------------------------------ Keras config (see config.ts)

  /** the inputs and outputs as given (a tensor, a list or a name-keyed object), for the config */
  protected inputStructure: SymbolicStructure | null = null;
  protected outputStructure: SymbolicStructure | null = null;
  /** the options `compile` was given, for Keras's `compile_config` */
  protected compileOptions: CompileOptions | null = null;

  /**
   * Keras's `get_config()`: for a functional model its layers and their calls
   * (`{name, trainable, layers, input_layers, output_layers}`); a subclassed model has only the
   * base fields and must override this (and `fromConfig`) to be saved.
   */
  override getConfig(): Record<string, unknown> {
    if (!this.graph || !this.inputStructure || !this.outputStructure) return super.getConfig();
    return functionalConfig({
      name: this.name,
      trainable: this.trainable,
      inputStructure: this.inputStructure,
      outputStructure: this.outputStructure,
    });
  }

  /** Keras's `get_build_config()`: a functional model records `input_shape: null`. */
  getBuildConfig(): Record<string, unknown> | null {
    if (this.graph) return { input_shape: null };
    if (!this.built || !this.buildInputShape) return null;
    return { input_shape: structuredClone(this.buildInputShape) };
  }

  /** Keras's `get_compile_config()`: the compile arguments, the optimizer serialized. */
  getCompileConfig(): Record<string, unknown> | null {
    if (!this.compiled || !this.compileOptions) return null;
    return compileConfig(this.compileOptions, this.compiled.optimizer);
  }

  /** Keras `model.to_json()`: the serialized model (with build and compile configs) as JSON. */
  toJson(): string {
    return JSON.stringify(serializeLayer(this));
  }

  /** Keras's `compile_from_config()`. */
  compileFromConfig(config: Record<string, unknown>): void {
    this.compile(compileOptionsFromConfig(config));
  }

  /**
   * Keras `Model.from_config`: a functional config is rebuilt by creating its layers and
   * replaying their calls; any other config is passed to the constructor.
   */
  static fromConfig(
    config: Record<string, unknown>,
    customObjects: CustomObjects = {},
    makeLayer?: LayerMaker,
  ): Model {
    const ctor = this as unknown as new (args: ModelArgs) => Model;
    const functional = ["layers", "input_layers", "output_layers"].every((k) => k in config);
    if (!functional) return new ctor(camelizeKeys(config) as ModelArgs);
    const where = `${this.name}.fromConfig`;
    const { inputs, outputs, name, trainable } = functionalFromConfig(
      config,
      customObjects,
      where,
      makeLayer,
    );
    return new ctor({ inputs, outputs, name, trainable });
  }
}

// Keras writes functional models as class Functional (Keras 2 wrote "Model").
registerBuiltInLayer("Functional", Model, "keras.src.models.functional", "Functional");
registerBuiltInLayer("Model", Model, "keras.src.models.functional", "Functional");
