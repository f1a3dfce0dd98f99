import { noGrad } from "../autodiff/tape.js";
import { ValueError, checkOptionNames } from "../errors.js";
import { add, multiply } from "../ops/elementwise.js";
import { type JitCompile, checkJitCompile, eagerRegion } from "../jit/index.js";
import { isKerasObject } from "../nn/serialization.js";
import { zeros } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { type Loss, getLoss } from "./losses/index.js";
import { Mean, Metric, getMetric } from "./metrics/index.js";
import { type Optimizer, getOptimizer } from "./optimizers/index.js";

type PerOutput<T> = T | readonly T[] | Readonly<Record<string, T>>;
type LossSpec = string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor) | null;
type MetricSpec = string | Metric | ((yTrue: Tensor, yPred: Tensor) => Tensor);

type MetricsOption =
  | readonly MetricSpec[]
  | readonly (readonly MetricSpec[])[]
  | Readonly<Record<string, MetricSpec | readonly MetricSpec[]>>;

export interface CompileOptions {
  optimizer?: string | Optimizer;
  loss?: PerOutput<LossSpec>;
  /** Metrics of the predictions, unweighted (as in Keras, sample and class weights pass them by). */
  metrics?: MetricsOption;
  /** Metrics that weigh each sample by its sample weight or class weight. */
  weightedMetrics?: MetricsOption;
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  runEagerly?: boolean;
  /** Keras's jit_compile: "auto" (default) compiles steps that can be compiled (src/jit/). */
  jitCompile?: JitCompile;
  stepsPerExecution?: number;
  autoScaleLoss?: boolean;
}

/** Spreads a per-output option (one value for all, a list by position, or an object by name). */
function perOutput<T>(
  value: PerOutput<T> | undefined,
  names: readonly string[],
  what: string,
  fill: T,
): T[] {
  if (value === undefined) return names.map(() => fill);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ValueError(
        `compile: ${what} has ${value.length} entries; the model has ${names.length} outputs (${names.join(", ")})`,
      );
    }
    return [...value] as T[];
  }
  // A serialized loss or metric ({class_name, config}, as a compile config holds it) is one spec.
  if (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !isKerasObject(value)
  ) {
    const record = value as Record<string, T>;
    const unknown = Object.keys(record).filter((k) => !names.includes(k));
    if (unknown.length > 0) {
      throw new ValueError(
        `compile: ${what} names unknown outputs ${unknown.join(", ")}; outputs are ${names.join(", ")}`,
      );
    }
    return names.map((n) => (n in record ? record[n]! : fill));
  }
  return names.map(() => value as T);
}

/** `metrics` or `weightedMetrics` as a list of metric specs per output. */
function metricSpecsPerOutput(
  m: MetricsOption | undefined,
  outputNames: readonly string[],
  what: string,
): MetricSpec[][] {
  if (m === undefined) return outputNames.map(() => []);
  const nested = Array.isArray(m) && m.length > 0 && Array.isArray(m[0]);
  if (Array.isArray(m) && !nested) return outputNames.map(() => [...(m as MetricSpec[])]);
  return perOutput<MetricSpec | readonly MetricSpec[]>(
    m as PerOutput<readonly MetricSpec[]>,
    outputNames,
    what,
    [],
  ).map((s) => (Array.isArray(s) ? [...s] : [s as MetricSpec]));
}

/** The state `compile` sets up: the optimizer, a loss per output, metrics built on first data. */
/**
 * Keras's compile arguments. runEagerly and jitCompile choose whether steps are compiled
 * (src/jit/); stepsPerExecution and autoScaleLoss are accepted as Keras code passes them and
 * change nothing.
 */
const COMPILE_OPTIONS = [
  "optimizer",
  "loss",
  "metrics",
  "weightedMetrics",
  "lossWeights",
  "runEagerly",
  "jitCompile",
  "stepsPerExecution",
  "autoScaleLoss",
];

/**
 * Keras's `compile_metrics`: the compiled metrics as one entry of `model.metrics` from compile
 * on, before the first batch has built them (Keras builds them from the first labels' shapes:
 * "accuracy" becomes binary, categorical or sparse). A custom `trainStep` that updates every
 * metric but "loss" with `(y, yPred)`, as Keras's "customizing what happens in fit" guide does,
 * updates them through it; once built, `model.metrics` lists the metrics themselves.
 */
export class CompileMetrics extends Metric {
  constructor(private readonly compiled: Compiled) {
    super({ name: "compile_metrics" });
  }

  /** `(y, yPred, sampleWeight?)`: one tensor each for one output, else lists in output order. */
  override updateState(...args: unknown[]): void {
    const [yTrue, yPred, sampleWeight] = args;
    const list = (v: unknown, what: string): Tensor[] => {
      const l = Array.isArray(v) ? v : [v];
      if (!l.every((t) => t instanceof Tensor)) {
        throw new ValueError(
          `compile_metrics.updateState: ${what} must be a tensor or a list of tensors (one per output)`,
        );
      }
      return l as Tensor[];
    };
    const sw = sampleWeight instanceof Tensor ? sampleWeight : null;
    this.compiled.updateCompiledMetrics(list(yTrue, "y"), list(yPred, "yPred"), sw);
  }

  /** Unbuilt, the compiled metrics have no value yet: 0, as an empty Mean reads. */
  override result(): Tensor {
    return zeros([]);
  }
}

export class Compiled {
  readonly optimizer: Optimizer;
  readonly losses: (Loss | null)[];
  readonly lossWeights: number[];
  private readonly metricSpecs: MetricSpec[][];
  private readonly weightedMetricSpecs: MetricSpec[][];
  private metricsByOutput: Metric[][] | null = null;
  private weightedMetricsByOutput: Metric[][] | null = null;
  readonly lossTracker = new Mean({ name: "loss" });
  readonly outputLossTrackers: Mean[];
  /** Whether fit / evaluate / predict compile their steps (runEagerly: true means never). */
  readonly jitCompile: JitCompile;

  constructor(
    opts: CompileOptions,
    readonly outputNames: readonly string[],
  ) {
    checkOptionNames("compile", opts, COMPILE_OPTIONS);
    const jitCompile = checkJitCompile(opts.jitCompile, "compile");
    this.jitCompile = opts.runEagerly === true ? false : jitCompile;
    this.optimizer = getOptimizer(opts.optimizer ?? "rmsprop");
    this.losses = perOutput<LossSpec>(opts.loss, outputNames, "loss", null).map((l) =>
      l === null ? null : getLoss(l),
    );
    this.lossWeights = perOutput<number>(
      opts.lossWeights as PerOutput<number> | undefined,
      outputNames,
      "lossWeights",
      1,
    );
    this.metricSpecs = metricSpecsPerOutput(opts.metrics, outputNames, "metrics");
    this.weightedMetricSpecs = metricSpecsPerOutput(
      opts.weightedMetrics,
      outputNames,
      "weightedMetrics",
    );
    this.outputLossTrackers =
      outputNames.length > 1 ? outputNames.map((n) => new Mean({ name: `${n}_loss` })) : [];
  }

  /** Σ weight_i · loss_i(y_i, ŷ_i); also returns the per-output terms for the logs. */
  computeLoss(
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
    sampleWeight: Tensor | null,
  ): { total: Tensor; terms: (Tensor | null)[] } {
    let total: Tensor = zeros([]);
    const terms = this.losses.map((loss, i) => {
      if (!loss) return null;
      const term = loss.apply(yTrue[i]!, yPred[i]!, sampleWeight);
      total = add(total, this.lossWeights[i] === 1 ? term : multiply(term, this.lossWeights[i]!));
      return term;
    });
    if (this.losses.every((l) => l === null)) {
      throw new ValueError(
        "compile: no loss was given; pass `loss` to compile() or override trainStep",
      );
    }
    return { total, terms };
  }

  /** Builds metrics on the first batch: "accuracy" is resolved from the labels' shapes, as Keras does. */
  private buildMetrics(
    specsPerOutput: MetricSpec[][],
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
  ): Metric[][] {
    return specsPerOutput.map((specs, i) =>
      specs.map((s) => {
        const metric = getMetric(s, {
          yTrue: yTrue[i]!,
          yPred: yPred[i]!,
          loss: this.losses[i] ?? undefined,
        });
        if (this.outputNames.length > 1) metric.name = `${this.outputNames[i]}_${metric.name}`;
        return metric;
      }),
    );
  }

  updateMetrics(
    total: Tensor,
    terms: (Tensor | null)[],
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
    sampleWeight: Tensor | null,
  ): void {
    // Metric bookkeeping stays JavaScript in a compiled step (src/jit/region.ts).
    const inputs = [total, ...terms, ...yTrue, ...yPred, sampleWeight];
    eagerRegion("metrics", inputs, (t) => {
      const [tot, ...rest] = t as Tensor[];
      const ts = rest.slice(0, terms.length);
      const ys = rest.slice(terms.length, terms.length + yTrue.length);
      const ps = rest.slice(
        terms.length + yTrue.length,
        terms.length + yTrue.length + yPred.length,
      );
      this.updateMetricsNow(tot!, ts, ys, ps, t[t.length - 1] ?? null);
    });
  }

  private updateMetricsNow(
    total: Tensor,
    terms: (Tensor | null)[],
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
    sampleWeight: Tensor | null,
  ): void {
    noGrad(() => {
      const batch = yPred[0]?.shape[0] ?? 1;
      this.lossTracker.updateState(total, batch);
      terms.forEach((t, i) => t && this.outputLossTrackers[i]?.updateState(t, batch));
    });
    this.updateCompiledMetrics(yTrue, yPred, sampleWeight);
  }

  /** Updates the compiled metrics (and weighted metrics), building them on the first batch. */
  updateCompiledMetrics(
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
    sampleWeight: Tensor | null,
  ): void {
    const inputs = [...yTrue, ...yPred, sampleWeight];
    eagerRegion("compiled metrics", inputs, (t) =>
      this.updateCompiledMetricsNow(
        t.slice(0, yTrue.length) as Tensor[],
        t.slice(yTrue.length, yTrue.length + yPred.length) as Tensor[],
        t[t.length - 1] ?? null,
      ),
    );
  }

  private updateCompiledMetricsNow(
    yTrue: readonly Tensor[],
    yPred: readonly Tensor[],
    sampleWeight: Tensor | null,
  ): void {
    noGrad(() => {
      this.metricsByOutput ??= this.buildMetrics(this.metricSpecs, yTrue, yPred);
      this.weightedMetricsByOutput ??= this.buildMetrics(this.weightedMetricSpecs, yTrue, yPred);
      this.metricsByOutput.forEach((ms, i) =>
        ms.forEach((m) => m.updateState(yTrue[i]!, yPred[i]!)),
      );
      this.weightedMetricsByOutput.forEach((ms, i) =>
        ms.forEach((m) => m.updateState(yTrue[i]!, yPred[i]!, sampleWeight ?? undefined)),
      );
    });
  }

  private readonly compileMetrics = new CompileMetrics(this);

  /**
   * The loss trackers, then the compiled metrics: once built, each of them; before, Keras's
   * `compile_metrics` entry that builds them (when any were given).
   */
  get metrics(): Metric[] {
    const given = [...this.metricSpecs, ...this.weightedMetricSpecs].some((s) => s.length > 0);
    const unbuilt = given && this.metricsByOutput === null;
    return [
      this.lossTracker,
      ...this.outputLossTrackers,
      ...(unbuilt ? [this.compileMetrics] : []),
      ...(this.metricsByOutput ?? []).flat(),
      ...(this.weightedMetricsByOutput ?? []).flat(),
    ];
  }

  /**
   * Current metric values as numbers, keyed by Keras's names: a repeated metric name gets `_1`,
   * `_2`, …; a weighted metric whose name is taken becomes `weighted_<name>`.
   */
  results(): Record<string, number> {
    return eagerRegion("metric results", [], () => this.resultsNow());
  }

  private resultsNow(): Record<string, number> {
    const logs: Record<string, number> = {};
    const value = (m: Metric) => Number(m.result().item());
    for (const m of [this.lossTracker, ...this.outputLossTrackers]) logs[m.name] = value(m);
    const counts = new Map<string, number>();
    const unique = (name: string): string => {
      const n = counts.get(name);
      counts.set(name, (n ?? 0) + 1);
      return n === undefined ? name : `${name}_${n}`;
    };
    for (const m of (this.metricsByOutput ?? []).flat()) logs[unique(m.name)] = value(m);
    (this.weightedMetricsByOutput ?? []).forEach((ms, i) => {
      const prefix = this.outputNames.length > 1 ? `${this.outputNames[i]}_` : "";
      for (const m of ms) {
        const name = counts.has(m.name)
          ? `${prefix}weighted_${m.name.slice(prefix.length)}`
          : m.name;
        logs[unique(name)] = value(m);
      }
    });
    return logs;
  }
}
