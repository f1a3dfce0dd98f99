/**
 * Keras 3's `LossScaleOptimizer` (keras/src/optimizers/loss_scale_optimizer.py): dynamic loss
 * scaling around an inner optimizer. `scaleLoss` multiplies the loss by the current scale; each
 * `apply` then checks the gradients: all finite → they are divided by the scale and the inner
 * optimizer steps, and after `dynamicGrowthSteps` such steps in a row the scale doubles; any
 * non-finite → the step is skipped (weights, inner state and iterations unchanged) and the scale
 * halves. The same in float32 as in float16. Its variables, in Keras's order (what `.keras` saves):
 * its own iteration and learning_rate (unused, as Keras keeps them), `step_counter`,
 * `dynamic_scale`, then the inner optimizer's (which Keras writes again under `inner_optimizer`).
 */
import { Variable } from "../../autodiff/variable.js";
import { noGrad } from "../../autodiff/tape.js";
import { ValueError } from "../../errors.js";
import { all } from "../../ops/reduce.js";
import { divide, isfinite, multiply } from "../../ops/elementwise.js";
import { full } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type LearningRate } from "./optimizer.js";
import { pairGradients } from "./pair-gradients.js";
import { loadVariables, saveVariables, setVariables } from "./saved-variables.js";

export interface LossScaleOptimizerOptions {
  /** The starting loss scale (default 2¹⁵). */
  initialScale?: number;
  /** Finite steps in a row after which the scale doubles (default 2000). */
  dynamicGrowthSteps?: number;
  name?: string;
  /** Only `true` is accepted, as in Keras 3 (a fixed scale is the inner optimizer's lossScaleFactor). */
  dynamic?: boolean;
}

/** Base options Keras accepts only at their defaults (they belong on the inner optimizer). */
const BASE_DEFAULTS: Record<string, unknown> = {
  weightDecay: null,
  clipnorm: null,
  globalClipnorm: null,
  clipvalue: null,
  useEma: false,
  emaMomentum: 0.99,
  emaOverwriteFrequency: null,
  lossScaleFactor: null,
  gradientAccumulationSteps: null,
};
const OWN_KEYS = ["initialScale", "dynamicGrowthSteps", "name", "dynamic"];

export class LossScaleOptimizer extends Optimizer {
  readonly innerOptimizer: Optimizer;
  readonly initialScale: number;
  readonly dynamicGrowthSteps: number;
  private stepCounter: Variable | null = null;
  private dynamicScale: Variable | null = null;

  constructor(innerOptimizer: Optimizer, opts: LossScaleOptimizerOptions = {}) {
    if (!(innerOptimizer instanceof Optimizer)) {
      throw new ValueError(
        `LossScaleOptimizer: innerOptimizer must be an Optimizer; received ${String(innerOptimizer)}`,
      );
    }
    const given = opts as Record<string, unknown>;
    if (given.dynamic === false) {
      throw new ValueError(
        "LossScaleOptimizer no longer supports `dynamic: false`. Instead, simply set " +
          "`lossScaleFactor` directly on the `innerOptimizer`.",
      );
    }
    for (const [key, def] of Object.entries(BASE_DEFAULTS)) {
      if (key in given && given[key] !== undefined && given[key] !== def) {
        throw new ValueError(
          `LossScaleOptimizer does not support \`${key}\`. Instead, set \`${key}\` on the \`innerOptimizer\`.`,
        );
      }
    }
    const unknown = Object.keys(given).filter(
      (k) => !OWN_KEYS.includes(k) && !(k in BASE_DEFAULTS),
    );
    if (unknown.length > 0) {
      throw new ValueError(
        `LossScaleOptimizer does not support arguments: \`${unknown.join("`, `")}\`.`,
      );
    }
    super({ name: opts.name, learningRate: 0 }, { learningRate: 0 });
    const scale = opts.initialScale ?? 2 ** 15;
    if (typeof scale !== "number" || !(scale > 0) || !Number.isFinite(scale)) {
      throw new ValueError(
        `LossScaleOptimizer: initialScale must be a positive number; received initialScale=${String(scale)}`,
      );
    }
    const growth = opts.dynamicGrowthSteps ?? 2000;
    if (!Number.isInteger(growth) || growth < 1) {
      throw new ValueError(
        `LossScaleOptimizer: dynamicGrowthSteps must be an integer >= 1; received dynamicGrowthSteps=${String(growth)}`,
      );
    }
    this.innerOptimizer = innerOptimizer;
    this.initialScale = scale;
    this.dynamicGrowthSteps = growth;
    innerOptimizer.lossScaleFactor = null;
  }

  /** The current loss scale (the initial scale until built). */
  get currentScale(): number {
    return this.dynamicScale ? Number(this.dynamicScale.value.item()) : this.initialScale;
  }

  override build(variables: readonly Variable[]): void {
    if (!this.stepCounter) {
      this.stepCounter = this.track(
        new Variable(full([], 0, "int32"), { name: `${this.name}/step_counter`, trainable: false }),
      );
      this.dynamicScale = this.track(
        new Variable(full([], this.initialScale, "float32"), {
          name: `${this.name}/dynamic_scale`,
          trainable: false,
        }),
      );
    }
    this.innerOptimizer.build(variables);
    super.build(variables);
  }

  protected updateStep(): Tensor {
    throw new ValueError("LossScaleOptimizer: updates are made by the inner optimizer");
  }

  protected override applyNow(
    grads: readonly (Tensor | null)[],
    variables?: readonly Variable[],
  ): void {
    if (grads.length === 0) return;
    this.stepVariables(variables, []);
    if (variables !== undefined) pairGradients(this.name, grads, variables); // the base's checks
    noGrad(() => {
      const counter = this.stepCounter!;
      const scale = this.dynamicScale!;
      const finite = grads.every((g) => g === null || Boolean(all(isfinite(g)).item()));
      const s = Number(scale.value.item());
      if (!finite) {
        counter.assign(full([], 0, "int32"));
        scale.assign(full([], s * 0.5, "float32"));
        return;
      }
      const unscaled = grads.map((g) => (g === null ? null : divide(g, scale.value)));
      this.innerOptimizer.apply(unscaled, variables);
      if (Number(counter.value.item()) === this.dynamicGrowthSteps - 1) {
        counter.assign(full([], 0, "int32"));
        scale.assign(full([], s * 2, "float32"));
      } else {
        counter.assign(full([], Number(counter.value.item()) + 1, "int32"));
      }
    });
  }

  override scaleLoss(loss: Tensor): Tensor {
    return multiply(loss, this.dynamicScale ? this.dynamicScale.value : this.initialScale);
  }

  override get iterations(): number {
    return this.innerOptimizer.iterations;
  }

  override get currentLearningRate(): number {
    return this.innerOptimizer.currentLearningRate;
  }

  override get learningRate(): number {
    return this.innerOptimizer.learningRate;
  }

  override set learningRate(value: LearningRate) {
    this.innerOptimizer.learningRate = value;
  }

  /** Its own variables, then the inner optimizer's (Keras's order). */
  override get variables(): Variable[] {
    return [...super.variables, ...this.innerOptimizer.variables];
  }

  /** Keras also saves the inner optimizer's variables under `optimizer/inner_optimizer/vars`. */
  override childOptimizers(): [string, Optimizer][] {
    return [["inner_optimizer", this.innerOptimizer]];
  }

  override get emaPairs(): [Variable, Variable][] {
    return this.innerOptimizer.emaPairs;
  }

  override finalizeVariableValues(variables?: readonly Variable[]): void {
    this.innerOptimizer.finalizeVariableValues(variables);
  }

  override setWeights(weights: readonly Tensor[]): void {
    setVariables(this.name, this.variables, weights);
  }

  override saveOwnVariables(store: Record<string, Tensor>): void {
    saveVariables(this.variables, store);
  }

  override loadOwnVariables(store: Record<string, Tensor>): void {
    loadVariables(this.name, this.variables, store);
  }

  /** Keras's four keys: name, the serialized inner optimizer, initial_scale, dynamic_growth_steps. */
  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      inner_optimizer: this.innerOptimizer.serialize(),
      initial_scale: this.initialScale,
      dynamic_growth_steps: this.dynamicGrowthSteps,
    };
  }

  /** From `getConfig()` output, with `deserialize` reviving the inner optimizer. */
  static fromConfigWith(
    config: Record<string, unknown>,
    deserialize: (c: unknown) => Optimizer,
  ): LossScaleOptimizer {
    const { inner_optimizer: inner, initial_scale, dynamic_growth_steps, name, ...rest } = config;
    if (inner === undefined) {
      throw new ValueError("LossScaleOptimizer: the config has no inner_optimizer");
    }
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw new ValueError(
        `LossScaleOptimizer does not support arguments: \`${extra.join("`, `")}\`.`,
      );
    }
    return new LossScaleOptimizer(deserialize(inner), {
      initialScale: initial_scale as number | undefined,
      dynamicGrowthSteps: dynamic_growth_steps as number | undefined,
      name: name as string | undefined,
    });
  }
}
