/**
 * The Optimizer base: Keras 3's BaseOptimizer semantics (keras/src/optimizers/base_optimizer.py).
 * One step of `apply` is: unscale by `lossScaleFactor` → (gradient accumulation) → clip
 * (clipnorm per tensor | globalClipnorm | clipvalue) → decoupled weight decay `w -= w·wd·lr` →
 * the optimizer's update rule → the variable's constraint → EMA of the weights → `iterations++`.
 * Weight decay, update and constraint are fused so each variable is assigned once per step.
 */
import { valueAndGrad } from "../../autodiff/grad.js";
import { noGrad } from "../../autodiff/tape.js";
import { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { eagerRegion } from "../../jit/index.js";
import { type KerasObject, toSnakeCase } from "../../nn/serialization.js";
import { uniqueName } from "../../layers/layer.js";
import { add, cast, divide, multiply, subtract } from "../../ops/elementwise.js";
import { full, zeros } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { clipGradients } from "./clip.js";
import { type FusedRule, applyFused } from "./fused.js";
import { OptimizerLearningRate } from "./learning-rate.js";
import {
  type LearningRate,
  type OptimizerOptions,
  checkBaseOptions,
  checkLearningRate,
  optionsFromConfig,
} from "./options.js";
import { pairGradients } from "./pair-gradients.js";
import { loadVariables, saveVariables, setVariables } from "./saved-variables.js";
import { WeightDecayExclusions } from "./weight-decay.js";
import { kerasEnvelope } from "../../nn/object-registration.js";

export type { LearningRate, OptimizerOptions } from "./options.js";
export { checkBool, checkRange } from "./options.js";

/** A per-variable state tensor of an optimizer (Keras `add_optimizer_variables`). */
export interface SlotSpec {
  name: string;
  /** Constant initial value (0 unless given; Adagrad starts its accumulators at 0.1). */
  init?: number;
  /**
   * The slot's shape from its variable's shape (default: the same shape), or null for no slot
   * for that variable (Adafactor's factored second moments exist only for 2-D and larger weights).
   */
  shape?: (varShape: readonly number[], variable: Variable) => number[] | null;
  /** Start as a copy of the variable's value (ScheduleFreeAdamW's momentum), not a constant. */
  copyOfVariable?: boolean;
}

/**
 * One Keras `add_optimizer_variables` call: one kind of slot for every variable, or several kinds
 * given together (a list), which Keras creates interleaved variable by variable (Adam's momentum
 * and velocity: m₀ v₀ m₁ v₁ …). The order is the order Keras saves them in.
 */
export type SlotGroup = SlotSpec | readonly SlotSpec[];

// ---------------------------------------------------------------- the base class

export abstract class Optimizer {
  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  private lossScale: number | null;
  readonly gradientAccumulationSteps: number | null;
  built = false;

  private readonly lr: OptimizerLearningRate;
  /** Raw count of `apply` calls (Keras `_iterations`); `iterations` divides out accumulation. */
  protected readonly iterationVar: Variable;
  /** Every optimizer variable in Keras's order (iteration, learning_rate, slots …): what is saved. */
  private readonly tracked: Variable[] = [];
  private readonly trainableVars: Variable[] = [];
  private readonly slotsOf = new Map<Variable, Variable[]>();
  private readonly averageOf = new Map<Variable, Variable>();
  private readonly accumulatorOf = new Map<Variable, Variable>();
  private readonly decayExclusions = new WeightDecayExclusions();

  protected constructor(
    opts: OptimizerOptions,
    defaults: { learningRate: number; keys?: readonly string[] },
  ) {
    const where = this.constructor.name;
    const s = checkBaseOptions(where, opts, defaults);
    this.name = opts.name ?? uniqueName(toSnakeCase(where));
    this.weightDecay = s.weightDecay;
    this.clipnorm = s.clipnorm;
    this.clipvalue = s.clipvalue;
    this.globalClipnorm = s.globalClipnorm;
    this.useEma = s.useEma;
    this.emaMomentum = s.emaMomentum;
    this.emaOverwriteFrequency = s.emaOverwriteFrequency;
    this.lossScale = s.lossScaleFactor;
    this.gradientAccumulationSteps = s.gradientAccumulationSteps;

    this.iterationVar = this.track(
      new Variable(zeros([], "int32"), { name: `${this.name}/iteration`, trainable: false }),
    );
    this.lr = new OptimizerLearningRate(this.name, s.learningRate, this.iterationVar, this.tracked);
  }

  // ------------------------------------------------------------ what subclasses provide

  /** The per-variable slots, created for every variable before its first update. */
  protected slotSpecs(): SlotGroup[] {
    return [];
  }

  /**
   * The update rule: returns the variable's new value from the (clipped, dtype-cast) gradient and
   * its current value (already weight-decayed), assigning the slots itself. `lr` is this step's rate.
   */
  protected abstract updateStep(
    grad: Tensor,
    value: Tensor,
    slots: readonly Variable[],
    lr: number,
  ): Tensor;

  /** The same rule as one fused kernel per variable, where there is one (SGD, RMSprop, Adam). */
  protected fusedRule(_lr: number): FusedRule | null {
    return null;
  }

  /** Called once per update step before the per-variable updates (Nadam's momentum cache). */
  protected beforeUpdates(): void {}

  /** Optimizer-wide variables built after the slots (Nadam's `u_product`). */
  protected buildExtra(_dtype: Variable["dtype"]): Variable[] {
    return [];
  }

  /** The decoupled weight decay rate for `v` (Muon decays its AdamW variables at another rate). */
  protected weightDecayFor(_v: Variable): number | null {
    return this.weightDecay;
  }

  /** The optimizer's own config keys, added after the base keys. */
  protected ownConfig(): Record<string, unknown> {
    return {};
  }

  // ------------------------------------------------------------ learning rate & counters

  /**
   * The factor the loss is multiplied by before gradients are taken and the gradients divided by.
   * Settable: a LossScaleOptimizer clears its inner optimizer's, a MultiOptimizer sets its inner
   * optimizers' to its own, as Keras does.
   */
  get lossScaleFactor(): number | null {
    return this.lossScale;
  }

  set lossScaleFactor(value: number | null) {
    this.lossScale = value;
  }

  /** Number of update steps taken (Keras `iterations`: accumulation steps count as one). */
  get iterations(): number {
    const raw = Number(this.iterationVar.value.item());
    return this.gradientAccumulationSteps ? Math.floor(raw / this.gradientAccumulationSteps) : raw;
  }

  /** The rate the next step will use (a schedule is read at the raw step count, as in Keras). */
  get currentLearningRate(): number {
    return this.lr.current;
  }

  /** Keras `optimizer.learning_rate`: reading gives the current rate. */
  get learningRate(): number {
    return this.currentLearningRate;
  }

  /** Sets a new rate (ReduceLROnPlateau, LearningRateScheduler), or replaces it by a schedule. */
  set learningRate(value: LearningRate) {
    this.lr.set(checkLearningRate(this.constructor.name, value));
  }

  // ------------------------------------------------------------ building

  /** Creates the slots of any variable not seen before (Keras builds all of them on first apply). */
  build(variables: readonly Variable[]): void {
    const fresh = [...new Set(variables)].filter((v) => !this.slotsOf.has(v));
    if (fresh.length === 0 && this.built) return;
    const firstBuild = !this.built;
    // Keras 3's order, which is the order it saves them in: the moving averages of every
    // variable, then the gradient accumulators, then the optimizer's own slots group by group.
    if (this.useEma) for (const v of fresh) this.averageOf.set(v, this.addSlot(v, "average", 0));
    if (this.gradientAccumulationSteps) {
      for (const v of fresh) this.accumulatorOf.set(v, this.addSlot(v, "gradient_accumulator", 0));
    }
    for (const v of fresh) this.slotsOf.set(v, []);
    for (const group of this.slotSpecs()) {
      const specs = Array.isArray(group) ? group : [group as SlotSpec];
      for (const v of fresh) {
        for (const spec of specs) {
          const shape = spec.shape ? spec.shape(v.shape, v) : [...v.shape];
          if (!shape) continue;
          const slot = this.addSlot(v, spec.name, spec.init ?? 0, shape);
          if (spec.copyOfVariable) slot.assign(v.value);
          this.slotsOf.get(v)!.push(slot);
        }
      }
    }
    if (firstBuild)
      for (const x of this.buildExtra(variables[0]?.dtype ?? "float32")) this.track(x);
    this.trainableVars.push(...fresh);
    this.built = true;
  }

  private addSlot(
    v: Variable,
    slot: string,
    init: number,
    shape: readonly number[] = v.shape,
  ): Variable {
    const value = init === 0 ? zeros([...shape], v.dtype) : full([...shape], init, v.dtype);
    const name = `${this.name}/${v.name.replace(/[/:]/g, "_")}_${slot}`;
    return this.track(new Variable(value, { name, trainable: false }));
  }

  /** Appends an optimizer-wide variable to what is saved (Keras `add_variable`). */
  protected track(v: Variable): Variable {
    this.tracked.push(v);
    return v;
  }

  /** Every optimizer variable, in the order Keras saves them (`optimizer/vars/0`, `1`, …). */
  get variables(): Variable[] {
    return [...this.tracked];
  }

  // ------------------------------------------------------------ applying gradients

  /** Keras `apply_gradients`: `[gradient, variable]` pairs. */
  applyGradients(gradsAndVars: readonly (readonly [Tensor | null, Variable])[]): void {
    this.apply(
      gradsAndVars.map((p) => p[0]),
      gradsAndVars.map((p) => p[1]),
    );
  }

  /**
   * One optimizer step. Without `variables`, the gradients pair with the variables the optimizer
   * was built on. A null gradient leaves its variable untouched.
   */
  apply(grads: readonly (Tensor | null)[], variables?: readonly Variable[]): void {
    // A compiled step runs the update as JavaScript at every call (schedules, step counters and
    // bias corrections are numbers here), on that call's gradients: see src/jit/region.ts.
    eagerRegion(`${this.name}.apply`, grads, (gs) => this.applyNow(gs, variables));
  }

  /** `apply` itself, outside any compiled step's recording (subclasses override this). */
  protected applyNow(grads: readonly (Tensor | null)[], variables?: readonly Variable[]): void {
    if (grads.length === 0) return;
    const vars = this.stepVariables(variables, this.trainableVars);
    const [gs, vs] = pairGradients(this.name, grads, vars);
    noGrad(() => this.step(gs, vs));
  }

  /** The variables a step updates: those given (built for first), else those it was built on. */
  protected stepVariables(
    variables: readonly Variable[] | undefined,
    builtOn: readonly Variable[],
  ): readonly Variable[] {
    if (variables !== undefined) {
      this.build(variables);
      return variables;
    }
    if (!this.built) {
      throw new ValueError(
        `${this.name}: when passing grads without variables, the optimizer must already be built; ` +
          "call optimizer.build(variables) first",
      );
    }
    return builtOn;
  }

  private step(grads: Tensor[], vars: Variable[]): void {
    let gs = grads.map((g, i) => (g.dtype === vars[i]!.dtype ? g : cast(g, vars[i]!.dtype)));
    if (this.lossScaleFactor !== null) gs = gs.map((g) => divide(g, this.lossScaleFactor!));
    const fuseConstraints = !this.useEma;
    let updated = true;
    const steps = this.gradientAccumulationSteps;
    if (steps) {
      const accs = vars.map((v) => this.accumulatorOf.get(v)!);
      if ((Number(this.iterationVar.value.item()) + 1) % steps === 0) {
        // Update with the mean of the accumulated gradients, then start accumulating afresh.
        this.update(
          gs.map((g, i) => divide(add(g, accs[i]!), steps)),
          vars,
          fuseConstraints,
        );
        for (const a of accs) a.assign(zeros(a.shape, a.dtype));
      } else {
        gs.forEach((g, i) => accs[i]!.assign(add(accs[i]!, g)));
        updated = false;
      }
    } else {
      this.update(gs, vars, fuseConstraints);
    }
    if (this.useEma) this.updateAverages();
    this.iterationVar.assign(full([], Number(this.iterationVar.value.item()) + 1, "int32"));
    if (updated && !fuseConstraints) {
      for (const v of vars) if (v.constraint) v.assign(v.constraint.apply(v.value));
    }
  }

  private update(grads: Tensor[], vars: Variable[], fuseConstraints: boolean): void {
    const clipped = clipGradients(grads, this);
    const lr = this.currentLearningRate;
    this.beforeUpdates();
    const fused = this.fusedRule(lr);
    vars.forEach((v, i) => {
      const slots = this.slotsOf.get(v)!;
      // Decoupled weight decay (Loshchilov & Hutter): w ← w − w·wd·lr, before the update rule.
      const rate = this.weightDecayFor(v);
      const wd = rate && this.decayExclusions.includes(v) ? rate * lr : 0;
      let next = fused && applyFused(fused, v.value, clipped[i]!, slots, wd);
      if (!next) {
        const value = wd !== 0 ? subtract(v.value, multiply(v.value, wd)) : v.value;
        next = this.updateStep(clipped[i]!, value, slots, lr);
      }
      if (fuseConstraints && v.constraint) next = v.constraint.apply(next);
      v.assign(next);
    });
  }

  /** Exponential moving average of every built variable: avg ← m·avg + (1 − m)·w, m = 0 on step 0. */
  private updateAverages(): void {
    const m = this.iterations === 0 ? 0 : this.emaMomentum;
    for (const v of this.trainableVars) {
      const avg = this.averageOf.get(v)!;
      avg.assign(add(multiply(avg, m), multiply(v, 1 - m)));
    }
    const every = this.emaOverwriteFrequency;
    if (every && (this.iterations + 1) % every === 0)
      this.finalizeVariableValues(this.trainableVars);
  }

  /**
   * With `useEma`, replaces the variables (default: every variable built on) by their moving
   * averages; `fit` does this once training ends, as Keras does.
   */
  finalizeVariableValues(variables: readonly Variable[] = this.trainableVars): void {
    if (!this.useEma) return;
    for (const v of variables) {
      const avg = this.averageOf.get(v);
      if (avg) v.assign(avg.value);
    }
  }

  /** With `useEma`: each variable built on, paired with its moving average (SwapEMAWeights). */
  get emaPairs(): [Variable, Variable][] {
    return this.trainableVars.flatMap((v) => {
      const avg = this.averageOf.get(v);
      return avg ? [[v, avg] as [Variable, Variable]] : [];
    });
  }

  /** Keras `exclude_from_weight_decay`: variables, or names matched as regular expressions. */
  excludeFromWeightDecay(
    opts: { varList?: readonly Variable[]; varNames?: readonly string[] } = {},
  ): void {
    if (this.built) {
      throw new ValueError(
        `${this.name}: excludeFromWeightDecay can only be configured before the optimizer is built`,
      );
    }
    this.decayExclusions.set(opts);
  }

  /** Keras `scale_loss`: multiplies the loss by `lossScaleFactor` before gradients are taken. */
  scaleLoss(loss: Tensor): Tensor {
    return this.lossScaleFactor === null ? loss : multiply(loss, this.lossScaleFactor);
  }

  /** Takes the gradient of `loss` with respect to `variables` and applies one step; returns the loss. */
  minimize(loss: () => Tensor, variables: readonly Variable[]): Tensor {
    const { value, grads } = valueAndGrad(() => this.scaleLoss(loss()), variables);
    this.apply(grads, variables);
    return value;
  }

  // ------------------------------------------------------------ state & config

  /**
   * The optimizers this one holds whose variables Keras also saves under their own path below the
   * optimizer's (`optimizer/<path>/vars`), found by Keras's walk of the optimizer's attributes:
   * a LossScaleOptimizer's `inner_optimizer`, a MultiOptimizer's `optimizers/adam` … . None here.
   */
  childOptimizers(): [path: string, optimizer: Optimizer][] {
    return [];
  }

  /** Sets every optimizer variable, in the order of `variables` (Keras `set_weights`). */
  setWeights(weights: readonly Tensor[]): void {
    if (!this.built) {
      throw new ValueError(
        `${this.name}: setWeights needs a built optimizer; call optimizer.build(variables) first`,
      );
    }
    setVariables(this.name, this.tracked, weights);
  }

  /** Writes the variables as `store["0"]`, `store["1"]`, … (the `.keras` weights layout). */
  saveOwnVariables(store: Record<string, Tensor>): void {
    saveVariables(this.tracked, store);
  }

  /** Reads variables saved by `saveOwnVariables`; like Keras, skips (with a warning) on a count mismatch. */
  loadOwnVariables(store: Record<string, Tensor>): void {
    loadVariables(this.name, this.tracked, store);
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.lr.config(),
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: this.useEma,
      ema_momentum: this.emaMomentum,
      ema_overwrite_frequency: this.emaOverwriteFrequency,
      loss_scale_factor: this.lossScaleFactor,
      gradient_accumulation_steps: this.gradientAccumulationSteps,
      ...this.ownConfig(),
    };
  }

  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.optimizers", this.constructor.name, this.getConfig());
  }

  /** Rebuilds an optimizer (without its state) from `getConfig()` output or a Keras config. */
  static fromConfig<T extends Optimizer>(
    this: new (opts: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(optionsFromConfig(config) as never);
  }
}
