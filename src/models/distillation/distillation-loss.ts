/**
 * Keras 3.16's `keras.distillation` losses: `DistillationLoss` (the base a custom distillation
 * loss subclasses), `LogitsDistillation` (the teacher's and student's logits softened by a
 * temperature) and `FeatureDistillation` (outputs of inner layers, or the final ones, compared by
 * a loss). Each takes one loss or a nested structure of losses matching the outputs (`null`
 * skips an output), and is written to configs as Keras writes it (module `keras.distillation`).
 */
import { ValueError, checkOptionNames } from "../../errors.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import { divide, multiply } from "../../ops/elementwise.js";
import { softmax } from "../../ops/activations.js";
import { mean, sum } from "../../ops/reduce.js";
import { stack } from "../../ops/join.js";
import { zeros } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { KLDivergence, Loss, getLoss } from "../../train/losses/index.js";
import type { Model } from "../model.js";
import {
  type Structure,
  assertSameStructure,
  describeStructure,
  flattenStructure,
  mapStructure,
} from "./structure.js";

/** One loss as the distillation losses take it: a Keras loss string, a Loss, a function, or null. */
export type LossLeaf =
  string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor) | KerasObject | null;
export type LossSpec = Structure<LossLeaf>;

/** Teacher or student outputs: one tensor, a list, or an object by name. */
export type Outputs = Structure<Tensor>;

/** Keras's `_convert_loss_to_function` over a structure: every leaf a Loss (or null). */
export function lossesOf(spec: LossSpec, where: string): Structure<Loss | null> {
  return mapStructure(
    (leaf) => {
      if (leaf === null || leaf === undefined) return null;
      try {
        return getLoss(leaf as Exclude<LossLeaf, null>);
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`${where}: ${e.message}`);
        throw e;
      }
    },
    where,
    spec,
  );
}

/**
 * Keras `losses.serialize` over a structure: a loss named by a Keras string is written as Keras
 * writes the function that string names (`{class_name: "function", config: "mse"}`), a Loss as
 * its config, null as null.
 */
export function serializeLossSpec(spec: LossSpec, losses: Structure<Loss | null>): unknown {
  return mapStructure(
    (given, loss) => {
      if (given === null || given === undefined) return null;
      if (typeof given === "string") {
        return {
          module: "keras.losses",
          class_name: "function",
          config: given,
          registered_name: "function",
        };
      }
      return (loss as Loss).serialize();
    },
    "serialize",
    spec,
    losses,
  );
}

/** The inverse of `serializeLossSpec`: function-form entries back to their Keras strings. */
export function lossSpecFromConfig(config: unknown): LossSpec {
  return mapStructure(
    (leaf) => {
      if (leaf === null || leaf === undefined) return null;
      if (
        isKerasObject(leaf) &&
        leaf.class_name === "function" &&
        typeof leaf.config === "string"
      ) {
        return leaf.config;
      }
      return leaf as LossLeaf;
    },
    "fromConfig",
    config,
  ) as LossSpec;
}

function checkSomeLoss(losses: Structure<Loss | null>, message: string): void {
  if (flattenStructure(losses).every((l) => l === null)) throw new ValueError(message);
}

/** Σ of a structure of scalar losses (Keras `ops.sum(ops.stack(flat_losses))`). */
function sumOf(values: Structure<Tensor>): Tensor {
  return sum(stack(flattenStructure(values)));
}

/**
 * Keras `keras.distillation.DistillationLoss`: how a distillation term is computed from the
 * teacher's and the student's outputs. Subclass it and override `computeLoss`; the Distiller
 * calls `validateModelCompatibility` once when it is built and `validateOutputs` before each
 * `computeLoss`.
 */
export class DistillationLoss {
  /** Keras `compute_loss(teacher_outputs, student_outputs)`: the loss as a scalar tensor. */
  computeLoss(_teacherOutputs: Outputs, _studentOutputs: Outputs): Tensor {
    throw new ValueError(`${this.constructor.name}: subclasses must implement computeLoss`);
  }

  /** Keras `validate_outputs`: the teacher's and student's outputs must have one structure. */
  validateOutputs(teacherOutputs: Outputs, studentOutputs: Outputs): void {
    assertSameStructure(
      teacherOutputs,
      studentOutputs,
      `${this.constructor.name}.validateOutputs (teacher outputs, student outputs)`,
    );
  }

  /** Keras `validate_model_compatibility`: nothing to check by default. */
  validateModelCompatibility(_teacher: Model, _student: Model): void {}

  /** Keras `get_config()`; a custom loss that is saved overrides it (and `fromConfig`). */
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export interface LogitsDistillationOptions {
  /** softens both softmaxes; 3 by default (Keras) */
  temperature?: number;
  /** one loss or a structure matching the outputs (null skips an output); "kl_divergence" by default */
  loss?: LossSpec;
}

/**
 * Keras `keras.distillation.LogitsDistillation`: both models' logits are divided by the
 * temperature, then compared by the loss (the mean of its values) for each output and summed.
 * A `KLDivergence` instance compares the softmaxes of the softened logits and is multiplied by
 * temperature², as Hinton et al. describe. As in Keras 3.16, only an instance takes that branch:
 * the string "kl_divergence" (the default) names Keras's function, which compares the scaled
 * logits themselves, clipped to [ε, 1] as if they were probabilities, without T². Pass
 * `new losses.KLDivergence()` for the softened-softmax loss.
 */
export class LogitsDistillation extends DistillationLoss {
  readonly temperature: number;
  readonly loss: Structure<Loss | null>;
  private readonly lossSpec: LossSpec;

  constructor(opts: LogitsDistillationOptions = {}) {
    super();
    checkOptionNames("LogitsDistillation", opts, ["temperature", "loss"]);
    const temperature = opts.temperature ?? 3;
    this.lossSpec = opts.loss === undefined ? "kl_divergence" : opts.loss;
    this.loss = lossesOf(this.lossSpec, "LogitsDistillation: loss");
    checkSomeLoss(this.loss, "LogitsDistillation: at least one loss must be non-null");
    if (typeof temperature !== "number" || Number.isNaN(temperature)) {
      throw new ValueError(
        `LogitsDistillation: temperature must be a number, got ${typeof temperature} (${String(temperature)})`,
      );
    }
    if (temperature <= 0) {
      throw new ValueError(
        `LogitsDistillation: temperature must be positive; received ${temperature}`,
      );
    }
    this.temperature = temperature;
  }

  override computeLoss(teacherOutputs: Outputs, studentOutputs: Outputs): Tensor {
    const where = "LogitsDistillation.computeLoss (loss, teacher outputs, student outputs)";
    const t = this.temperature;
    const values = mapStructure(
      (spec, loss, teacher, student) => {
        if (loss === null) return zeros([]);
        const tScaled = divide(teacher as Tensor, t);
        const sScaled = divide(student as Tensor, t);
        // Keras checks isinstance(loss, KLDivergence): a string or a function names the function.
        const instance = typeof spec !== "string" && typeof spec !== "function";
        if (instance && loss instanceof KLDivergence) {
          const value = mean(loss.apply(softmax(tScaled, -1), softmax(sScaled, -1)));
          return multiply(value, t * t);
        }
        return mean((loss as Loss).apply(tScaled, sScaled));
      },
      where,
      this.lossSpec,
      this.loss,
      teacherOutputs,
      studentOutputs,
    );
    return sumOf(values);
  }

  override getConfig(): Record<string, unknown> {
    return { temperature: this.temperature, loss: serializeLossSpec(this.lossSpec, this.loss) };
  }

  static fromConfig(config: Record<string, unknown>): LogitsDistillation {
    return new LogitsDistillation({
      temperature: config.temperature as number | undefined,
      loss: lossSpecFromConfig(config.loss),
    });
  }
}

export interface FeatureDistillationOptions {
  /** one loss or a structure matching the features (null skips one); "mse" by default */
  loss?: LossSpec;
  /** the teacher layer whose output is compared; null: the teacher's final output */
  teacherLayerName?: string | null;
  /** the student layer whose output is compared; null: the student's final output */
  studentLayerName?: string | null;
}

/**
 * Keras `keras.distillation.FeatureDistillation`: the outputs of a teacher layer and a student
 * layer (or the models' final outputs) compared by the loss, the mean of each output's values
 * summed. Named layers need models with symbolic inputs (functional or Sequential): the Distiller
 * reads their features through a model cut at those layers' outputs.
 */
export class FeatureDistillation extends DistillationLoss {
  readonly loss: Structure<Loss | null>;
  readonly teacherLayerName: string | null;
  readonly studentLayerName: string | null;
  private readonly lossSpec: LossSpec;

  constructor(opts: FeatureDistillationOptions = {}) {
    super();
    checkOptionNames("FeatureDistillation", opts, ["loss", "teacherLayerName", "studentLayerName"]);
    this.teacherLayerName = opts.teacherLayerName ?? null;
    this.studentLayerName = opts.studentLayerName ?? null;
    this.lossSpec = opts.loss === undefined ? "mse" : opts.loss;
    this.loss = lossesOf(this.lossSpec, "FeatureDistillation: loss");
    checkSomeLoss(
      this.loss,
      "FeatureDistillation: the `loss` argument must contain at least one non-null value",
    );
  }

  override validateModelCompatibility(teacher: Model, student: Model): void {
    if (this.teacherLayerName !== null || this.studentLayerName !== null) {
      const subclassed = [
        ...(teacher.inputs.length === 0 ? ["teacher"] : []),
        ...(student.inputs.length === 0 ? ["student"] : []),
      ];
      if (subclassed.length > 0) {
        throw new ValueError(
          `FeatureDistillation with specific layer names requires Functional or Sequential models. ` +
            `The ${subclassed.join(" and ")} model(s) appear to be subclassed (no symbolic ` +
            `inputs/outputs). Either use Functional/Sequential models, or use FeatureDistillation ` +
            `without layer names (to distill final outputs only), or use LogitsDistillation instead.`,
        );
      }
    }
    for (const [which, model, name] of [
      ["teacher", teacher, this.teacherLayerName],
      ["student", student, this.studentLayerName],
    ] as const) {
      if (name === null) continue;
      try {
        model.getLayer(name);
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`In ${which} model: ${e.message}`);
        throw e;
      }
    }
  }

  override validateOutputs(teacherOutputs: Outputs, studentOutputs: Outputs): void {
    super.validateOutputs(teacherOutputs, studentOutputs);
    try {
      assertSameStructure(this.loss, teacherOutputs, "FeatureDistillation");
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      throw new ValueError(
        `FeatureDistillation: loss structure mismatch. Loss structure: ${describeStructure(this.loss)}, ` +
          `output structure: ${describeStructure(teacherOutputs)}`,
      );
    }
  }

  override computeLoss(teacherOutputs: Outputs, studentOutputs: Outputs): Tensor {
    const values = mapStructure(
      (loss, teacher, student) =>
        loss === null
          ? zeros([])
          : mean((loss as Loss).apply(teacher as Tensor, student as Tensor)),
      "FeatureDistillation.computeLoss (loss, teacher features, student features)",
      this.loss,
      teacherOutputs,
      studentOutputs,
    );
    return sumOf(values);
  }

  override getConfig(): Record<string, unknown> {
    return {
      loss: serializeLossSpec(this.lossSpec, this.loss),
      teacher_layer_name: this.teacherLayerName,
      student_layer_name: this.studentLayerName,
    };
  }

  static fromConfig(config: Record<string, unknown>): FeatureDistillation {
    return new FeatureDistillation({
      loss: lossSpecFromConfig(config.loss),
      teacherLayerName: (config.teacher_layer_name as string | null | undefined) ?? null,
      studentLayerName: (config.student_layer_name as string | null | undefined) ?? null,
    });
  }
}

const BUILT_IN: Record<string, { fromConfig(c: Record<string, unknown>): DistillationLoss }> = {
  LogitsDistillation,
  FeatureDistillation,
};

/** Keras `serialize_keras_object(distillation_loss)`: `{module, class_name, config, registered_name}`. */
export function serializeDistillationLoss(loss: DistillationLoss): KerasObject {
  const className = loss.constructor.name;
  const builtIn =
    Object.hasOwn(BUILT_IN, className) && (BUILT_IN[className] as unknown) === loss.constructor;
  return {
    module: builtIn ? "keras.distillation" : null,
    class_name: className,
    config: loss.getConfig(),
    registered_name: builtIn ? null : className,
  } as unknown as KerasObject;
}

/**
 * Keras `deserialize_keras_object` for a distillation loss: a built-in by class name, or a custom
 * class (with a static `fromConfig`) from `customObjects` by registered or class name.
 */
export function deserializeDistillationLoss(
  obj: unknown,
  customObjects: Readonly<Record<string, unknown>> = {},
): DistillationLoss {
  if (obj instanceof DistillationLoss) return obj;
  if (!isKerasObject(obj)) {
    throw new ValueError(
      `Distiller.fromConfig: a distillation loss must be a serialized object {module, class_name, config}; received ${JSON.stringify(obj)}`,
    );
  }
  const o = obj as unknown as {
    class_name: string;
    registered_name?: string | null;
    config?: unknown;
  };
  const candidates = [
    o.registered_name ? customObjects[o.registered_name] : undefined,
    customObjects[o.class_name],
  ];
  const custom = candidates.find(
    (c): c is { fromConfig(c: Record<string, unknown>): DistillationLoss } =>
      typeof c === "function" && typeof (c as { fromConfig?: unknown }).fromConfig === "function",
  );
  const cls =
    custom ?? (Object.hasOwn(BUILT_IN, o.class_name) ? BUILT_IN[o.class_name] : undefined);
  if (!cls) {
    throw new ValueError(
      `Distiller.fromConfig: unknown distillation loss class "${o.class_name}"; built-ins are ` +
        `${Object.keys(BUILT_IN).join(", ")}; pass a custom one (with a static fromConfig) in customObjects`,
    );
  }
  return cls.fromConfig({ ...((o.config as Record<string, unknown>) ?? {}) });
}
