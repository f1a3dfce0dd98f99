import { categoricalHinge, hinge, squaredHinge } from "../losses/hinge.js";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from "../losses/probabilistic.js";
import type { MetricOptions } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";

/** Running mean of the binary crossentropy. */
export class BinaryCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(opts: MetricOptions & { fromLogits?: boolean; labelSmoothing?: number } = {}) {
    const fromLogits = opts.fromLogits ?? false;
    const labelSmoothing = opts.labelSmoothing ?? 0;
    super((t, p) => binaryCrossentropy(t, p, { fromLogits, labelSmoothing }), {
      ...opts,
      name: opts.name ?? "binary_crossentropy",
    });
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.direction = "down";
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
    };
  }
}

/** Running mean of the categorical crossentropy (one-hot labels). */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(
    opts: MetricOptions & { fromLogits?: boolean; labelSmoothing?: number; axis?: number } = {},
  ) {
    const fromLogits = opts.fromLogits ?? false;
    const labelSmoothing = opts.labelSmoothing ?? 0;
    const axis = opts.axis ?? -1;
    super((t, p) => categoricalCrossentropy(t, p, { fromLogits, labelSmoothing, axis }), {
      ...opts,
      name: opts.name ?? "categorical_crossentropy",
    });
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
    this.direction = "down";
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

/** Running mean of the sparse categorical crossentropy (integer labels). */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;
  constructor(
    opts: MetricOptions & { fromLogits?: boolean; ignoreClass?: number | null; axis?: number } = {},
  ) {
    const fromLogits = opts.fromLogits ?? false;
    const ignoreClass = opts.ignoreClass ?? null;
    const axis = opts.axis ?? -1;
    super((t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits, ignoreClass, axis }), {
      ...opts,
      name: opts.name ?? "sparse_categorical_crossentropy",
    });
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
    this.axis = axis;
    this.direction = "down";
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      ignore_class: this.ignoreClass,
      axis: this.axis,
    };
  }
}

/** Running mean of Σ y_true · log(y_true / y_pred). */
export class KLDivergence extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(klDivergence, { ...opts, name: opts.name ?? "kl_divergence" });
    this.direction = "down";
  }
}

/** Running mean of mean(y_pred − y_true · log(y_pred)). */
export class Poisson extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(poisson, { ...opts, name: opts.name ?? "poisson" });
    this.direction = "down";
  }
}

export class Hinge extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(hinge, { ...opts, name: opts.name ?? "hinge" });
    this.direction = "down";
  }
}

export class SquaredHinge extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(squaredHinge, { ...opts, name: opts.name ?? "squared_hinge" });
    this.direction = "down";
  }
}

export class CategoricalHinge extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(categoricalHinge, { ...opts, name: opts.name ?? "categorical_hinge" });
    this.direction = "down";
  }
}
