/**
 * Keras 3.16's `MultiOptimizer` (keras/src/optimizers/multi_optimizer.py): each variable is
 * updated by its own optimizer, chosen by an OptimizerMap (path or pattern → optimizer, with a
 * default) or by a function of the variable. Building sorts the variables to their optimizers
 * once; each `apply` hands every inner optimizer its own gradients and variables, so each group
 * moves exactly as its optimizer alone would move it; the MultiOptimizer counts its own
 * iterations. As in Keras: it has no learning rate of its own (reading or setting one is an
 * error: set it on `optimizers[i]`), its `lossScaleFactor` is its inner optimizers', and its
 * variables are its iteration and (unused) learning_rate, then each inner optimizer's, in the
 * order of `optimizers` — the order a `.keras` file keeps them in, at `optimizer/vars`, with each
 * inner optimizer's own copy at `optimizer/optimizers/<snake_case class name>/vars`.
 */
import type { Variable } from "../../autodiff/variable.js";
import { noGrad } from "../../autodiff/tape.js";
import { ValueError, checkOptionNames } from "../../errors.js";
import {
  type CustomObjects,
  customObjectFor,
  getRegisteredName,
  serializedFunction,
} from "../../nn/object-registration.js";
import { isKerasObject, toSnakeCase } from "../../nn/serialization.js";
import { full } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type LearningRate } from "./optimizer.js";
import { MULTI_OPTIMIZER, OptimizerMap, innerOptimizerRefusal } from "./optimizer-map.js";
import { loadVariables, saveVariables, setVariables } from "./saved-variables.js";

/** Chooses the optimizer of a variable (Keras's callable form of `optimizer_map`). */
export type OptimizerSelector = (variable: Variable) => Optimizer;

export interface MultiOptimizerOptions {
  /** Overrides every inner optimizer's `lossScaleFactor` (default null, which overrides too). */
  lossScaleFactor?: number | null;
  name?: string;
}

export class MultiOptimizer extends Optimizer {
  readonly [MULTI_OPTIMIZER] = true;
  /** The OptimizerMap or selector function given at construction. */
  readonly optimizerMap: OptimizerMap | OptimizerSelector;
  private readonly inner: Optimizer[] = [];
  private readonly optimizerIndex = new Map<Variable, number>();
  private builtVariables: Variable[] = [];

  constructor(optimizerMap: OptimizerMap | OptimizerSelector, opts: MultiOptimizerOptions = {}) {
    checkOptionNames("MultiOptimizer", opts, ["lossScaleFactor", "name"]);
    if (!(optimizerMap instanceof OptimizerMap) && typeof optimizerMap !== "function") {
      throw new ValueError(
        "MultiOptimizer: optimizerMap must be an OptimizerMap or a function (variable) => Optimizer; " +
          `received ${String(optimizerMap)}`,
      );
    }
    super(
      { name: opts.name, learningRate: 0, lossScaleFactor: opts.lossScaleFactor ?? null },
      { learningRate: 0 },
    );
    this.optimizerMap = optimizerMap;
    if (optimizerMap instanceof OptimizerMap) {
      // Keras's order: the mapped optimizers as first given, then the default.
      for (const opt of [...optimizerMap.values(), optimizerMap.defaultOptimizer]) this.adopt(opt);
    }
  }

  /** Keras `optimizers`: the inner optimizers, in the order their variables are saved. */
  get optimizers(): Optimizer[] {
    return [...this.inner];
  }

  /** Adds `opt` to the inner optimizers (once), giving it this optimizer's loss scale. */
  private adopt(opt: Optimizer): number {
    let idx = this.inner.indexOf(opt);
    if (idx < 0) {
      opt.lossScaleFactor = this.lossScaleFactor;
      idx = this.inner.push(opt) - 1;
    }
    return idx;
  }

  private optimizerFor(v: Variable): Optimizer {
    const map = this.optimizerMap;
    const opt = map instanceof OptimizerMap ? map.call(v) : map(v);
    if (!(opt instanceof Optimizer)) {
      throw new ValueError(
        `${this.name}: the optimizer for variable ${v.name} is not an Optimizer instance; received ${String(opt)}`,
      );
    }
    const refused = innerOptimizerRefusal(opt);
    if (refused) {
      throw new ValueError(
        `${refused} cannot be used inside an MultiOptimizer (variable ${v.name}).`,
      );
    }
    return opt;
  }

  /**
   * Sorts `variables` to their optimizers and builds each inner optimizer on its own; as in Keras,
   * a MultiOptimizer is built once (later variables are not added).
   */
  override build(variables: readonly Variable[]): void {
    if (this.built) return;
    const unique = [...new Set(variables)];
    const groups: Variable[][] = this.inner.map(() => []);
    const index = new Map<Variable, number>();
    for (const v of unique) {
      const idx = this.adopt(this.optimizerFor(v));
      while (groups.length <= idx) groups.push([]);
      index.set(v, idx);
      groups[idx]!.push(v);
    }
    this.inner.forEach((opt, i) => {
      if (groups[i]!.length > 0) opt.build(groups[i]!);
    });
    for (const [v, i] of index) this.optimizerIndex.set(v, i);
    this.builtVariables = unique;
    super.build(unique);
  }

  /**
   * One step: every inner optimizer applies the gradients of its own variables (a null gradient
   * leaves its variable untouched), then the MultiOptimizer's iteration count goes up by one.
   */
  protected override applyNow(
    grads: readonly (Tensor | null)[],
    variables?: readonly Variable[],
  ): void {
    if (grads.length === 0) return;
    const vars = this.stepVariables(variables, this.builtVariables);
    if (grads.length !== vars.length || vars.length !== this.builtVariables.length) {
      throw new ValueError(
        `${this.name}: gradients must match trainable variables one-to-one. Received ${grads.length} ` +
          `gradients and ${this.builtVariables.length} variables` +
          (vars.length !== this.builtVariables.length ? ` (${vars.length} variables passed)` : ""),
      );
    }
    const perOptimizer = this.inner.map(() => ({
      grads: [] as (Tensor | null)[],
      vars: [] as Variable[],
    }));
    vars.forEach((v, i) => {
      const idx = this.optimizerIndex.get(v);
      if (idx === undefined) {
        throw new ValueError(
          `${this.name}: variable ${v.name} is not among the variables the MultiOptimizer was built on`,
        );
      }
      perOptimizer[idx]!.grads.push(grads[i] ?? null);
      perOptimizer[idx]!.vars.push(v);
    });
    if (grads.every((g) => g === null || g === undefined)) {
      throw new ValueError(`${this.name}: no gradients provided for any variable`);
    }
    this.inner.forEach((opt, i) => {
      const part = perOptimizer[i]!;
      if (part.grads.some((g) => g !== null)) opt.apply(part.grads, part.vars);
    });
    noGrad(() =>
      this.iterationVar.assign(full([], Number(this.iterationVar.value.item()) + 1, "int32")),
    );
  }

  protected updateStep(): Tensor {
    throw new ValueError("MultiOptimizer: updates are made by the inner optimizers");
  }

  /** Reading the learning rate is an error, as in Keras: each inner optimizer has its own. */
  override get learningRate(): number {
    throw new ValueError(
      "Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the " +
        "individual sub-optimizers (multiOptimizer.optimizers) instead.",
    );
  }

  override set learningRate(_value: LearningRate) {
    throw new ValueError(
      "Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the individual " +
        "sub-optimizers (multiOptimizer.optimizers) instead.",
    );
  }

  override get currentLearningRate(): number {
    return this.learningRate;
  }

  /** The loss scale; setting it sets every inner optimizer's too, as in Keras. */
  override get lossScaleFactor(): number | null {
    return super.lossScaleFactor;
  }

  override set lossScaleFactor(value: number | null) {
    super.lossScaleFactor = value;
    // `inner` is undefined while the base constructor runs.
    for (const opt of this.inner ?? []) opt.lossScaleFactor = value;
  }

  /** Its own iteration and learning_rate, then each inner optimizer's variables (Keras's order). */
  override get variables(): Variable[] {
    return [...super.variables, ...this.inner.flatMap((o) => o.variables)];
  }

  /** Each inner optimizer, named as Keras's saving walk names the items of `optimizers`. */
  override childOptimizers(): [string, Optimizer][] {
    const used = new Map<string, number>();
    return this.inner.map((opt) => {
      const base = toSnakeCase(opt.constructor.name);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      return [`optimizers/${n === undefined ? base : `${base}_${n + 1}`}`, opt];
    });
  }

  /** The moving averages of the inner optimizers that keep them (SwapEMAWeights). */
  override get emaPairs(): [Variable, Variable][] {
    return this.inner.flatMap((o) => o.emaPairs);
  }

  override finalizeVariableValues(variables: readonly Variable[] = this.builtVariables): void {
    const groups = this.inner.map(() => [] as Variable[]);
    for (const v of variables) {
      const idx = this.optimizerIndex.get(v);
      if (idx !== undefined) groups[idx]!.push(v);
    }
    this.inner.forEach((opt, i) => {
      if (groups[i]!.length > 0) opt.finalizeVariableValues(groups[i]!);
    });
  }

  override setWeights(weights: readonly Tensor[]): void {
    if (!this.built) {
      throw new ValueError(
        `${this.name}: setWeights needs a built optimizer; call optimizer.build(variables) first`,
      );
    }
    setVariables(this.name, this.variables, weights);
  }

  override saveOwnVariables(store: Record<string, Tensor>): void {
    saveVariables(this.variables, store);
  }

  override loadOwnVariables(store: Record<string, Tensor>): void {
    loadVariables(this.name, this.variables, store);
  }

  /**
   * Keras's three keys. A selector function is written as Keras writes a function (its
   * registered name): register it with `registerKerasSerializable` to load it back.
   */
  override getConfig(): Record<string, unknown> {
    const map = this.optimizerMap;
    return {
      optimizer_map:
        map instanceof OptimizerMap ? map.serialize() : serializedFunction(getRegisteredName(map)),
      loss_scale_factor: this.lossScaleFactor,
      name: this.name,
    };
  }

  /**
   * From `getConfig()` output (or a Keras config): `deserialize` revives the inner optimizers; a
   * selector function is looked up among the registered custom objects and `customObjects`.
   */
  static fromConfigWith(
    config: Record<string, unknown>,
    deserialize: (c: unknown) => Optimizer,
    customObjects: CustomObjects = {},
  ): MultiOptimizer {
    const { optimizer_map: map, loss_scale_factor, name, ...rest } = config;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw new ValueError(
        `MultiOptimizer.fromConfig: unknown config keys ${extra.join(", ")} (expected optimizer_map, loss_scale_factor, name)`,
      );
    }
    if (!isKerasObject(map)) {
      throw new ValueError(
        `MultiOptimizer.fromConfig: optimizer_map must be a serialized OptimizerMap or function; received ${JSON.stringify(map)}`,
      );
    }
    let optimizerMap: OptimizerMap | OptimizerSelector;
    if (map.class_name === "function") {
      const fn = customObjectFor(map, customObjects);
      if (typeof fn !== "function") {
        throw new ValueError(
          `MultiOptimizer.fromConfig: the optimizer selector function ${JSON.stringify(map.config)} is not ` +
            "registered; register it with registerKerasSerializable or pass it in customObjects",
        );
      }
      optimizerMap = fn as OptimizerSelector;
    } else if (map.class_name === "OptimizerMap") {
      optimizerMap = OptimizerMap.fromConfigWith(map.config, deserialize);
    } else {
      throw new ValueError(
        `MultiOptimizer.fromConfig: optimizer_map must be an OptimizerMap or a function; received class ${JSON.stringify(map.class_name)}`,
      );
    }
    return new MultiOptimizer(optimizerMap, {
      lossScaleFactor: (loss_scale_factor ?? null) as number | null,
      ...(typeof name === "string" ? { name } : {}),
    });
  }
}
