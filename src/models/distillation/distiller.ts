/**
 * Keras 3.16's `keras.distillation.Distiller`: a Model that trains a student from a frozen
 * teacher. `call` is the student's; the loss of a training or evaluation step is
 * `w · studentLoss + (1 − w) · Σ_i weight_i · distillationLoss_i`, with `w` = studentLossWeight,
 * the student loss the one given to `compile` and each distillation loss computed on the
 * teacher's and student's outputs (or, for FeatureDistillation with layer names, on inner
 * layers' outputs read through a feature-extractor model cut from each). The steps report
 * Keras's metrics: `loss`, the compiled metrics, then `student_loss`, `distillation_loss` and
 * `total_loss`. `getConfig` / `fromConfig` and `.keras` saving carry both models and the losses.
 */
import { valueAndGrad } from "../../autodiff/grad.js";
import { noGrad } from "../../autodiff/tape.js";
import { ValueError, checkOptionNames } from "../../errors.js";
import { add, multiply } from "../../ops/elementwise.js";
import { mean } from "../../ops/reduce.js";
import { zeros } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { CompileOptions } from "../../train/compile.js";
import { type StepData, type StepLogs, batchOfStepData } from "../../train/data-adapter.js";
import { Mean } from "../../train/metrics/index.js";
import type { CallOptions } from "../../layers/layer-types.js";
import type { SymbolicTensor } from "../../layers/layer.js";
import {
  type CustomObjects,
  deserializeLayer,
  registerBuiltInLayer,
  serializeLayer,
} from "../../layers/registry.js";
import { Model, type SymbolicStructure } from "../model.js";
import { Sequential } from "../sequential.js";
import {
  DistillationLoss,
  FeatureDistillation,
  type Outputs,
  deserializeDistillationLoss,
  serializeDistillationLoss,
} from "./distillation-loss.js";

export interface DistillerArgs {
  /** the trained model the student learns from; frozen by the Distiller */
  teacher: Model;
  /** the model trained by distillation */
  student: Model;
  /** one distillation loss or a list of them */
  distillationLosses: DistillationLoss | readonly DistillationLoss[];
  /** one weight per distillation loss (a list of losses only); 1 each by default */
  distillationLossWeights?: readonly number[] | null;
  /** weight of the student's own loss, in [0, 1]; 0.5 by default */
  studentLossWeight?: number;
  name?: string;
  trainable?: boolean;
}

const DISTILLER_ARGS = [
  "teacher",
  "student",
  "distillationLosses",
  "distillationLossWeights",
  "studentLossWeight",
  "name",
  "trainable",
];

const FINAL = "final_output";

/** A feature extractor and where each named output sits in its output list. */
interface Extractor {
  model: Model;
  /** the final outputs' positions (one for a single-output model) */
  final: number[];
  singleFinal: boolean;
  /** each layer name's positions */
  layers: Map<string, number[]>;
}

type Features = Map<string, Outputs>;

function modelClassName(x: unknown): string {
  if (x === null) return "null";
  if (typeof x !== "object") return typeof x;
  return (x as object).constructor?.name ?? "object";
}

function shapeString(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? "null" : d)).join(", ")}]`;
}

export class Distiller extends Model {
  // Declared in this order so that attribute walks (sub-layers, metrics) see Keras's order.
  readonly teacher: Model;
  readonly student: Model;
  readonly studentLossWeight: number;
  readonly distillationLosses: DistillationLoss[];
  readonly distillationLossWeights: number[];
  /** models cut from the teacher / student at the layers FeatureDistillation names; null if none */
  teacherFeatureExtractor: Model | null;
  studentFeatureExtractor: Model | null;
  readonly studentLossTracker: Mean;
  readonly distillationLossTracker: Mean;
  readonly totalLossTracker: Mean;
  private teacherExtractor: Extractor | null;
  private studentExtractor: Extractor | null;

  constructor(args: DistillerArgs) {
    if (typeof args !== "object" || args === null) {
      throw new ValueError(
        `Distiller: expected {teacher, student, distillationLosses, …}; received ${String(args)}`,
      );
    }
    checkOptionNames("Distiller", args, DISTILLER_ARGS);
    super({ name: args.name ?? "distiller", trainable: args.trainable });
    const { teacher, student } = args;
    validateModels(teacher, student);
    this.teacher = teacher;
    this.student = student;

    const w = args.studentLossWeight ?? 0.5;
    if (typeof w !== "number" || Number.isNaN(w)) {
      throw new ValueError(`Distiller: studentLossWeight must be a number, got ${typeof w}`);
    }
    if (w < 0 || w > 1) {
      throw new ValueError(`Distiller: studentLossWeight must be between 0.0 and 1.0, got ${w}`);
    }
    this.studentLossWeight = w;

    const losses = args.distillationLosses;
    if (losses === null || losses === undefined) {
      throw new ValueError(
        "Distiller: 'distillationLosses' cannot be null. Provide a distillation loss (e.g., " +
          "LogitsDistillation or FeatureDistillation) or a list of distillation losses.",
      );
    }
    if (!Array.isArray(losses)) {
      this.distillationLosses = [losses as DistillationLoss];
      this.distillationLossWeights = [1];
    } else {
      this.distillationLosses = [...losses];
      const weights = args.distillationLossWeights;
      if (weights === null || weights === undefined) {
        this.distillationLossWeights = losses.map(() => 1);
      } else {
        if (weights.length !== losses.length) {
          throw new ValueError(
            `Distiller: number of distillationLossWeights (${weights.length}) must match number ` +
              `of distillationLosses (${losses.length})`,
          );
        }
        this.distillationLossWeights = [...weights];
      }
    }
    this.distillationLosses.forEach((loss, i) => {
      if (!(loss instanceof DistillationLoss)) {
        throw new ValueError(
          `Distiller: distillationLosses[${i}] must be a DistillationLoss (LogitsDistillation, ` +
            `FeatureDistillation or a subclass); received ${modelClassName(loss)}`,
        );
      }
      loss.validateModelCompatibility(teacher, student);
    });

    const names = (side: "teacherLayerName" | "studentLayerName") => [
      ...new Set(
        this.distillationLosses
          .map((l) => (l as Partial<FeatureDistillation>)[side])
          .filter((n): n is string => typeof n === "string" && n.length > 0),
      ),
    ];
    this.teacherExtractor = featureExtractor(teacher, names("teacherLayerName"));
    this.studentExtractor = featureExtractor(student, names("studentLayerName"));
    this.teacherFeatureExtractor = this.teacherExtractor?.model ?? null;
    this.studentFeatureExtractor = this.studentExtractor?.model ?? null;

    // The teacher is frozen (everything inside it too).
    this.teacher.trainable = false;

    this.studentLossTracker = new Mean({ name: "student_loss" });
    this.distillationLossTracker = new Mean({ name: "distillation_loss" });
    this.totalLossTracker = new Mean({ name: "total_loss" });

    // Data passes through fit / evaluate / predict as the student takes it.
    this.inputNames = [...student.inputNames];
    this.outputNames = [...student.outputNames];
    // predict returns what the student's predict returns (a list or an object for several outputs).
    const own = student as unknown as {
      singleOutput: boolean;
      outputStructure: SymbolicStructure | null;
    };
    this.singleOutput = own.singleOutput;
    this.outputStructure = own.outputStructure;
  }

  /** Keras `call`: the student's outputs. */
  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    return this.student.apply(inputs, opts) as unknown as Tensor | Tensor[];
  }

  /**
   * Keras `Distiller.compile`: the optimizer ("adam" by default) trains the student; `loss` (required)
   * is the student's own loss against the labels; `metrics` (a list) are the student's.
   */
  override compile(opts: CompileOptions = {}): void {
    if (opts.loss === undefined || opts.loss === null) {
      throw new ValueError(
        `${this.where()}: compile: 'loss' cannot be null (it is the student's loss against the labels)`,
      );
    }
    if (opts.metrics !== undefined && !Array.isArray(opts.metrics)) {
      throw new ValueError(
        `${this.where()}: compile: metrics must be a list, got ${modelClassName(opts.metrics)}`,
      );
    }
    super.compile({ optimizer: "adam", ...opts });
    // As Keras (its compiled loss is None): no per-output loss trackers, only the Distiller's own.
    this.compiled!.outputLossTrackers.splice(0);
  }

  /**
   * Restores the compile settings a saved Distiller recorded. Keras writes the Distiller's
   * compile config with `loss: null` and does not compile a loaded Distiller (its compile is
   * custom); such a config leaves the model uncompiled here too, with Keras's warning. Strata's
   * own files record the student's loss, so they come back compiled.
   */
  override compileFromConfig(config: Record<string, unknown>): void {
    if (config.loss === null || config.loss === undefined) {
      console.warn(
        `${this.where()}: compile() was not called as part of model loading because the saved ` +
          "compile config has no loss (as Keras writes a Distiller's); call compile() after loading.",
      );
      return;
    }
    super.compileFromConfig(config);
  }

  /**
   * Keras `Distiller.compute_loss`: the combined loss, updating the student, distillation and
   * total loss trackers. `x` is needed for the teacher; `y` may be null (then the student's own
   * loss is 0). Sample weights are not applied, as in Keras.
   */
  override computeLoss(args: {
    x?: unknown;
    y?: Tensor | readonly Tensor[] | null;
    yPred?: Tensor | readonly Tensor[];
    sampleWeight?: Tensor | null;
    training?: boolean;
  }): Tensor {
    checkOptionNames("computeLoss", args, ["x", "y", "yPred", "sampleWeight", "training"]);
    const training = args.training ?? true;
    const x = args.x as Tensor | Tensor[];
    if (x === undefined || x === null) {
      throw new ValueError(`${this.where()}: computeLoss needs x (the teacher's input)`);
    }
    const yPred = (args.yPred ?? this.apply(x, { training })) as Tensor | Tensor[];
    const predList = Array.isArray(yPred) ? [...yPred] : [yPred as Tensor];
    const w = this.studentLossWeight;

    let studentLoss: Tensor = zeros([]);
    if (w > 0 && args.y !== undefined && args.y !== null) {
      const c = this.compiled;
      if (!c) throw new ValueError(`${this.where()}: call compile() before computeLoss()`);
      const yList = Array.isArray(args.y) ? [...args.y] : [args.y as Tensor];
      if (yList.length !== predList.length) {
        throw new ValueError(
          `${this.where()}: y has ${yList.length} entries; the student has ${predList.length} outputs`,
        );
      }
      const terms = c.losses.flatMap((loss, i) =>
        loss ? [mean(loss.apply(yList[i]!, predList[i]!))] : [],
      );
      studentLoss = terms.reduce((a, b) => add(a, b), zeros([]));
    }

    let distillationLoss: Tensor = zeros([]);
    if (w < 1) {
      const teacherFeatures = noGrad(() => this.features(this.teacherExtractor, this.teacher, x));
      const studentFeatures: Features = this.studentExtractor
        ? this.extract(this.studentExtractor, x, training)
        : new Map();
      this.distillationLosses.forEach((lossFn, i) => {
        const named = lossFn as Partial<FeatureDistillation>;
        const byLayer =
          typeof named.teacherLayerName === "string" || typeof named.studentLayerName === "string";
        const teacherOut = byLayer
          ? pick(teacherFeatures, named.teacherLayerName ?? FINAL, lossFn, "teacher")
          : teacherFeatures.get(FINAL)!;
        const studentOut =
          byLayer && named.studentLayerName
            ? pick(studentFeatures, named.studentLayerName, lossFn, "student")
            : (yPred as Outputs);
        lossFn.validateOutputs(teacherOut, studentOut);
        const value = lossFn.computeLoss(teacherOut, studentOut);
        if (value.shape.length > 0) {
          throw new ValueError(
            `Distillation loss ${lossFn.constructor.name} returned a non-scalar loss with shape ` +
              `${shapeString(value.shape)}. The computeLoss method must return a scalar tensor.`,
          );
        }
        distillationLoss = add(distillationLoss, multiply(this.distillationLossWeights[i]!, value));
      });
    }

    const total = add(multiply(w, studentLoss), multiply(1 - w, distillationLoss));
    noGrad(() => {
      this.studentLossTracker.updateState(studentLoss);
      this.distillationLossTracker.updateState(distillationLoss);
      this.totalLossTracker.updateState(total);
    });
    return total;
  }

  /** Keras's train_step with the Distiller's loss: the student's weights move, the teacher's never. */
  override trainStep(data: StepData): StepLogs {
    const c = this.compiled;
    if (!c) throw new ValueError(`${this.where()}: call compile() before fit()`);
    const batch = batchOfStepData(data);
    const x = batch.x.length === 1 ? batch.x[0]! : batch.x;
    const y = batch.y === null ? null : batch.y.length === 1 ? batch.y[0]! : batch.y;
    const vars = this.trainableWeights;
    let yPred: Tensor | Tensor[] = [];
    let loss: Tensor | null = null;
    const { grads } = valueAndGrad(() => {
      yPred = this.apply(x, { training: true }) as Tensor | Tensor[];
      loss = this.computeLoss({ x, y, yPred, training: true });
      return c.optimizer.scaleLoss(loss);
    }, vars);
    c.optimizer.apply(grads, vars);
    this.updateCompiledMetrics(loss!, batch.y, yPred, batch.sampleWeight, batch.x[0]!);
    return this.metricsResults();
  }

  /** Keras's test_step with the Distiller's loss. */
  override testStep(data: StepData): StepLogs {
    const c = this.compiled;
    if (!c) throw new ValueError(`${this.where()}: call compile() before evaluate()`);
    const batch = batchOfStepData(data);
    const x = batch.x.length === 1 ? batch.x[0]! : batch.x;
    const y = batch.y === null ? null : batch.y.length === 1 ? batch.y[0]! : batch.y;
    const yPred = this.apply(x, { training: false }) as Tensor | Tensor[];
    const loss = this.computeLoss({ x, y, yPred, training: false });
    this.updateCompiledMetrics(loss, batch.y, yPred, batch.sampleWeight, batch.x[0]!);
    return this.metricsResults();
  }

  private updateCompiledMetrics(
    loss: Tensor,
    y: Tensor[] | null,
    yPred: Tensor | Tensor[],
    sampleWeight: Tensor | null,
    firstInput: Tensor,
  ): void {
    const c = this.compiled!;
    const predList = Array.isArray(yPred) ? yPred : [yPred];
    if (y) c.updateMetrics(loss, [], y, predList, sampleWeight);
    else noGrad(() => c.lossTracker.updateState(loss, firstInput.shape[0] ?? 1));
  }

  /** Every feature a model's extractor gives (or just its final output), by name. */
  private features(extractor: Extractor | null, model: Model, x: Tensor | Tensor[]): Features {
    if (extractor) return this.extract(extractor, x, false);
    return new Map([[FINAL, model.apply(x, { training: false }) as unknown as Outputs]]);
  }

  private extract(extractor: Extractor, x: Tensor | Tensor[], training: boolean): Features {
    const out = extractor.model.apply(x, { training }) as unknown as Tensor | Tensor[];
    const list = Array.isArray(out) ? out : [out];
    const at = (idx: number[], single: boolean): Outputs =>
      single ? list[idx[0]!]! : idx.map((i) => list[i]!);
    const features: Features = new Map([[FINAL, at(extractor.final, extractor.singleFinal)]]);
    for (const [name, idx] of extractor.layers) features.set(name, at(idx, idx.length === 1));
    return features;
  }

  // ------------------------------------------------------------ Keras config

  /** Keras `Distiller.get_config()`: both models serialized, the losses and their weights. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      teacher: serializeLayer(this.teacher),
      student: serializeLayer(this.student),
      distillation_losses: this.distillationLosses.map(serializeDistillationLoss),
      distillation_loss_weights: [...this.distillationLossWeights],
      student_loss_weight: this.studentLossWeight,
    };
  }

  /** Keras `Distiller.from_config`: models and losses deserialized (custom ones from customObjects). */
  static override fromConfig(
    config: Record<string, unknown>,
    customObjects: CustomObjects = {},
  ): Distiller {
    const model = (key: string): Model => {
      const layer = deserializeLayer(config[key], customObjects);
      if (!(layer instanceof Model)) {
        throw new ValueError(
          `Distiller.fromConfig: ${key} must be a model; received ${layer.constructor.name}`,
        );
      }
      return layer;
    };
    const losses = config.distillation_losses;
    if (!Array.isArray(losses)) {
      throw new ValueError(
        `Distiller.fromConfig: distillation_losses must be a list; received ${JSON.stringify(losses)}`,
      );
    }
    return new Distiller({
      teacher: model("teacher"),
      student: model("student"),
      distillationLosses: losses.map((l) => deserializeDistillationLoss(l, customObjects)),
      distillationLossWeights:
        (config.distillation_loss_weights as number[] | null | undefined) ?? null,
      studentLossWeight: config.student_loss_weight as number | undefined,
      name: config.name as string | undefined,
      trainable: config.trainable as boolean | undefined,
    });
  }
}

/** The features a distillation loss reads, or an error naming the loss and the layers. */
function pick(features: Features, name: string, loss: DistillationLoss, side: string): Outputs {
  const found = features.get(name);
  if (found === undefined) {
    const named = loss as Partial<FeatureDistillation>;
    throw new ValueError(
      `Failed to extract features for ${loss.constructor.name} targeting teacher layer ` +
        `'${named.teacherLayerName ?? null}' and student layer '${named.studentLayerName ?? null}': ` +
        `${side} layer '${name}' not found in extracted features. Available: ${[...features.keys()].join(", ")}`,
    );
  }
  return found;
}

/** Keras's `_create_feature_extractor`: the model's final outputs and each named layer's output. */
function featureExtractor(model: Model, layerNames: string[]): Extractor | null {
  if (layerNames.length === 0) return null;
  if (model.inputs.length === 0) {
    throw new ValueError(
      `Cannot create feature extractor for ${model.name}. The model has no symbolic inputs attribute.`,
    );
  }
  const finals: SymbolicTensor[] =
    model instanceof Sequential
      ? asList(model.layers[model.layers.length - 1]!.output)
      : [...model.outputs];
  const outputs: SymbolicTensor[] = [...finals];
  const layers = new Map<string, number[]>();
  for (const name of layerNames) {
    const out = asList(model.getLayer(name).output);
    layers.set(
      name,
      out.map((_, i) => outputs.length + i),
    );
    outputs.push(...out);
  }
  const inputs = model.inputs.length === 1 ? model.inputs[0]! : [...model.inputs];
  const single = finals.length === 1 && !Array.isArray(model.output);
  return {
    model: new Model({ inputs, outputs, name: `${model.name}_multi_feature_extractor` }),
    final: finals.map((_, i) => i),
    singleFinal: single,
    layers,
  };
}

function asList(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Keras's `_validate_models`: two Keras models with compatible inputs, outputs and dtypes. */
function validateModels(teacher: unknown, student: unknown): void {
  if (!(teacher instanceof Model)) {
    throw new ValueError(`Distiller: teacher must be a Model, got ${modelClassName(teacher)}`);
  }
  if (!(student instanceof Model)) {
    throw new ValueError(`Distiller: student must be a Model, got ${modelClassName(student)}`);
  }
  for (const [what, t, s] of [
    ["input", teacher.inputs, student.inputs],
    ["output", teacher.outputs, student.outputs],
  ] as const) {
    // A subclassed model has no symbolic inputs or outputs: nothing to compare (as Keras).
    if (t.length === 0 || s.length === 0) continue;
    if (t.length !== s.length) {
      throw new ValueError(
        `Distiller: teacher and student have different numbers of ${what}s: teacher ${t.length}, student ${s.length}`,
      );
    }
    t.forEach((ti, i) => {
      const si = s[i]!;
      const [a, b] = [ti.shape, si.shape];
      if (a.length !== b.length) {
        throw new ValueError(
          `Distiller: teacher and student ${what} shapes have different dimensions. ` +
            `Teacher: ${shapeString(a)}, Student: ${shapeString(b)}.`,
        );
      }
      if (a.some((d, k) => d !== null && b[k] !== null && d !== b[k])) {
        throw new ValueError(
          `Distiller: teacher and student ${what} shapes are incompatible. ` +
            `Teacher: ${shapeString(a)}, Student: ${shapeString(b)}. All dimensions must match.`,
        );
      }
      if (ti.dtype !== si.dtype) {
        throw new ValueError(
          `Distiller: teacher and student ${what} dtypes must match. Teacher: ${ti.dtype}, Student: ${si.dtype}.`,
        );
      }
    });
  }
}

// Keras writes it as the public class keras.distillation.Distiller.
registerBuiltInLayer("Distiller", Distiller, "keras.distillation");
